"""Call records and the redaction that keeps secrets out of them.

Anything that leaves the broker as text (a record, an error message, a response URL)
goes through a ``Redactor`` built for that call, so a secret cannot reach logs, traces
or the UI by way of an echoed URL or an exception string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus, urlsplit, urlunsplit

REDACTED = "[redacted]"

SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "x-auth-token",
        "x-access-token",
        "x-csrf-token",
    }
)

SENSITIVE_PARAMS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "api_key",
        "apikey",
        "key",
        "token",
        "client_secret",
        "password",
        "secret",
        "signature",
        "sig",
        "code",
    }
)


@dataclass
class CallRecord:
    """What one broker call did, safe to log, store and show: it never holds a secret."""

    method: str
    url: str
    status: int | None = None
    elapsed_ms: float = 0.0
    request_headers: dict[str, str] = field(default_factory=dict)
    response_size: int = 0
    error: str | None = None
    redirects: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serializable copy."""
        return asdict(self)


class Redactor:
    """Replaces one call's secrets, sensitive headers and sensitive query values."""

    def __init__(
        self,
        secrets: Iterable[str] = (),
        header_names: Iterable[str] = (),
        param_names: Iterable[str] = (),
    ):
        variants: set[str] = set()
        for secret in secrets:
            if secret:
                variants.update({secret, quote(secret, safe=""), quote_plus(secret)})
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = sorted(variants, key=len, reverse=True)
        self._headers = SENSITIVE_HEADERS | {h.lower() for h in header_names}
        self._params = SENSITIVE_PARAMS | {p.lower() for p in param_names}
        names = "|".join(re.escape(p) for p in sorted(self._params, key=len, reverse=True))
        self._param_re = re.compile(rf"(?i)([?&;](?:{names})=)[^&#\s'\"]*")

    def text(self, value: str) -> str:
        """Redact secrets and sensitive query values in free text (error messages)."""
        for secret in self._secrets:
            value = value.replace(secret, REDACTED)
        if "=" not in value:  # nothing the parameter pattern could match
            return value
        return self._param_re.sub(rf"\g<1>{REDACTED}", value)

    def body(self, content: bytes) -> bytes:
        """Replace the credential's secrets in a response body (a provider that echoes them)."""
        for secret in self._secrets:
            raw = secret.encode()
            if raw in content:
                content = content.replace(raw, REDACTED.encode())
        return content

    def url(self, url: str) -> str:
        """Redact a URL: user info, sensitive query values and any secret; drop the fragment."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return self.text(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
        pieces = []
        for piece in parts.query.split("&") if parts.query else ():
            name, sep, _ = piece.partition("=")
            if sep and unquote_plus(name).lower() in self._params:
                piece = f"{name}={REDACTED}"
            pieces.append(piece)
        rebuilt = urlunsplit((parts.scheme, netloc, parts.path, "&".join(pieces), ""))
        for secret in self._secrets:
            rebuilt = rebuilt.replace(secret, REDACTED)
        return rebuilt

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Copy headers with sensitive values replaced."""
        return {
            name: REDACTED if name.lower() in self._headers else self.text(str(value))
            for name, value in headers.items()
        }
