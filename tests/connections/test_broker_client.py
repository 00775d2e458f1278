"""The broker's send(): credentials, redaction, redirects, size and time limits.

Every test talks to a real HTTP server on 127.0.0.1 started in-process, because the
pinning transport is exactly what a mocking library like ``responses`` would bypass.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import socket
import threading
import time

import pytest
import requests

from connections.broker import (
    BrokerError,
    BrokerSession,
    Injection,
    clear_dns_cache,
    send,
)
from connections.broker.transport import UnpinnedRequest

LOOPBACK = ["127.0.0.1", "localhost"]
SECRET = "s3cr3t-t0ken/+value"


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = {
            "method": self.command,
            "path": self.path,
            "headers": dict(self.headers.items()),
            "body": body.decode("latin-1"),
        }
        self.server.seen.append(seen)
        route = self.server.routes.get(self.path.split("?", 1)[0], LoopbackServer.echo)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            route(self, seen)

    do_GET = do_POST = do_PUT = do_HEAD = _handle

    def log_message(self, *args):
        pass


class LoopbackServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 whose routes a test sets per path."""

    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.seen = []
        self.httpd.routes = {}
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True).start()

    @property
    def seen(self) -> list[dict]:
        return self.httpd.seen

    def route(self, path, func):
        self.httpd.routes[path] = func

    def url(self, path="/", host="127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def reply(handler, status=200, body=b"", headers=None):
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)

    @staticmethod
    def echo(handler, seen):
        body = json.dumps(seen).encode()
        LoopbackServer.reply(handler, 200, body, {"Content-Type": "application/json"})

    @staticmethod
    def redirect_to(location, status=302):
        return lambda h, seen: LoopbackServer.reply(h, status, b"moved", {"Location": location})


@pytest.fixture
def server():
    clear_dns_cache()
    srv = LoopbackServer()
    yield srv
    srv.close()
    clear_dns_cache()


@pytest.fixture
def connects(monkeypatch):
    """Every socket connect attempted by the client, recorded before it happens."""
    calls: list[tuple] = []
    guarded = socket.socket.connect

    def recording(sock, address):
        calls.append(address)
        return guarded(sock, address)

    monkeypatch.setattr(socket.socket, "connect", recording)
    return calls


def test_get_returns_body_status_headers_and_record(server):
    resp = send("GET", server.url("/hello?x=1"), allowlist=LOOPBACK)
    assert resp.status == 200
    assert resp.json()["path"] == "/hello?x=1"
    assert resp.headers["content-type"] == resp.headers.get("Content-Type") == "application/json"
    record = resp.record.to_dict()
    assert record["status"] == 200 and record["error"] is None
    assert record["response_size"] == len(resp.content)
    json.dumps(record)


def test_session_default_headers_apply_and_callers_override_them(server):
    seen = send("GET", server.url("/echo"), allowlist=LOOPBACK).json()["headers"]
    assert seen["User-Agent"].startswith("python-requests/")
    assert seen["Connection"] == "keep-alive"
    headers = {"user-agent": "topping/1", "Accept-Encoding": None}
    seen = send("GET", server.url("/echo"), headers=headers, allowlist=LOOPBACK).json()["headers"]
    seen = {name.lower(): value for name, value in seen.items()}
    assert seen["user-agent"] == "topping/1"
    assert seen["accept-encoding"] == "identity"  # the default "gzip, deflate" was removed


def test_injection_adds_header_query_form_and_auth(server):
    injection = Injection(
        headers={"X-Zoho-Token": SECRET},
        query={"api_key": SECRET},
        form={"client_secret": SECRET},
        secrets=(SECRET,),
        auth=requests.auth.HTTPBasicAuth("user", SECRET),
    )
    resp = send(
        "POST",
        server.url("/echo"),
        params={"q": "1"},
        data={"name": "x"},
        injection=injection,
        allowlist=LOOPBACK,
    )
    seen = resp.json()
    assert seen["headers"]["X-Zoho-Token"] == SECRET
    assert "api_key=s3cr3t" in seen["path"] and "q=1" in seen["path"]
    assert "name=x" in seen["body"] and "client_secret=s3cr3t" in seen["body"]
    assert seen["headers"]["Authorization"].startswith("Basic ")
    dumped = json.dumps(resp.record.to_dict()) + resp.url
    assert "s3cr3t" not in dumped and "[redacted]" in dumped
    assert resp.record.request_headers["X-Zoho-Token"] == "[redacted]"
    assert resp.record.request_headers["Authorization"] == "[redacted]"


