"""A real OAuth 1.0a provider (RFC 5849, three-legged) on 127.0.0.1, for tests.

The protocol is oauthlib's ``oauth1`` endpoints (request token, authorization, access token,
protected resource); this module only keeps their state and serves them over WSGI.
Endpoints: POST /request_token, GET /authorize (``?auto=1`` approves at once, otherwise a
consent page whose #allow / #deny buttons POST back), POST /access_token,
GET|POST /resource (signed with an access token; answers who it was for).
"""

from __future__ import annotations

import html
import json
import threading
import traceback
from collections import Counter
from http import HTTPStatus
from socketserver import ThreadingMixIn
from urllib.parse import parse_qsl, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.util import request_uri

from oauthlib import oauth1
from oauthlib.common import add_params_to_uri

CONSUMER_KEY = "console-consumer"
CONSUMER_SECRET = "console-consumer-secret"
CALLBACK = "http://testserver/connections/oauth1/callback/"
DEFAULT_USER = "alice"
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


class _Validator(oauth1.RequestValidator):
    """oauthlib's storage hooks, backed by the dicts of an ``OAuth1TestServer``."""

    enforce_ssl = False  # loopback http only
    safe_characters = _SAFE
    client_key_length = request_token_length = access_token_length = (3, 64)
    verifier_length = (20, 64)
    nonce_length = (6, 64)
    allowed_signature_methods = ("HMAC-SHA1", "HMAC-SHA256")
    dummy_client = "dummy-consumer"
    dummy_request_token = "dummy-request-token"
    dummy_access_token = "dummy-access-token"

    def __init__(self, server: OAuth1TestServer):
        super().__init__()
        self.s = server

    # -- consumers -------------------------------------------------------------------------
    def validate_client_key(self, client_key, request):
        return client_key in self.s.consumers

    def get_client_secret(self, client_key, request):
        return self.s.consumers.get(client_key, {}).get("secret", "dummy-secret")

    def validate_redirect_uri(self, client_key, redirect_uri, request):
        return redirect_uri in self.s.consumers.get(client_key, {}).get("callbacks", ())

    # -- realms: this provider has none ----------------------------------------------------
    def get_default_realms(self, client_key, request):
        return []

    def validate_requested_realms(self, client_key, realms, request):
        return not realms

    def get_realms(self, token, request):
        return []

    def verify_realms(self, token, realms, request):
        return not realms

    def validate_realms(self, client_key, token, request, uri=None, realms=None):
        return True

    # -- request tokens --------------------------------------------------------------------
    def save_request_token(self, token, request):
        with self.s.lock:
            self.s.request_tokens[token["oauth_token"]] = {
                "secret": token["oauth_token_secret"],
                "client_key": request.client_key,
                "callback": request.redirect_uri,
                "verifier": None,
                "user": None,
                "used": False,
            }

    def _request_token(self, token):
        record = self.s.request_tokens.get(token)
        return record if record and not record["used"] else None

    def verify_request_token(self, token, request):
        return self._request_token(token) is not None

    def validate_request_token(self, client_key, token, request):
        record = self._request_token(token)
        return record is not None and record["client_key"] == client_key

    def get_request_token_secret(self, client_key, token, request):
        record = self._request_token(token)
        return record["secret"] if record else "dummy-secret"

    def get_redirect_uri(self, token, request):
        return self.s.request_tokens[token]["callback"]

    def save_verifier(self, token, verifier, request):
        with self.s.lock:
            record = self.s.request_tokens[token]
            record["verifier"], record["user"] = verifier["oauth_verifier"], self.s.user

    def validate_verifier(self, client_key, token, verifier, request):
        record = self._request_token(token)
        ok = record is not None and record["verifier"] is not None
        ok = ok and record["client_key"] == client_key and record["verifier"] == verifier
        if ok:
            request.user = record["user"]
        return ok

    def invalidate_request_token(self, client_key, request_token, request):
        with self.s.lock:
            self.s.request_tokens[request_token]["used"] = True

    # -- access tokens ---------------------------------------------------------------------
    def save_access_token(self, token, request):
        with self.s.lock:
            self.s.access_tokens[token["oauth_token"]] = {
                "secret": token["oauth_token_secret"],
                "client_key": request.client_key,
                "user": request.user,
            }

    def validate_access_token(self, client_key, token, request):
        record = self.s.access_tokens.get(token)
        if record is None or record["client_key"] != client_key:
            return False
        request.user = record["user"]
        return True

    def get_access_token_secret(self, client_key, token, request):
        return self.s.access_tokens.get(token, {}).get("secret", "dummy-secret")

    def validate_timestamp_and_nonce(
        self, client_key, timestamp, nonce, request, request_token=None, access_token=None
    ):
        key = (client_key, timestamp, nonce, request_token or access_token)
        with self.s.lock:  # a replayed (timestamp, nonce) is refused
            fresh = key not in self.s.nonces
            self.s.nonces.add(key)
        return fresh


