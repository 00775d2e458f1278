"""Link names: derived from the connection name, unique in the topping, fixed after creation."""

from __future__ import annotations

import re

from connections.models import LINK_NAME_MAX, LINK_NAME_RE

_NOT_LINK = re.compile(r"[^a-z0-9]+")
_LEADING = re.compile(r"^[0-9_]+")


def link_name_from(name: str) -> str:
    """Lowercase; runs outside [a-z0-9] become "_"; leading digits/underscores dropped; 50 max."""
    derived = _LEADING.sub("", _NOT_LINK.sub("_", name.lower()))
    return derived[:LINK_NAME_MAX].rstrip("_") or ""


def unique_link_name(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"_{n}"
        candidate = base[: LINK_NAME_MAX - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1


def is_valid_link_name(value: str) -> bool:
    return bool(LINK_NAME_RE.match(value))
