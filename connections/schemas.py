"""Typed views of the JSON stored on services and credentials."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Scope:
    name: str
    description: str = ""


@dataclass(frozen=True)
class KeyParam:
    """One value a key-based service asks for at connect time (API key, username...)."""

    name: str
    label: str
    param_type: str = "header"  # header | query | form
    header_prefix: str = ""


PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# The URLs an authorization or a token call sends secrets to. A value taken from the
# provider's redirect never fills a placeholder in these.
FLOW_URL_FIELDS = ("authorize_url", "token_url", "refresh_url", "revoke_url", "request_token_url")


def placeholders(template: str | None) -> set[str]:
    """The ``{names}`` in a URL or host template."""
    return set(PLACEHOLDER_RE.findall(template or ""))


def may_come_from_callback(name: str, urls: Mapping[str, str | None], hosts: Sequence[str]) -> bool:
    """Whether a redirect may supply ``name``: it is used in the API base URL and nowhere
    a secret is sent during authorization or refresh, nor in the allowed hosts."""
    elsewhere = [urls.get(field) for field in FLOW_URL_FIELDS] + list(hosts)
    return name in placeholders(urls.get("api_base_url")) and not any(
        name in placeholders(text) for text in elsewhere
    )


# For a custom service that names no pattern: one DNS label or path segment, nothing that
# could end a host name or a path segment (no "." "/" "?" "#" "@" ":" "%").
DEFAULT_URL_PARAM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$"


@dataclass(frozen=True)
class UrlParam:
    """A ``{placeholder}`` in a service's URLs, filled in per connection (e.g. a shop name).

    ``pattern`` is an anchored regular expression the whole value must match before it is
    spliced into a URL. ``from_callback`` lets the provider's redirect supply the value
    (QuickBooks' ``realmId``); the catalog allows it only for API-base-URL parameters.
    """

    name: str
    label: str
    pattern: str = DEFAULT_URL_PARAM_PATTERN
    from_callback: bool = False

    def matches(self, value: str) -> bool:
        try:
            return re.fullmatch(self.pattern, value) is not None
        except re.error:
            return False  # a broken pattern admits nothing

    def pattern_problem(self) -> str:
        """Why ``pattern`` cannot validate values ("" when it can)."""
        if not (self.pattern.startswith("^") and self.pattern.endswith("$")):
            return f"the pattern of {self.name!r} must be anchored with ^...$"
        try:
            re.compile(self.pattern)
        except re.error as error:
            return f"the pattern of {self.name!r} does not compile ({error})"
        return ""


@dataclass(frozen=True)
class DataCentre:
    """One region of a multi-data-centre provider (Zoho's .com, .eu, .in, ...).

    ``hosts`` maps each host in the service's URLs (those of the default data centre) to
    the host that plays its part here; a host it does not name is left as it is.
    """

    key: str
    name: str
    hosts: dict[str, str] = field(default_factory=dict)

    def host(self, host: str) -> str:
        return self.hosts.get(host, host)


@dataclass(frozen=True)
class Verification:
    """The request Test connection makes with a connection's credential ("who am I")."""

    url: str
    method: str = "GET"
    body: dict | None = None
    description: str = ""


@dataclass
class Secrets:
    """Everything secret about one credential; stored as one encrypted JSON document."""

    access_token: str = ""
    refresh_token: str = ""
    token_secret: str = ""  # OAuth 1.0a
    values: dict[str, str] = field(default_factory=dict)  # API key params, username/password

    def __repr__(self) -> str:
        # Never the values: a repr ends up in tracebacks, debug pages and log lines.
        present = [name for name, value in asdict(self).items() if value]
        return f"Secrets(set={present})"

    def dumps(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def loads(cls, text: str | None) -> Secrets:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(
            access_token=data.get("access_token", ""),
            refresh_token=data.get("refresh_token", ""),
            token_secret=data.get("token_secret", ""),
            values=dict(data.get("values", {})),
        )

    def all_values(self) -> tuple[str, ...]:
        """Every secret string, for redaction."""
        found = [self.access_token, self.refresh_token, self.token_secret, *self.values.values()]
        return tuple(v for v in found if v)