_ThreadingWSGIServer = type(
    "_ThreadingWSGIServer", (ThreadingMixIn, WSGIServer), {"daemon_threads": True}
)
_QuietHandler = type("_QuietHandler", (WSGIRequestHandler,), {"log_message": lambda *a: None})


class OAuth1TestServer:
    """An oauthlib-backed OAuth 1.0a provider for one test; use as a context manager.

    One consumer is registered: ``CONSUMER_KEY`` / ``CONSUMER_SECRET`` with callback
    ``CALLBACK``. Every request is logged in ``requests`` as (endpoint, status) and counted
    in ``counters``; crashes inside the server land in ``errors``.
    """

    def __init__(self, *, user: str = DEFAULT_USER):
        self.user = user  # the resource owner who approves
        self.confirm_callback = True  # False: answer like OAuth 1.0 (no oauth_callback_confirmed)
        self.lock = threading.RLock()
        self.consumers = {CONSUMER_KEY: {"secret": CONSUMER_SECRET, "callbacks": [CALLBACK]}}
        self.request_tokens: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.nonces: set = set()
        self.requests: list[tuple[str, int]] = []
        self.resource_calls: list[dict] = []  # user, method, query of every valid resource call
        self.counters: Counter = Counter()
        self.errors: list[str] = []
        validator = _Validator(self)
        self._request_token = oauth1.RequestTokenEndpoint(validator)
        self._authorization = oauth1.AuthorizationEndpoint(validator)
        self._access_token = oauth1.AccessTokenEndpoint(validator)
        self._resource = oauth1.ResourceEndpoint(validator)
        self._httpd = self._thread = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}"

    def __enter__(self) -> OAuth1TestServer:
        self._httpd = make_server("127.0.0.1", 0, self._wsgi, _ThreadingWSGIServer, _QuietHandler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # -- WSGI ------------------------------------------------------------------------------
    def _wsgi(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        try:
            headers, body, status = self._route(environ, path)
        except Exception:
            self.errors.append(traceback.format_exc())
            headers, body, status = {"Content-Type": "text/plain"}, "server crashed", 500
        with self.lock:
            self.counters[path] += 1
            self.requests.append((path, status))
        start_response(f"{status} {HTTPStatus(status).phrase}", list((headers or {}).items()))
        return [(body or "").encode()]

    def _route(self, environ, path):
        method = environ["REQUEST_METHOD"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode() if length else ""
        headers = {
            k[5:].replace("_", "-").title(): v for k, v in environ.items() if k[:5] == "HTTP_"
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        uri = request_uri(environ)
        if path == "/request_token" and method == "POST":
            answer = self._request_token.create_request_token_response(uri, method, body, headers)
            if not self.confirm_callback:
                answer = (answer[0], answer[1].replace("&oauth_callback_confirmed=true", ""), 200)
            return answer
        if path == "/authorize" and method in ("GET", "POST"):
            query = environ.get("QUERY_STRING", "") if method == "GET" else body
            return self._authorize(method, dict(parse_qsl(query)))
        if path == "/access_token" and method == "POST":
            return self._access_token.create_access_token_response(uri, method, body, headers)
        if path == "/resource" and method in ("GET", "POST"):
            return self._protected(uri, method, body, headers, environ.get("QUERY_STRING", ""))
        return _json(404, {"error": "not_found"})

    def _authorize(self, method, params):
        token = params.get("oauth_token", "")
        uri = f"{self.url}/authorize?{urlencode({'oauth_token': token})}"
        try:
            realms, _ = self._authorization.get_realms_and_credentials(uri)
        except oauth1.OAuth1Error as error:
            return {"Content-Type": "text/plain"}, f"{error.error}: {error.description}", 400
        if method == "GET" and params.get("auto") != "1":
            return {"Content-Type": "text/html; charset=utf-8"}, _consent(token), 200
        if params.get("decision") == "deny":
            # RFC 5849 has no denial message; providers send the user back without a verifier.
            callback = self.request_tokens[token]["callback"]
            return {"Location": add_params_to_uri(callback, [("denied", token)])}, "", 302
        return self._authorization.create_authorization_response(uri, realms=realms)

    def _protected(self, uri, method, body, headers, query):
        try:
            valid, request = self._resource.validate_protected_resource_request(
                uri, method, body or None, headers
            )
        except (ValueError, oauth1.OAuth1Error):
            valid = False
        if not valid:
            return _json(401, {"error": "invalid_signature"})
        call = {"user": request.user, "method": method, "query": dict(parse_qsl(query))}
        with self.lock:
            self.resource_calls.append(call)
        return _json(200, call)


def _json(status, data):
    return {"Content-Type": "application/json"}, json.dumps(data), status


def _consent(token: str) -> str:
    e = html.escape
    return (
        "<!doctype html><title>Authorize</title><form method='post' action='/authorize'>"
        f"<input type='hidden' name='oauth_token' value='{e(token)}'>"
        "<button id='allow' name='decision' value='allow'>Allow</button>"
        "<button id='deny' name='decision' value='deny'>Deny</button></form>"
    )