def test_secret_in_caller_url_and_sensitive_params_are_redacted(server):
    url = server.url(f"/hooks/{SECRET}?token=abc&keep=yes")
    resp = send("GET", url, injection=Injection(secrets=(SECRET,)), allowlist=LOOPBACK)
    assert "s3cr3t" not in resp.url and "abc" not in resp.url
    assert "keep=yes" in resp.url and "token=[redacted]" in resp.url


def test_errors_are_redacted(server):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    injection = Injection(query={"api_key": SECRET}, secrets=(SECRET,))
    with pytest.raises(BrokerError) as info:
        send("GET", f"http://127.0.0.1:{port}/{SECRET}", injection=injection, allowlist=LOOPBACK)
    err = info.value
    assert err.code == "connection"
    text = str(err) + json.dumps(err.record.to_dict())
    assert "s3cr3t" not in text and SECRET not in text


def test_credentials_dropped_on_cross_host_redirect(server):
    server.route("/go", server.redirect_to(server.url("/landing", host="localhost")))
    injection = Injection(
        headers={"X-Api-Key": SECRET},
        query={"api_key": SECRET},
        secrets=(SECRET,),
        auth=requests.auth.HTTPBasicAuth("user", SECRET),
    )
    resp = send(
        "GET",
        server.url("/go"),
        headers={"Cookie": "sid=1", "Authorization": "Bearer caller", "X-Trace": "t"},
        injection=injection,
        allowlist=LOOPBACK,
    )
    first, second = server.seen
    assert first["headers"]["X-Api-Key"] == SECRET and "api_key" in first["path"]
    assert second["path"] == "/landing"
    assert second["headers"]["Host"].startswith("localhost:")
    for name in ("X-Api-Key", "Authorization", "Cookie"):
        assert name not in second["headers"]
    assert second["headers"]["X-Trace"] == "t"
    assert resp.record.redirects == [server.url("/landing", host="localhost")]


def test_credentials_kept_on_same_host_redirect(server):
    server.route("/go", server.redirect_to("/landing"))
    injection = Injection(headers={"Authorization": "Bearer x"}, query={"api_key": "k"})
    send("GET", server.url("/go"), injection=injection, allowlist=LOOPBACK)
    second = server.seen[1]
    assert second["headers"]["Authorization"] == "Bearer x"
    assert second["path"] == "/landing?api_key=k"


@pytest.fixture
def other_port():
    """A second server on the same host, on another port: another origin."""
    srv = LoopbackServer()
    yield srv
    srv.close()


CALLER_HEADERS = {
    "Authorization": "Bearer caller-own-token",
    "Cookie": "sid=caller-cookie",
    "Proxy-Authorization": "Basic caller-proxy",
    "X-Trace": "t",
}


