"""An emulated app served over HTTP on loopback (``manage.py emulate``), with its OAuth.

The API answers under the description's base paths (``/books/v3/...`` and the legacy
``/api/v3/...`` for Zoho Books); the authorization server under the description's auth
paths: a consent page (GET shows it, POST answers it), the token endpoint (authorization
code and refresh token grants) and revocation. A call needs a live access token in
``Authorization: <token prefix> <token>``, as the real app wants; anything else gets the
app's own "unauthorized" answer. Records live in memory.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

from connections.catalog.description import Description
from sandbox.emulation.engine import Emulator, Request
from sandbox.emulation.memory import MemoryStore

CODE_SECONDS = 120


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    scope: str
    expires: float


@dataclass
class Token:
    client_id: str
    scope: str
    expires: float
    refresh_token: str = ""


@dataclass
class AuthServer:
    """The emulated app's OAuth 2.0 authorization server (Zoho-style answers)."""

    clients: dict[str, str]  # client id -> secret
    expires_in: int
    extra: dict[str, Any]
    codes: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    refresh_tokens: dict[str, Token] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def approve(self, client_id: str, redirect_uri: str, scope: str) -> str:
        code = "1000." + secrets.token_hex(16)
        with self.lock:
            self.codes[code] = Grant(client_id, redirect_uri, scope, time.time() + CODE_SECONDS)
        return code

    def token(
        self, form: dict[str, str], basic: tuple[str, str] | None
    ) -> tuple[int, dict[str, Any]]:
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        grant = form.get("grant_type", "")
        with self.lock:
            self.token_requests.append({"grant_type": grant, "client_id": client_id})
            if self.clients.get(client_id) != secret or not client_id:
                return 400, {"error": "invalid_client"}
            if grant == "authorization_code":
                found = self.codes.pop(form.get("code", ""), None)
                if (
                    found is None
                    or found.expires < time.time()
                    or found.client_id != client_id
                    or found.redirect_uri != form.get("redirect_uri", found.redirect_uri)
                ):
                    return 400, {"error": "invalid_code"}
                refresh = "1000." + secrets.token_hex(24)
                issued = self._issue(client_id, found.scope, refresh)
                self.refresh_tokens[refresh] = Token(client_id, found.scope, float("inf"))
                return 200, {**issued, "refresh_token": refresh}
            if grant == "refresh_token":
                known = self.refresh_tokens.get(form.get("refresh_token", ""))
                if known is None or known.client_id != client_id:
                    return 400, {"error": "invalid_code"}
                # Zoho keeps the refresh token: the answer has none.
                return 200, self._issue(client_id, known.scope, form.get("refresh_token", ""))
            return 400, {"error": "unsupported_grant_type"}

    def _issue(self, client_id: str, scope: str, refresh: str) -> dict[str, Any]:
        access = "1000." + secrets.token_hex(24)
        self.tokens[access] = Token(client_id, scope, time.time() + self.expires_in, refresh)
        return {
            "access_token": access,
            "scope": scope,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            **self.extra,
        }

    def revoke(self, token: str) -> None:
        with self.lock:
            self.refresh_tokens.pop(token, None)
            for access in [a for a, t in self.tokens.items() if t.refresh_token == token]:
                del self.tokens[access]
            self.tokens.pop(token, None)

    def valid(self, token: str) -> bool:
        with self.lock:
            found = self.tokens.get(token)
            return found is not None and found.expires > time.time()

    def expire_all(self) -> None:
        """Every access token expires now (tests of refresh)."""
        with self.lock:
            for token in self.tokens.values():
                token.expires = 0


