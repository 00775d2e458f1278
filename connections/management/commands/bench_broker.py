"""Benchmark: a plain ``requests`` call vs a broker call with an OAuth connection.

Both hit the same loopback HTTP server in one run, alternating, so machine noise falls on
both alike, and both keep their connection alive (a ``requests.Session`` and the broker's
per-thread session). Everything it creates is rolled back.
"""

from __future__ import annotations

import statistics
import time

import requests
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings

from connections.management import benchkit
from connections.services import send
from console import services as console_services
from console.models import User


class Command(BaseCommand):
    help = "Median time of a plain requests call vs a broker call with an OAuth connection."

    def add_arguments(self, parser) -> None:
        parser.add_argument("-n", "--calls", type=int, default=2000)

    def handle(self, *args, calls: int, **options) -> None:
        server = benchkit.json_api_server()
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
        benchkit.oauth_connection(topping, user, url.rsplit("/", 1)[0], "bench")
        session = requests.Session()
        session.trust_env = False
        headers = {"Authorization": f"Bearer {benchkit.TOKEN}"}
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