@pytest.mark.parametrize(
    "injection",
    [
        Injection(headers={"X-Api-Key": SECRET}, secrets=(SECRET,)),
        Injection(query={"api_key": SECRET}, secrets=(SECRET,)),
        Injection(form={"client_secret": SECRET}, secrets=(SECRET,)),
        Injection(auth=requests.auth.HTTPBasicAuth("user", SECRET), secrets=(SECRET,)),
    ],
    ids=["header", "query", "form", "basic_auth"],
)
def test_credentials_dropped_on_redirect_to_another_port(server, other_port, injection):
    server.route("/go", server.redirect_to(other_port.url("/landing"), 307))
    resp = send(
        "POST",
        server.url("/go"),
        data={"name": "x"},
        headers=CALLER_HEADERS,
        injection=injection,
        allowlist=LOOPBACK,
    )
    assert resp.status == 200
    (first,) = server.seen
    (second,) = other_port.seen
    carried = json.dumps(first)
    assert "s3cr3t-t0ken" in carried or first["headers"]["Authorization"].startswith("Basic ")
    assert second["path"] == "/landing" and "name=x" in second["body"]
    seen = json.dumps(second)
    assert "s3cr3t-t0ken" not in seen and "dXNlcjpzM2NyM3Q" not in seen  # b64 of "user:s3cr3t"
    for value in ("caller-own-token", "caller-cookie", "caller-proxy"):
        assert value not in seen
    for name in ("X-Api-Key", "Authorization", "Cookie", "Proxy-Authorization"):
        assert name not in second["headers"]
    assert second["headers"]["X-Trace"] == "t"


def test_allowed_hosts_enforced_on_first_hop(server, connects):
    injection = Injection(headers={"Authorization": "x"}, allowed_hosts=("*.zoho.com",))
    with pytest.raises(BrokerError) as info:
        send("GET", server.url("/"), injection=injection, allowlist=LOOPBACK)
    assert info.value.code == "refused_host"
    assert connects == [] and server.seen == []


def test_allowed_hosts_enforced_on_redirect_hop(server):
    server.route("/go", server.redirect_to(server.url("/x", host="localhost")))
    injection = Injection(headers={"Authorization": "x"}, allowed_hosts=("127.0.0.1",))
    with pytest.raises(BrokerError) as info:
        send("GET", server.url("/go"), injection=injection, allowlist=LOOPBACK)
    assert info.value.code == "refused_host"
    assert len(server.seen) == 1
    assert info.value.record.redirects == [server.url("/x", host="localhost")]


def test_303_turns_post_into_get_and_307_keeps_body(server):
    server.route("/see", server.redirect_to("/echo", 303))
    server.route("/keep", server.redirect_to("/echo", 307))
    seen = send("POST", server.url("/see"), data={"a": "1"}, allowlist=LOOPBACK).json()
    assert seen["method"] == "GET" and seen["body"] == ""
    seen = send("POST", server.url("/keep"), json={"a": 1}, allowlist=LOOPBACK).json()
    assert seen["method"] == "POST" and json.loads(seen["body"]) == {"a": 1}


def test_redirect_limit(server):
    server.route("/loop", server.redirect_to("/loop"))
    with pytest.raises(BrokerError) as info:
        send("GET", server.url("/loop"), allowlist=LOOPBACK, max_redirects=3)
    assert info.value.code == "too_many_redirects"
    assert len(info.value.record.redirects) == 3 and len(server.seen) == 4


def test_error_status_and_redirect_without_location_are_returned(server):
    server.route("/boom", lambda h, s: LoopbackServer.reply(h, 500, b"not json"))
    server.route("/odd", lambda h, s: LoopbackServer.reply(h, 302, b""))
    resp = send("GET", server.url("/boom"), allowlist=LOOPBACK)
    assert resp.status == 500 and resp.text() == "not json"
    with pytest.raises(ValueError):
        resp.json()
    assert send("GET", server.url("/odd"), allowlist=LOOPBACK).status == 302


def _big(handler, seen):
    handler.send_response(200)
    handler.send_header("Content-Length", str(6 * 1024 * 1024))
    handler.end_headers()
    handler.wfile.write(b"x" * (6 * 1024 * 1024))


def _big_chunked(handler, seen):
    handler.send_response(200)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"y" * 65536
    for _ in range(96):  # 6 MB
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    handler.wfile.write(b"0\r\n\r\n")


@pytest.mark.parametrize("route", [_big, _big_chunked], ids=["content-length", "chunked"])
def test_response_size_cap(server, route):
    server.route("/big", route)
    with pytest.raises(BrokerError) as info:
        send("GET", server.url("/big"), allowlist=LOOPBACK)
    assert info.value.code == "too_large"
    small = send("GET", server.url("/big"), allowlist=LOOPBACK, max_bytes=7 * 1024 * 1024)
    assert len(small.content) == 6 * 1024 * 1024


