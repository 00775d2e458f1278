"""``send``: the one way the console makes an outbound HTTP request.

Each hop (the first request and every redirect) is checked before any socket opens:
scheme, host against the credential's ``allowed_hosts``, and every resolved address
against the SSRF policy. The transport then connects only to the checked address.
"""

from __future__ import annotations

import functools
import json as jsonlib
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import requests
import urllib3.exceptions
from django.views.decorators.debug import sensitive_variables
from requests.auth import AuthBase
from requests.structures import CaseInsensitiveDict

from . import addresses
from .redact import CallRecord, Redactor
from .transport import (
    BrokerSession,
    TransferFailed,
    UnpinnedRequest,
    connection_reason,
    pin,
    read_body,
    thread_session,
)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Headers that carry the caller's own credentials; they never follow a cross-origin redirect.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
_REDIRECT_BODY_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Injection:
    """How a credential is attached to a request, and where it may be sent.

    ``allowed_hosts`` holds exact host names or ``*.domain`` (subdomains, not the apex);
    empty means no host restriction beyond the SSRF policy. ``secrets`` lists every
    secret value so it is redacted wherever it might be echoed.
    """

    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()
    auth: AuthBase | None = None
    allowed_hosts: tuple[str, ...] = ()

    def __repr__(self) -> str:
        # Names only: a repr ends up in tracebacks, debug pages and log lines.
        return (
            f"Injection(headers={list(self.headers)}, query={list(self.query)}, "
            f"form={list(self.form)}, auth={type(self.auth).__name__ if self.auth else None}, "
            f"allowed_hosts={list(self.allowed_hosts)})"
        )

    @functools.cached_property
    def redactor(self) -> Redactor:
        """This credential's redactor, built once: an injection serves many calls."""
        return Redactor(self.secrets, self.headers.keys(), self.query.keys())


_NO_INJECTION = Injection()


class Headers(dict):
    """Response headers as a plain dict whose lookups ignore case."""

    def _key(self, name: object) -> object:
        if isinstance(name, str) and not dict.__contains__(self, name):
            lowered = name.lower()
            for key in self:
                if key.lower() == lowered:
                    return key
        return name

    def __getitem__(self, name):
        return dict.__getitem__(self, self._key(name))

    def __contains__(self, name):
        return dict.__contains__(self, self._key(name))

    def get(self, name, default=None):
        return dict.get(self, self._key(name), default)


