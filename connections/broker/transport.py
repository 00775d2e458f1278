"""A requests transport that connects only to the address the policy checked.

The broker resolves and checks a host, then attaches the chosen address to the
prepared request (``pin``). The adapter here opens sockets to that address and nothing
else, so DNS cannot change between the check and the connect (DNS rebinding). The
``Host`` header, TLS SNI and certificate verification still use the host name, because
the urllib3 connection keeps it as its ``host``; only the socket target is replaced.
"""

from __future__ import annotations

import collections
import functools
import sys
import threading
import time
from http import cookiejar
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.poolmanager import PoolKey, _default_key_normalizer
from urllib3.util import connection as urllib3_connection

from .addresses import normalize_host

_PIN_ATTR = "_broker_pin"
_CHUNK = 64 * 1024

# Pools are keyed by the pinned address too, so a keep-alive connection opened to one
# address is never reused for a request checked against another.
PinnedPoolKey = collections.namedtuple("PinnedPoolKey", (*PoolKey._fields, "key_pinned_ips"))


class UnpinnedRequest(RuntimeError):
    """A request reached the transport without a checked address: a bug, fail closed."""


def pin(request: requests.PreparedRequest, host: str, addresses: tuple[str, ...]) -> None:
    """Record that ``request`` may only connect to ``addresses`` (all checked for ``host``)."""
    setattr(request, _PIN_ATTR, (normalize_host(host), tuple(addresses)))


class _PinnedMixin:
    def __init__(self, *args, pinned_ips: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.pinned_ips = pinned_ips

    def _new_conn(self):
        # Like urllib3's, but the candidates are the checked addresses, in resolver order
        # (so "localhost" falling back from ::1 to 127.0.0.1 still works), never a fresh
        # resolution of the host name.
        error: OSError | None = None
        for address in self.pinned_ips:
            try:
                sock = urllib3_connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
                sys.audit("http.client.connect", self, self.host, self.port)
                return sock
            except TimeoutError as exc:
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from exc
            except OSError as exc:
                error = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")


class PinnedHTTPConnection(_PinnedMixin, HTTPConnection):
    pass


class PinnedHTTPSConnection(_PinnedMixin, HTTPSConnection):
    pass


class PinnedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = PinnedHTTPConnection


class PinnedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = PinnedHTTPSConnection


class PinnedAdapter(HTTPAdapter):
    """HTTPAdapter that refuses proxies and unpinned requests and connects to the pin."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        normalizer = functools.partial(_default_key_normalizer, PinnedPoolKey)
        self.poolmanager.key_fn_by_scheme = {"http": normalizer, "https": normalizer}
        self.poolmanager.pool_classes_by_scheme = {
            "http": PinnedHTTPConnectionPool,
            "https": PinnedHTTPSConnectionPool,
        }

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        pinned = getattr(request, _PIN_ATTR, None)
        if pinned is None:
            raise UnpinnedRequest("outbound request without a checked address")
        pinned_host, pinned_ips = pinned
        # The host urllib3 will talk to must be the one that was checked: any disagreement
        # between URL parsers is refused here rather than trusted.
        if normalize_host(host_params.get("host") or "") != pinned_host:
            raise UnpinnedRequest("request host differs from the checked host")
        if not pinned_ips:
            raise UnpinnedRequest("outbound request without a checked address")
        pool_kwargs["pinned_ips"] = pinned_ips
        return host_params, pool_kwargs

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        if proxies:
            raise UnpinnedRequest("the broker never uses proxies")
        return super().send(request, stream=stream, timeout=timeout, verify=True, cert=cert)

    def proxy_manager_for(self, *args, **kwargs):
        raise UnpinnedRequest("the broker never uses proxies")


class _RefuseAllCookies(cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie, request):
        return False

    def return_ok(self, cookie, request):
        return False


class BrokerSession(requests.Session):
    """A Session that connects only to pinned addresses, keeps no cookies, ignores env.

    ``trust_env`` is off so ``HTTP(S)_PROXY``, ``NO_PROXY`` and ``.netrc`` never change
    where a request goes or what credentials it carries.
    """

    def __init__(self, pool_maxsize: int = 10):
        super().__init__()
        self.trust_env = False
        self.proxies = {}
        self.verify = True
        self.max_redirects = 0
        self.cookies.set_policy(_RefuseAllCookies())
        self.adapters.clear()
        adapter = PinnedAdapter(pool_connections=32, pool_maxsize=pool_maxsize, max_retries=0)
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def get_adapter(self, url):
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise requests.exceptions.InvalidSchema(f"no adapter for scheme {scheme!r}")
        return super().get_adapter(url)


class TransferFailed(Exception):
    """A refusal or failure with a ``BrokerError`` code; the client adds the record."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def read_body(raw, max_bytes: int, deadline: float) -> bytes:
    """Read the whole body, refusing more than ``max_bytes`` or reading past ``deadline``."""
    declared = raw.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TransferFailed("too_large", f"the response is larger than {max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TransferFailed("timeout", "the response took too long")
        sock = getattr(getattr(raw, "connection", None), "sock", None)
        if sock is not None:
            # Bounds each read by the total deadline, so a server trickling bytes
            # cannot stretch the call past ``timeout``.
            sock.settimeout(remaining)
        chunk = raw.read1(_CHUNK, decode_content=True)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise TransferFailed("too_large", f"the response is larger than {max_bytes} bytes")
        chunks.append(chunk)


def connection_reason(exc: BaseException) -> str:
    """A short cause for a failed connection, from the innermost error (redacted later)."""
    inner: BaseException = exc
    while True:
        nxt = getattr(inner, "reason", None) or inner.__cause__ or inner.__context__
        if not isinstance(nxt, BaseException) or nxt is inner:
            break
        inner = nxt
    if isinstance(inner, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake or certificate verification failed"
    return f"connection failed ({type(inner).__name__})"


_local = threading.local()


def thread_session() -> BrokerSession:
    """The calling thread's session: reused so connection pools survive between calls."""
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = BrokerSession()
    return session
