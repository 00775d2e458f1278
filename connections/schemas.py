"""Typed views of the JSON stored on services and credentials."""

from __future__ import annotations

import json
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


@dataclass(frozen=True)
class UrlParam:
    """A ``{placeholder}`` in a service's URLs, filled in per connection (e.g. a shop name)."""

    name: str
    label: str


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