@dataclass
class BrokerResponse:
    """A completed response; ``url`` is the final URL, redacted."""

    status: int
    headers: Headers
    content: bytes
    url: str
    elapsed_ms: float
    record: CallRecord
    encoding: str | None = None

    def __repr__(self) -> str:
        # The body is left out: a provider may echo what it was sent.
        return f"BrokerResponse(status={self.status}, url={self.url!r}, size={len(self.content)})"

    def text(self) -> str:
        """The body decoded with the declared charset (UTF-8 if none or unknown)."""
        try:
            return self.content.decode(self.encoding or "utf-8", errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON; raises ``ValueError`` if it is not JSON."""
        return jsonlib.loads(self.content)


class BrokerError(Exception):
    """A refused or failed call. ``message`` and ``record`` never contain a secret.

    ``code`` is one of: refused_address, refused_host, refused_scheme, refused_url,
    too_large, timeout, connection, too_many_redirects.
    """

    def __init__(self, code: str, message: str, record: CallRecord):
        super().__init__(message)
        self.code = code
        self.message = message
        self.record = record

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _default_allowlist() -> Sequence[str]:
    from django.conf import settings

    return getattr(settings, "CONSOLE_OUTBOUND_ALLOWLIST", ())


def _split(url: str) -> tuple[str, str, int]:
    """Scheme, host and port of a URL as the transport will read them, or refuse it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TransferFailed("refused_url", "the URL is malformed") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise TransferFailed(
            "refused_scheme", f"only http and https URLs are allowed, not {scheme!r}"
        )
    if "@" in parts.netloc:
        raise TransferFailed("refused_url", "URLs with a user name or password are refused")
    host = addresses.normalize_host(parts.hostname or "")
    if not host:
        raise TransferFailed("refused_url", "the URL has no host")
    return scheme, host, port or (443 if scheme == "https" else 80)


def _check(
    url: str, injection: Injection, allow: addresses.Allowlist
) -> tuple[str, str, tuple[str, ...]]:
    """Apply the whole policy to one hop; returns (scheme, host, addresses to connect to)."""
    scheme, host, port = _split(url)
    if injection.allowed_hosts and not addresses.host_matches(host, injection.allowed_hosts):
        raise TransferFailed("refused_host", f"this credential may not be sent to {host}")
    key = (scheme, host, port, allow)
    checked = addresses.approved(key)
    if checked is None:
        expires, checked = _vet(scheme, host, port, allow)
        addresses.approve(key, expires, checked)
    return scheme, host, checked


def _vet(
    scheme: str, host: str, port: int, allow: addresses.Allowlist
) -> tuple[float, tuple[str, ...]]:
    """The SSRF policy for one destination: the addresses it may use, and until when."""
    literal = addresses.parse_ip_literal(host)
    # An unlisted name over http is refused before DNS; a literal address is judged as an
    # address first, which gives the more useful reason.
    if scheme == "http" and literal is None and not allow.allows_name(host) and not allow.networks:
        raise TransferFailed(
            "refused_scheme", f"plain http is only allowed to allowlisted hosts ({host})"
        )
    try:
        expires, resolved = addresses.resolve_until(host, port)
    except addresses.ResolutionFailed as exc:
        raise TransferFailed("connection", str(exc)) from None
    try:
        checked = addresses.check_addresses(host, resolved, allow)
    except addresses.AddressRefused as exc:
        raise TransferFailed(exc.code, exc.message) from None
    if scheme == "http" and not addresses.http_allowed(host, resolved, allow):
        raise TransferFailed(
            "refused_scheme", f"plain http is only allowed to allowlisted hosts ({host})"
        )
    return expires, checked


def _merge_form(data: Any, form: Mapping[str, str]) -> Any:
    if not form:
        return data
    if data is None:
        return dict(form)
    if isinstance(data, Mapping):
        return {**data, **form}
    if isinstance(data, list | tuple):
        return [*data, *form.items()]
    if isinstance(data, str | bytes):
        extra = urlencode(list(form.items()))
        if isinstance(data, bytes):
            return data + b"&" + extra.encode() if data else extra.encode()
        return f"{data}&{extra}" if data else extra
    raise ValueError("form credentials need a form-encoded body")


def _rewind(files: Any) -> None:
    values = files.values() if isinstance(files, Mapping) else (files or ())
    for value in values:
        obj = value[1] if isinstance(value, tuple) and len(value) > 1 else value
        if hasattr(obj, "seek"):
            obj.seek(0)


@sensitive_variables()
def send(
    method: str,
    url: str,
    *,
    params: Any = None,
    headers: Mapping[str, str] | None = None,
    data: Any = None,
    json: Any = None,
    files: Any = None,
    injection: Injection | None = None,
    timeout: float = 40.0,
    max_bytes: int = 5 * 1024 * 1024,
    allowlist: Sequence[str] | None = None,
    max_redirects: int = 5,
    session: BrokerSession | None = None,
) -> BrokerResponse:
    """Send one request through the SSRF policy and return the whole response.

    ``timeout`` bounds connecting, each read and the total time including redirects and
    the body. ``allowlist`` defaults to ``settings.CONSOLE_OUTBOUND_ALLOWLIST``. Raises
    ``BrokerError`` for anything refused or failed; HTTP error statuses are returned.
    """
    started = time.monotonic()
    deadline = started + timeout
    injection = injection or _NO_INJECTION
    redactor = injection.redactor
    allow = addresses.parse_allowlist(_default_allowlist() if allowlist is None else allowlist)
    session = session or thread_session()
    if not isinstance(session, BrokerSession):
        raise TypeError("send() needs a BrokerSession, which pins connections")
    method = method.upper()
    record = CallRecord(method=method, url=redactor.url(url))
    caller_headers = {k: v for k, v in (headers or {}).items() if k.lower() != "host"}
    if injection.form and json is not None:
        raise ValueError("form credentials need a form-encoded body, not json")

    def fail(code: str, message: str) -> BrokerError:
        record.elapsed_ms = round((time.monotonic() - started) * 1000, 3)
        record.error = redactor.text(message)
        return BrokerError(code, record.error, record)

    current, origin, keep_body = url, None, True
    try:
        for hop in range(max_redirects + 1):
            _split(current)  # scheme and form before anything else touches the URL
            same_origin = origin is None or _same_origin(origin, current)
            hop_headers = dict(caller_headers)
            if not same_origin:
                hop_headers = {
                    k: v for k, v in hop_headers.items() if k.lower() not in CREDENTIAL_HEADERS
                }
            hop_params = dict(injection.query) if same_origin else {}
            if hop == 0 and params:
                hop_params = [*_pairs(params), *hop_params.items()]
            if same_origin:
                hop_headers.update(injection.headers)
            body = {}
            if keep_body:
                if hop > 0:
                    _rewind(files)
                body_data = _merge_form(data, injection.form) if same_origin else data
                body = {"data": body_data, "json": json, "files": files}
            try:
                prepared = _prepare(
                    session,
                    method,
                    current,
                    headers=hop_headers,
                    params=hop_params,
                    auth=injection.auth if same_origin else None,
                    **body,
                )
            except (requests.exceptions.RequestException, ValueError) as exc:
                raise TransferFailed(
                    "refused_url", f"the URL is malformed ({type(exc).__name__})"
                ) from None
            _, host, checked = _check(prepared.url, injection, allow)
            if origin is None:
                origin = _split(prepared.url)
                record.url = redactor.url(prepared.url)
                record.request_headers = redactor.headers(prepared.headers)
            pin(prepared, host, checked)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TransferFailed("timeout", "the request took too long")
            # The adapter directly, not Session.send: that one reads a redirect's whole
            # body without any limit, and stores cookies.
            response = session.get_adapter(prepared.url).send(
                prepared, stream=True, timeout=(remaining, remaining), verify=True, proxies={}
            )
            raw = response.raw
            record.status = response.status_code
            target = (
                session.get_redirect_target(response)
                if response.status_code in REDIRECT_STATUSES
                else None
            )
            try:
                limit = _REDIRECT_BODY_LIMIT if target else max_bytes
                content = read_body(raw, limit, deadline)
            except TransferFailed as exc:
                raw.close()
                raw.release_conn()
                if target and exc.code == "too_large":
                    content = b""  # a redirect's body is never used; just drop the connection
                else:
                    raise
            else:
                raw.release_conn()
            if not target:
                final_url = record.url if hop == 0 else redactor.url(prepared.url)
                elapsed = round((time.monotonic() - started) * 1000, 3)
                record.elapsed_ms = elapsed
                record.response_size = len(content)
                return BrokerResponse(
                    status=response.status_code,
                    headers=Headers(response.headers.items()),
                    content=content,
                    url=final_url,
                    elapsed_ms=elapsed,
                    record=record,
                    encoding=_charset(response.headers.get("content-type", "")),
                )
            if hop == max_redirects:
                raise TransferFailed("too_many_redirects", f"more than {max_redirects} redirects")
            current = urljoin(prepared.url, target).split("#", 1)[0]
            record.redirects.append(redactor.url(current))
            if response.status_code in (301, 302, 303) and method != "HEAD":
                method, keep_body = "GET", False
    except TransferFailed as exc:
        raise fail(exc.code, exc.message) from None
    except UnpinnedRequest as exc:
        raise fail("refused_url", str(exc)) from None
    except (requests.exceptions.Timeout, urllib3.exceptions.TimeoutError, TimeoutError):
        raise fail("timeout", f"no response within {timeout:g} seconds") from None
    except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise fail("connection", connection_reason(exc)) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _prepare(
    session: BrokerSession,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    params: Any,
    auth: AuthBase | None,
    data: Any = None,
    json: Any = None,
    files: Any = None,
) -> requests.PreparedRequest:
    """``Session.prepare_request`` for a BrokerSession, without what such a session lacks.

    A BrokerSession keeps no cookies, has no session auth or params and ignores ``.netrc``,
    so only its default headers are merged (as requests does: request headers win, None
    removes one). That merge and the cookie jar are most of requests' per-call overhead.
    """
    merged = CaseInsensitiveDict(session.headers)
    merged.update(headers)
    prepared = requests.PreparedRequest()
    prepared.prepare_method(method)
    # "" is what requests turns "no parameters" into; None costs runtime Protocol checks.
    prepared.prepare_url(url, params or "")
    prepared.prepare_headers({k: v for k, v in merged.items() if v is not None})
    prepared.prepare_body(data, files, json)
    if auth is not None:
        prepared.prepare_auth(auth, url)
    return prepared


def _pairs(params: Any) -> list[tuple[Any, Any]]:
    if isinstance(params, Mapping):
        out = []
        for key, value in params.items():
            values = value if isinstance(value, list | tuple) else [value]
            out.extend((key, v) for v in values if v is not None)
        return out
    if isinstance(params, bytes):
        params = params.decode()
    if isinstance(params, str):
        return parse_qsl(params.lstrip("?"), keep_blank_values=True)
    return list(params)


def _same_origin(origin: tuple[str, str, int], url: str) -> bool:
    """Credentials follow a redirect only to the same origin: scheme, host name and port.

    Another port of the same host may be another program (RFC 6454), so it gets nothing.
    """
    return _split(url) == origin


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None
