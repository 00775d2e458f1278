"""Benchmark: a plain ``requests`` call vs a broker call with an OAuth connection.

Both hit the same loopback HTTP server in one run, alternating, so machine noise falls on
both alike. Everything it creates is rolled back.
"""

from __future__ import annotations

import statistics
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from connections.models import AuthType, Credential, Service
from connections.schemas import Secrets
from connections.services import manage, send
from console import services as console_services
from console.models import User


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 65536  # one write per response: no Nagle / delayed-ACK stalls

    def do_GET(self) -> None:
        body = b'{"data": [{"id": 1, "Email": "ann@example.com"}]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class Command(BaseCommand):
    help = "Median time of a plain requests call vs a broker call with an OAuth connection."

    def add_arguments(self, parser) -> None:
        parser.add_argument("-n", "--calls", type=int, default=2000)

    def handle(self, *args, calls: int, **options) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/contacts"
        try:
            with override_settings(CONSOLE_OUTBOUND_ALLOWLIST=["127.0.0.1"]), transaction.atomic():
                plain, broker = self._measure(url, calls)
                transaction.set_rollback(True)
        finally:
            server.shutdown()
            server.server_close()
        p, b = statistics.median(plain) * 1e3, statistics.median(broker) * 1e3
        self.stdout.write(f"calls each          {calls}")
        self.stdout.write(f"plain requests      {p:.3f} ms median")
        self.stdout.write(f"broker (OAuth)      {b:.3f} ms median")
        self.stdout.write(f"ratio broker/plain  {b / p:.3f} (target <= 1.10)")

    def _measure(self, url: str, calls: int) -> tuple[list[float], list[float]]:
        user = User.objects.create(email="bench@example.invalid", username="bench-broker")
        topping = console_services.create_topping(name="Broker Bench", user=user)
        service = Service.objects.create(
            topping=topping, key="bench", name="Bench", auth_type=AuthType.OAUTH2,
            grant_type="authorization_code", token_url="https://auth.example.invalid/token",
            api_base_url=url.rsplit("/", 1)[0], allowed_hosts=["127.0.0.1"],
        )  # fmt: skip
        connection = manage.create_connection(
            topping, service, name="Bench", link_name="bench", scopes=[], user_level=False,
            url_values={}, user=user,
        )  # fmt: skip
        credential = Credential(
            connection=connection,
            status=Credential.Status.CONNECTED,
            expires_at=timezone.now() + timedelta(hours=1),
        )
        credential.set_secrets(Secrets(access_token="bench-token", refresh_token="r"))
        credential.save()
        session = requests.Session()
        session.trust_env = False
        headers = {"Authorization": "Bearer bench-token"}
        plain: list[float] = []
        broker: list[float] = []
        for _ in range(50):  # warm both paths: pools, caches, imports
            session.get(url, headers=headers, timeout=40).json()
            send.send("bench", "GET", "contacts", topping=topping).json()
        for _ in range(calls):
            start = time.perf_counter()
            session.get(url, headers=headers, timeout=40).json()
            plain.append(time.perf_counter() - start)
            start = time.perf_counter()
            send.send("bench", "GET", "contacts", topping=topping).json()
            broker.append(time.perf_counter() - start)
        return plain, broker
