"""A real OAuth 2.0 authorization server and OAuth 1.0a resource on 127.0.0.1, for tests.

The protocol is oauthlib's (``oauth2.Server``: code + PKCE, refresh, client credentials, RFC 7009
revocation, bearer checks; ``oauth1`` endpoints); this module keeps state, knobs and WSGI glue.
Endpoints: GET|POST /authorize, POST /token, POST /revoke, GET /api/me, any /api/echo,
GET|POST /oauth1/resource, and the issuer's metadata (GET ``<issuer path>/.well-known/
openid-configuration`` and RFC 8414 ``/.well-known/oauth-authorization-server<issuer path>``).
Each registered client accepts only its ``auth_methods`` at /token and /revoke
(``invalid_client``, 401, otherwise); a public client (no secret) must use PKCE.
``issue_self_client_code`` mints a code as Zoho's Self Client does (no redirect URI); with
``zoho_code_errors`` a refused code is answered Zoho's way: 200 ``{"error": "invalid_code"}``.
"""
# ruff: noqa: E731  (the one-line validator hooks are lambdas, read as a table)

from __future__ import annotations

import base64
import hmac
import html
import json
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from http import HTTPStatus
from socketserver import ThreadingMixIn
from urllib.parse import parse_qsl, unquote_plus, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.util import request_uri

from oauthlib import oauth1, oauth2
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749.errors import FatalClientError, OAuth2Error

DEFAULT_CLIENT_ID = "console-client"
DEFAULT_CLIENT_SECRET = "console-secret"
DEFAULT_REDIRECT_URI = "http://testserver/connections/oauth/callback/"
DEFAULT_SCOPES = ("read", "write")
DEFAULT_GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")
DEFAULT_USER = "alice"
OAUTH1_CONSUMER_KEY = "console-consumer-key"
OAUTH1_CONSUMER_SECRET = "console-consumer-secret"
OAUTH1_TOKEN = "console-access-token"
OAUTH1_TOKEN_SECRET = "console-token-secret"
BOTH_AUTH_METHODS = ("client_secret_basic", "client_secret_post")
OPENID_CONFIGURATION = "/.well-known/openid-configuration"
OAUTH_METADATA = "/.well-known/oauth-authorization-server"
SELF_CLIENT_URI = "self-client:"  # a self-client code's stand-in for a redirect URI
_ERROR_STATUS = {"invalid_client": 401, "server_error": 500, "temporarily_unavailable": 503}


@dataclass
class RegisteredClient:
    client_id: str
    client_secret: str | None  # None: a public client (no secret, PKCE required)
    redirect_uris: list[str]
    scopes: list[str]
    grant_types: list[str]
    auth_methods: tuple[str, ...] = BOTH_AUTH_METHODS


class _Backed:
    def __init__(self, server: OAuthTestServer):
        super().__init__()
        self.s = server