def _slow(handler, seen):
    time.sleep(2.5)
    LoopbackServer.reply(handler, 200, b"late")


def _trickle(handler, seen):
    handler.send_response(200)
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    for _ in range(100):
        handler.wfile.write(b"z")
        handler.wfile.flush()
        time.sleep(0.1)


@pytest.mark.parametrize("route", [_slow, _trickle], ids=["no-response", "trickle"])
def test_timeout_is_a_total_deadline(server, route):
    server.route("/slow", route)
    started = time.monotonic()
    with pytest.raises(BrokerError) as info:
        send("GET", server.url("/slow"), allowlist=LOOPBACK, timeout=0.5)
    assert info.value.code == "timeout"
    assert time.monotonic() - started < 1.5


def test_no_cookies_kept_between_calls(server):
    server.route("/set", lambda h, s: LoopbackServer.reply(h, 200, b"", {"Set-Cookie": "a=b"}))
    send("GET", server.url("/set"), allowlist=LOOPBACK)
    seen = send("GET", server.url("/echo"), allowlist=LOOPBACK).json()
    assert "Cookie" not in seen["headers"]


def test_environment_proxies_ignored(server, monkeypatch, connects):
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://10.9.9.9:3128")
    assert send("GET", server.url("/"), allowlist=LOOPBACK).status == 200
    assert all(address[0] == "127.0.0.1" for address in connects)


def test_default_allowlist_comes_from_settings(server, settings):
    settings.CONSOLE_OUTBOUND_ALLOWLIST = ["127.0.0.0/8"]
    assert send("GET", server.url("/")).status == 200
    settings.CONSOLE_OUTBOUND_ALLOWLIST = []
    with pytest.raises(BrokerError):
        send("GET", server.url("/"))


def test_plain_session_is_refused_and_broker_session_needs_a_pin(server, connects):
    with pytest.raises(TypeError):
        send("GET", server.url("/"), allowlist=LOOPBACK, session=requests.Session())
    with pytest.raises(UnpinnedRequest):
        BrokerSession().get(server.url("/"))
    assert connects == []


def test_broker_overhead_is_small(server):
    """A loose guard for the <=1.10x target: catches per-call work going badly wrong."""
    plain = requests.Session()
    url = server.url("/")
    plain.get(url)
    send("GET", url, allowlist=LOOPBACK)

    def median(call):
        samples = []
        for _ in range(60):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
        return sorted(samples)[30]

    ratios = [
        median(lambda: send("GET", url, allowlist=LOOPBACK)) / median(lambda: plain.get(url))
        for _ in range(3)
    ]
    assert min(ratios) < 1.5


def test_text_uses_declared_charset_else_utf8(server):
    latin = "café".encode("latin-1")
    server.route(
        "/latin",
        lambda h, s: LoopbackServer.reply(
            h, 200, latin, {"Content-Type": "text/plain; charset=ISO-8859-1"}
        ),
    )
    server.route(
        "/plain",
        lambda h, s: LoopbackServer.reply(h, 200, "café".encode(), {"Content-Type": "text/plain"}),
    )
    assert send("GET", server.url("/latin"), allowlist=LOOPBACK).text() == "café"
    assert send("GET", server.url("/plain"), allowlist=LOOPBACK).text() == "café"


def test_form_injection_into_string_body_and_head_request(server):
    injection = Injection(form={"client_id": "abc"})
    seen = send(
        "POST",
        server.url("/echo"),
        data="grant_type=refresh_token",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        injection=injection,
        allowlist=LOOPBACK,
    ).json()
    assert seen["body"] == "grant_type=refresh_token&client_id=abc"
    with pytest.raises(ValueError):
        send("POST", server.url("/"), json={}, injection=injection, allowlist=LOOPBACK)
    head = send("HEAD", server.url("/echo"), allowlist=LOOPBACK)
    assert head.status == 200 and head.content == b""
