"""Pieces the benchmark commands share: a loopback JSON API and a connected OAuth connection."""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.utils import timezone

from connections.models import AuthType, Connection, Credential, Service
from connections.schemas import Secrets
from connections.services import manage

BODY = b'{"data": [{"id": "4711", "Email": "ann@example.com"}]}'
TOKEN = "bench-token"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 65536  # one write per response: no Nagle / delayed-ACK stalls

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args) -> None:
        pass


def json_api_server() -> ThreadingHTTPServer:
    """A started loopback server answering every GET with a small JSON list."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


def oauth_connection(topping, user, api_url: str, link_name: str) -> Connection:
    """An OAuth 2.0 connection to ``api_url``, connected with a token valid for two hours."""
    service = Service.objects.create(
        topping=topping, key=f"bench_{link_name}", name="Bench", auth_type=AuthType.OAUTH2,
        grant_type="authorization_code", token_url="https://auth.example.invalid/token",
        api_base_url=api_url, allowed_hosts=["127.0.0.1"],
    )  # fmt: skip
    connection = manage.create_connection(
        topping, service, name="Bench", link_name=link_name, scopes=[], user_level=False,
        url_values={}, user=user,
    )  # fmt: skip
    credential = Credential(
        connection=connection,
        status=Credential.Status.CONNECTED,
        expires_at=timezone.now() + timedelta(hours=2),
    )
    credential.set_secrets(Secrets(access_token=TOKEN, refresh_token="bench-refresh"))
    credential.save()
    return connection