class _Validator(_Backed, oauth2.RequestValidator):
    """oauthlib's storage hooks, backed by the dicts of an ``OAuthTestServer``."""

    _client = lambda self, cid: self.s.clients.get(cid or "")
    validate_client_id = lambda self, cid, req, *a, **kw: self._client(cid) is not None
    validate_grant_type = lambda self, cid, grant, c, r, *a, **kw: grant in c.grant_types
    validate_response_type = lambda self, cid, rtype, client, req, *a, **kw: rtype == "code"
    validate_scopes = lambda self, cid, sc, c, r, *a, **kw: set(sc) <= set(self._client(cid).scopes)
    get_default_scopes = lambda self, cid, req, *a, **kw: list(self._client(cid).scopes)
    validate_redirect_uri = lambda self, cid, uri, *a, **k: uri in self._client(cid).redirect_uris
    get_code_challenge = lambda self, code, req: self.s.codes[code]["challenge"]
    get_code_challenge_method = lambda self, code, req: self.s.codes[code]["method"]
    confirm_redirect_uri = lambda self, _, code, uri, *a, **k: uri == self.s.codes[code]["uri"]
    rotate_refresh_token = lambda self, req: self.s.rotate_refresh_tokens
    get_original_scopes = lambda self, rt, req, *a, **kw: list(self.s.refresh_tokens[rt]["scopes"])

    def client_authentication_required(self, request, *args, **kwargs):
        client = self._client(request.client_id)
        basic = request.headers.get("Authorization", "").lower().startswith("basic ")
        return basic or bool(request.client_secret) or bool(client and client.client_secret)

    def authenticate_client(self, request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        method, client_id, secret = "client_secret_post", request.client_id, request.client_secret
        if header.lower().startswith("basic "):  # RFC 6749 2.3.1: form-encoded, then base64
            try:
                raw = base64.b64decode(header[6:].strip()).decode()
            except ValueError:
                return False
            method = "client_secret_basic"
            client_id, secret = map(unquote_plus, raw.partition(":")[::2])
            if request.client_id and request.client_id != client_id:
                return False
        client = self._client(client_id)
        ok = client and client.client_secret and method in client.auth_methods
        if not ok or not hmac.compare_digest(secret or "", client.client_secret):
            return False
        request.client, request.client_id = client, client_id
        return True

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        request.client = self._client(client_id)
        return request.client is not None and not request.client.client_secret

    def get_default_redirect_uri(self, client_id, request, *args, **kwargs):
        rec = self.s.codes.get(getattr(request, "code", None) or "")
        if rec and rec["uri"] == SELF_CLIENT_URI:  # exchanged without a redirect_uri
            return SELF_CLIENT_URI
        uris = self._client(client_id).redirect_uris
        return uris[0] if len(uris) == 1 else None

    def is_pkce_required(self, client_id, request):
        client = self._client(client_id)
        return self.s.require_pkce or not (client and client.client_secret)

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        with self.s._lock:
            self.s.codes[code["code"]] = {
                "client_id": client_id, "uri": request.redirect_uri,
                "scopes": list(request.scopes), "user": request.user or self.s.user,
                "challenge": request.code_challenge, "method": request.code_challenge_method,
                "expires_at": time.time() + self.s.code_ttl, "used": False, "tokens": [],
            }  # fmt: skip

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        rec = self.s.codes.get(code)
        if not rec or rec["client_id"] != client_id or time.time() >= rec["expires_at"]:
            return False
        if rec["used"]:  # RFC 6749 4.1.2: a reused code also revokes what it produced
            for token in rec["tokens"]:
                self.s._revoke(token)
            return False
        request.scopes, request.user, request.auth_code = rec["scopes"], rec["user"], code
        return True

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        self.s.codes[code]["used"] = True

    def save_bearer_token(self, token, request, *args, **kwargs):
        s, rt = self.s, token.get("refresh_token")
        scopes = token.get("scope", " ".join(request.scopes or [])).split()
        user = None if request.grant_type == "client_credentials" else request.user
        s.access_tokens[token["access_token"]] = {
            "client_id": request.client_id, "scopes": scopes, "user": user, "refresh_token": rt,
            "expires_at": time.time() + int(token["expires_in"]), "revoked": False,
        }  # fmt: skip
        old_rt = request.refresh_token if request.grant_type == "refresh_token" else None
        if rt and rt != old_rt:
            s.refresh_tokens[rt] = {"client_id": request.client_id, "scopes": scopes,
                                    "user": user, "revoked": False}  # fmt: skip
        if old_rt and rt != old_rt:  # rotated: the old refresh token is spent
            s.refresh_tokens[old_rt]["revoked"] = True
        if getattr(request, "auth_code", None):
            s.codes[request.auth_code]["tokens"] += [t for t in (token["access_token"], rt) if t]
        s.issued.append({**token, "grant_type": request.grant_type,
                         "client_id": request.client_id, "time": time.time()})  # fmt: skip

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        rec = self.s.refresh_tokens.get(refresh_token)
        if not rec or rec["revoked"] or rec["client_id"] != client.client_id:
            return False
        request.user = rec["user"]
        return True

    def validate_bearer_token(self, token, scopes, request):
        rec = self.s.access_tokens.get(token or "")
        if not rec or rec["revoked"] or time.time() >= rec["expires_at"]:
            return False
        request.scopes, request.user, request.client_id = rec["scopes"], rec["user"], rec["client_id"]  # fmt: skip  # noqa: E501
        return set(scopes or []) <= set(rec["scopes"])

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
        with self.s._lock:
            self.s._revoke(token)
            self.s.revoked.append(token)


class _OAuth1Validator(_Backed, oauth1.RequestValidator):
    enforce_ssl = False
    safe_characters = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
    client_key_length = access_token_length = (3, 64)
    nonce_length = (6, 64)
    allowed_signature_methods = ("HMAC-SHA1", "HMAC-SHA256")
    dummy_client, dummy_access_token = "dummy-consumer", "dummy-access-token"

    validate_client_key = lambda self, key, req: key in self.s.oauth1_consumers
    get_client_secret = lambda self, key, req: self.s.oauth1_consumers.get(key, "dummy")
    validate_access_token = lambda self, key, tok, req: self.s.oauth1_tokens.get(tok, [0])[0] == key
    get_access_token_secret = lambda self, key, tok, req: self.s.oauth1_tokens.get(tok, "xx")[1]
    validate_realms = lambda self, key, token, req, uri=None, realms=None: True

    def validate_timestamp_and_nonce(self, client_key, timestamp, nonce, request, **kwargs):
        with self.s._lock:  # a replayed (timestamp, nonce) is refused
            fresh = (client_key, timestamp, nonce) not in self.s.oauth1_nonces
            self.s.oauth1_nonces.add((client_key, timestamp, nonce))
            return fresh


_ThreadingWSGIServer = type("_ThreadingWSGIServer", (ThreadingMixIn, WSGIServer), {"daemon_threads": True})  # fmt: skip  # noqa: E501
_QuietHandler = type("_QuietHandler", (WSGIRequestHandler,), {"log_message": lambda *a: None})


class OAuthTestServer:
    """An oauthlib-backed OAuth 2.0 server plus OAuth 1.0a resource, for one test.

    Knobs are plain attributes read at request time: set them before or during a test.
    """

    def __init__(self, *, auto_approve=False, rotate_refresh_tokens=False, access_token_ttl=3600,
                 issuer=None, require_pkce=False, code_ttl=60, user=DEFAULT_USER,
                 default_client=True):  # fmt: skip
        self.auto_approve = auto_approve  # GET /authorize redirects at once (also ?auto=1)
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self.access_token_ttl = access_token_ttl  # seconds
        self.issuer = issuer  # when set: ``iss`` in authorization responses (RFC 9207)
        self.require_pkce = require_pkce  # public clients always need PKCE
        self.code_ttl = code_ttl
        self.user = user  # the resource owner who approves
        self.fail_revoke = False  # POST /revoke answers 500
        self.deny_next = False  # the next approval becomes error=access_denied
        self.next_token_error: str | None = None  # the next POST /token fails with this error
        self.next_token_error_status: int | None = None  # default: 400 (401, 500, 503 by error)
        self.token_delay = 0.0  # seconds slept inside POST /token
        self.zoho_code_errors = False  # a refused code: 200 {"error": "invalid_code"}, as Zoho
        # metadata: which documents are served; the issuer is ``issuer`` or else ``url``
        self.metadata_documents = {"openid-configuration", "oauth-authorization-server"}
        self.metadata_auth_methods = list(BOTH_AUTH_METHODS)  # token_endpoint_auth_methods...
        self.metadata_overrides: dict = {}  # merged into the document; None drops a member
        self.metadata_requests = []  # the paths of every metadata GET
        self._lock = threading.RLock()
        self.clients: dict[str, RegisteredClient] = {}
        self.codes, self.access_tokens, self.refresh_tokens = {}, {}, {}  # token -> record dict
        self.oauth1_consumers = {OAUTH1_CONSUMER_KEY: OAUTH1_CONSUMER_SECRET}
        self.oauth1_tokens = {OAUTH1_TOKEN: (OAUTH1_CONSUMER_KEY, OAUTH1_TOKEN_SECRET)}
        self.oauth1_nonces: set = set()
        # inspection: every list is appended under the lock
        self.token_requests = []  # grant_type, params, headers, auth_method, time, status
        self.authorization_requests = []  # each GET /authorize query, as a flat dict
        self.revoke_requests = []  # params, headers, time
        self.api_requests = []  # path, headers, valid
        self.oauth1_requests = []  # headers, valid
        self.issued = []  # token responses + grant_type, client_id, time
        self.revoked = []  # the tokens the client asked to revoke
        self.errors = []  # tracebacks of crashes inside the server
        self.counters: Counter = Counter()  # authorize, token, revoke, api, oauth1
        self._httpd = self._thread = None
        self._validator = _Validator(self)
        self._oauth2 = oauth2.Server(self._validator, lambda request: self.access_token_ttl)
        self._oauth2.auth_grant.register_code_modifier(self._add_issuer)
        v1 = _OAuth1Validator(self)
        self._oauth1_resource = oauth1.ResourceEndpoint(v1)
        self._oauth1_signature = oauth1.SignatureOnlyEndpoint(v1)
        if default_client:
            self.add_client()

    def add_client(self, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET,
                   redirect_uris=(DEFAULT_REDIRECT_URI,), scopes=DEFAULT_SCOPES,
                   grant_types=DEFAULT_GRANT_TYPES, auth_methods=BOTH_AUTH_METHODS):  # fmt: skip
        """Register or replace a client. ``client_secret=None`` makes a public client."""
        uris = [redirect_uris] if isinstance(redirect_uris, str) else list(redirect_uris)
        client = RegisteredClient(
            client_id, client_secret, uris, list(scopes), list(grant_types), tuple(auth_methods)
        )
        with self._lock:
            self.clients[client_id] = client
        return client

    def issue_self_client_code(self, client_id=DEFAULT_CLIENT_ID, scopes=DEFAULT_SCOPES, ttl=None):
        """A grant code generated in the provider's console (Zoho's Self Client): no redirect
        URI, no PKCE; valid ``ttl`` seconds (default ``code_ttl``; 0 or less: already expired)."""
        code = f"self-client-code-{len(self.codes) + 1}"
        with self._lock:
            self.codes[code] = {
                "client_id": client_id, "uri": SELF_CLIENT_URI, "scopes": list(scopes),
                "user": self.user, "challenge": None, "method": None, "used": False,
                "expires_at": time.time() + (self.code_ttl if ttl is None else ttl), "tokens": [],
            }  # fmt: skip
        return code

    def add_redirect_uri(self, uri, client_id=DEFAULT_CLIENT_ID):
        with self._lock:
            if uri not in self.clients[client_id].redirect_uris:
                self.clients[client_id].redirect_uris.append(uri)

    def expire_access_tokens(self, token=None):
        """Make one access token (or all of them) expired right now."""
        with self._lock:
            for rec in [r for key, r in self.access_tokens.items() if token in (None, key)]:
                rec["expires_at"] = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}"

    def start(self) -> OAuthTestServer:
        self._httpd = make_server("127.0.0.1", 0, self._wsgi, _ThreadingWSGIServer, _QuietHandler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _revoke(self, token):
        if token in self.access_tokens:
            self.access_tokens[token]["revoked"] = True
        if token in self.refresh_tokens:  # RFC 7009 2.1: its access tokens go too
            self.refresh_tokens[token]["revoked"] = True
            for rec in self.access_tokens.values():
                rec["revoked"] |= rec["refresh_token"] == token

    def _add_issuer(self, grant, token_handler, request):
        return {**grant, "iss": self.issuer} if self.issuer else grant

    def _log(self, name, log, entry):
        with self._lock:
            self.counters[name] += 1
            log.append(entry)
        return entry

    # -- WSGI --------------------------------------------------------------------------------
    def _wsgi(self, environ, start_response):
        try:
            headers, body, status = self._route(environ)
        except Exception:
            self.errors.append(traceback.format_exc())
            headers, body, status = {"Content-Type": "text/plain"}, "server crashed", 500
        start_response(f"{status} {HTTPStatus(status).phrase}", list((headers or {}).items()))
        return [(body or "").encode()]

    def _route(self, environ):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode() if length else ""
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k[:5] == "HTTP_"}  # fmt: skip  # noqa: E501
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        uri, query = request_uri(environ), environ.get("QUERY_STRING", "")
        if path == "/authorize" and method in ("GET", "POST"):
            return self._authorize(method, dict(parse_qsl(query if method == "GET" else body)))
        if path in ("/token", "/revoke"):
            if method != "POST":
                return _json(405, {"error": "invalid_request"})
            return (self._token if path == "/token" else self._revoke_endpoint)(uri, body, headers)
        if path == "/api/echo" or (path == "/api/me" and method == "GET"):
            return self._api(path, method, uri, query, body, headers)
        if path == "/oauth1/resource" and method in ("GET", "POST"):
            return self._oauth1(uri, method, body, headers)
        if method == "GET" and (path.endswith(OPENID_CONFIGURATION) or path.startswith(OAUTH_METADATA)):  # fmt: skip  # noqa: E501
            return self._metadata(path)
        return _json(404, {"error": "not_found"})

    def metadata(self) -> dict:
        """The authorization server metadata document (RFC 8414 2, OpenID Discovery 3)."""
        url = self.url
        doc = {
            "issuer": self.issuer or url, "authorization_endpoint": f"{url}/authorize",
            "token_endpoint": f"{url}/token", "revocation_endpoint": f"{url}/revoke",
            "userinfo_endpoint": f"{url}/api/me",
            "scopes_supported": list(DEFAULT_SCOPES), "response_types_supported": ["code"],
            "grant_types_supported": list(DEFAULT_GRANT_TYPES),
            "token_endpoint_auth_methods_supported": list(self.metadata_auth_methods),
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": self.issuer is not None,
        }  # fmt: skip
        doc.update(self.metadata_overrides)
        return {k: v for k, v in doc.items() if v is not None}

    def _metadata(self, path):
        self._log("metadata", self.metadata_requests, path)
        if path.startswith(OAUTH_METADATA):  # RFC 8414 3.1: the issuer's path goes after it
            kind, issuer_path = "oauth-authorization-server", path[len(OAUTH_METADATA) :]
        else:
            kind, issuer_path = "openid-configuration", path[: -len(OPENID_CONFIGURATION)]
        if kind not in self.metadata_documents or self.url + issuer_path != (self.issuer or self.url):  # fmt: skip  # noqa: E501
            return _json(404, {"error": "not_found"})
        return _json(200, self.metadata())

    def _authorize(self, method, params):
        if method == "GET":
            self._log("authorize", self.authorization_requests, dict(params))
        decision = params.pop("decision", None)
        auto = params.pop("auto", None) == "1" or self.auto_approve
        uri = self.url + "/authorize?" + urlencode(params)
        try:
            scopes, credentials = self._oauth2.validate_authorization_request(uri)
        except FatalClientError as e:  # bad client or redirect_uri: never redirect there
            page = f"<!doctype html><p id='error'>{html.escape(f'{e.error}: {e.description}')}</p>"
            return {"Content-Type": "text/html"}, page, 400
        except OAuth2Error as e:
            redirect = params.get("redirect_uri") or self._validator.get_default_redirect_uri(
                params.get("client_id"), None
            )
            error = e.twotuples + [("iss", self.issuer)] * bool(self.issuer)
            return {"Location": add_params_to_uri(redirect, error)}, "", 302
        if method == "GET" and not auto:
            return {"Content-Type": "text/html; charset=utf-8"}, _consent(params, scopes), 200
        with self._lock:
            deny, self.deny_next = self.deny_next or decision == "deny", False
        if deny:
            error = {"error": "access_denied", "state": params.get("state"), "iss": self.issuer}
            error = [(k, v) for k, v in error.items() if v]
            return {"Location": add_params_to_uri(credentials["redirect_uri"], error)}, "", 302
        credentials["user"] = self.user
        return self._oauth2.create_authorization_response(
            uri, scopes=scopes, credentials=credentials
        )

    def _token(self, uri, body, headers):
        params = dict(parse_qsl(body))
        basic = headers.get("Authorization", "").lower().startswith("basic ")
        auth = "client_secret_basic" if basic else "client_secret_post"
        entry = {"grant_type": params.get("grant_type"), "params": params, "headers": headers,
                 "auth_method": auth if basic or "client_secret" in params else "none",
                 "time": time.time(), "status": None}  # fmt: skip
        with self._lock:
            self._log("token", self.token_requests, entry)
            error, status = self.next_token_error, self.next_token_error_status
            self.next_token_error = self.next_token_error_status = None
        if self.token_delay:
            time.sleep(self.token_delay)
        if error:
            entry["status"] = status or _ERROR_STATUS.get(error, 400)
            return _json(entry["status"], {"error": error, "error_description": "injected"})
        with self._lock:  # one token request at a time, so rotation races resolve cleanly
            response = self._oauth2.create_token_response(uri, "POST", body, headers)
        entry["status"] = response[2]
        refused = entry["grant_type"] == "authorization_code" and response[2] >= 400
        if (
            refused
            and self.zoho_code_errors
            and json.loads(response[1]).get("error") == "invalid_grant"
        ):
            return _json(200, {"error": "invalid_code"})  # Zoho's answer to a spent code
        return response

    def _revoke_endpoint(self, uri, body, headers):
        entry = {"params": dict(parse_qsl(body)), "headers": headers, "time": time.time()}
        self._log("revoke", self.revoke_requests, entry)
        if self.fail_revoke:
            return _json(500, {"error": "server_error"})
        return self._oauth2.create_revocation_response(uri, "POST", body, headers)

    def _api(self, path, method, uri, query, body, headers):
        try:
            valid, req = self._oauth2.verify_request(uri, method, body, headers, scopes=[])
        except ValueError:  # a query oauthlib cannot parse: check the header alone
            valid, req = self._oauth2.verify_request(uri.split("?")[0], method, None, headers, [])
        self._log("api", self.api_requests, {"path": path, "headers": headers, "valid": valid})
        if not valid:
            hdrs, text, status = _json(401, {"error": "invalid_token"})
            return {**hdrs, "WWW-Authenticate": 'Bearer error="invalid_token"'}, text, status
        data = {"sub": req.user, "client_id": req.client_id, "scopes": req.scopes}
        if path == "/api/echo":
            pairs = parse_qsl(query, keep_blank_values=True)
            visible = {k: v for k, v in headers.items() if k.lower() != "authorization"}
            data |= {"method": method, "headers": visible, "query": dict(pairs),
                     "query_list": pairs, "body": body}  # fmt: skip
        return _json(200, data)

    def _oauth1(self, uri, method, body, headers):
        if "oauth_token=" in headers.get("Authorization", "") + uri + body:
            check = self._oauth1_resource.validate_protected_resource_request
        else:  # two-legged: consumer key and secret only
            check = self._oauth1_signature.validate_request
        try:
            valid = check(uri, method, body or None, headers)[0]
        except (ValueError, oauth1.OAuth1Error):
            valid = False
        self._log("oauth1", self.oauth1_requests, {"headers": headers, "valid": valid})
        return _json(200, {"ok": True}) if valid else _json(401, {"ok": False})


def _json(status, data):
    return {"Content-Type": "application/json"}, json.dumps(data), status


_CONSENT = """<!doctype html><html><head><title>Authorize</title></head><body>
<h1>Authorize {client}</h1><p id="scopes">{scopes}</p><form method="post" action="/authorize">
{hidden}<button type="submit" id="allow" name="decision" value="allow">Allow</button>
<button type="submit" id="deny" name="decision" value="deny">Deny</button></form></body></html>"""


def _consent(params, scopes):
    """The consent page: hidden fields replay the query; #allow and #deny post it back."""
    e = html.escape
    hidden = "".join(
        f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in params.items()
    )
    return _CONSENT.format(
        client=e(params.get("client_id", "")), scopes=e(" ".join(scopes)), hidden=hidden
    )
