"""Fixtures for connection tests: services pointing at loopback servers, an echo server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

from connections.models import AuthType, Connection, Service
from connections.services import manage, send

CANARY = "canary-SECRET-7c1f9e"


class _Echo(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        parts = urlsplit(self.path)
        payload = {
            "method": self.command,
            "path": parts.path,
            "query": dict(parse_qsl(parts.query)),
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "form": dict(parse_qsl(body)) if "form" in self.headers.get("Content-Type", "") else {},
            "body": body,
        }
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        data = json.dumps(payload).encode()
        self.server.requests.append(payload)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.requests, server.statuses = [], []
    server.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback_allowed(settings):
    settings.CONSOLE_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    send.forget()
    yield
    send.forget()


@pytest.fixture
def make_service(topping):
    def make(key: str, auth_type: str, base_url: str, **fields) -> Service:
        return Service.objects.create(
            topping=topping,
            key=key,
            name=key.replace("_", " ").title(),
            auth_type=auth_type,
            api_base_url=base_url,
            allowed_hosts=["127.0.0.1"],
            **fields,
        )

    return make


@pytest.fixture
def oauth_service(make_service, oauth_server, loopback_allowed):
    url = oauth_server.url
    return make_service(
        "local_oauth",
        AuthType.OAUTH2,
        f"{url}/api",
        grant_type="authorization_code",
        authorize_url=f"{url}/authorize",
        token_url=f"{url}/token",
        refresh_url=f"{url}/token",
        revoke_url=f"{url}/revoke",
        scopes=[{"name": "read", "description": "Read"}, {"name": "write", "description": "Write"}],
        default_scopes=["read"],
        scope_delimiter=" ",
        client_id="console-client",
        client_secret="console-secret",
        pkce=True,
    )


@pytest.fixture
def make_connection(topping, owner):
    def make(service: Service, link_name: str = "local", **options) -> Connection:
        return manage.create_connection(
            topping,
            service,
            name=options.pop("name", link_name.title()),
            link_name=link_name,
            scopes=options.pop("scopes", list(service.default_scopes)),
            user_level=options.pop("user_level", False),
            url_values=options.pop("url_values", {}),
            user=options.pop("user", owner),
        )

    return make


@pytest.fixture
def canary_connection(make_service, make_connection, echo_server, loopback_allowed, owner):
    """A bearer connection to the echo server whose token and client secret are canaries."""
    service = make_service(
        "vault", AuthType.BEARER, echo_server.url, client_secret=CANARY + "-client"
    )
    connection = make_connection(service, "vault")
    manage.connect_with_values(connection, values={"token": CANARY}, user=owner)
    return connection


def connect_by_code(
    connection: Connection, oauth_server, user, environment: str = "production"
) -> Connection:
    """Run the real authorization-code exchange against the loopback provider, without a
    browser: start, let the provider approve at once, finish with its redirect's query."""
    import requests

    from connections.services import flows

    url = flows.start(
        connection,
        user=user,
        session_key="s1",
        redirect_uri=oauth_server.clients["console-client"].redirect_uris[0],
        environment=environment,
    )
    answer = requests.get(url + "&auto=1", allow_redirects=False, timeout=10)
    params = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
    flows.finish(params, user=user, session_key="s1")
    return connection