class EmulatedServer:
    """One emulated app on ``host:port`` (port 0 picks a free one); a context manager."""

    def __init__(
        self,
        description: Description,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clients: dict[str, str] | None = None,
        store: MemoryStore | None = None,
    ) -> None:
        self.api = description
        self.store = store or MemoryStore()
        self.auth = AuthServer(
            clients=dict(clients or {}),
            expires_in=description.auth.expires_in,
            extra=dict(description.auth.token_extra),
        )
        handler = type("Handler", (_Handler,), {"app": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://{host}:{self.httpd.server_port}"
        if "api_domain" in self.auth.extra:
            self.auth.extra["api_domain"] = self.url
        paths = [urlsplit(u).path.rstrip("/") for u in description.base_urls]
        self.base_urls = tuple(self.url + path for path in paths)
        self.emulator = Emulator(description, self.store, base_urls=self.base_urls)
        self._thread: threading.Thread | None = None

    def start(self) -> EmulatedServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> EmulatedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    app: EmulatedServer
    protocol_version = "HTTP/1.1"
    # Headers and body in one write: two small writes on a kept-alive connection wait out
    # the client's delayed ACK (about 40 ms a call on Linux).
    wbufsize = 65536

    def log_message(self, *args: Any) -> None:
        pass

    def _send(
        self, status: int, body: str, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            if name.lower() != "content-type":
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _json(
        self, status: int, value: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        self._send(status, json.dumps(value), "application/json;charset=UTF-8", headers)

    def _body(self) -> str:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode("utf-8", "replace") if length else ""

    def _basic(self) -> tuple[str, str] | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return unquote_plus(user), unquote_plus(password)

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        auth = self.app.api.auth
        body = self._body()
        if auth.authorize_path and parts.path == auth.authorize_path:
            return self._authorize(dict(parse_qsl(parts.query)), dict(parse_qsl(body)))
        if auth.token_path and parts.path == auth.token_path and self.command == "POST":
            form = {**dict(parse_qsl(parts.query)), **dict(parse_qsl(body))}
            status, issued = self.app.auth.token(form, self._basic())
            return self._json(status, issued)
        if auth.revoke_path and parts.path == auth.revoke_path and self.command == "POST":
            form = {**dict(parse_qsl(parts.query)), **dict(parse_qsl(body))}
            self.app.auth.revoke(form.get("token", ""))
            return self._json(200, {"status": "success"})
        url = self.app.url + self.path
        if self.app.emulator.relative(url) is None:
            return self._json(404, {"code": 5, "message": "Invalid URL Passed"})
        prefix = (auth.token_prefix or "Bearer") + " "
        header = self.headers.get("Authorization", "")
        if not (header.startswith(prefix) and self.app.auth.valid(header[len(prefix) :])):
            refused = self.app.emulator.refusal("unauthorized")
            return self._json(refused.status, refused.body)
        answer = self.app.emulator.handle(Request(self.command, url, dict(self.headers), body))
        assert answer is not None
        self._json(answer.status, answer.body, answer.headers)

    def _authorize(self, query: dict[str, str], form: dict[str, str]) -> None:
        params = form or query
        client_id, redirect_uri = params.get("client_id", ""), params.get("redirect_uri", "")
        if client_id not in self.app.auth.clients or not redirect_uri.startswith("http"):
            return self._send(400, "<p>Invalid client or redirect URI.</p>", "text/html")
        if self.command == "GET":
            hidden = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in query.items()
            )
            page = (
                f"<h1>{html.escape(self.app.api.service)} (emulated)</h1>"
                f"<p>Allow {html.escape(client_id)} to use {html.escape(query.get('scope', ''))}?"
                f'</p><form method="post">{hidden}<button name="decision" value="allow">'
                'Allow</button><button name="decision" value="deny">Deny</button></form>'
            )
            return self._send(200, page, "text/html")
        answer = {"state": params.get("state", "")}
        if params.get("decision") == "allow":
            code = self.app.auth.approve(client_id, redirect_uri, params.get("scope", ""))
            answer |= {"code": code, "location": "us", "accounts-server": self.app.url}
        else:
            answer["error"] = "access_denied"
        join = "&" if "?" in redirect_uri else "?"
        self.send_response(302)
        self.send_header("Location", f"{redirect_uri}{join}{urlencode(answer)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle
