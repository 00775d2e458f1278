"""Extension points of connections (see console/hooks.py and docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from console.hooks import Hook

if TYPE_CHECKING:
    from connections.models import Connection
    from connections.services.manage import Usage

UsageFinder = Callable[["Connection"], "Iterable[Usage]"]

USAGE_FINDERS: Hook[UsageFinder] = Hook("connections.hooks.USAGE_FINDERS")
"""``finder(connection) -> [Usage]``: the places an app refers to a connection (a function,
a rule's webhook). The connection page lists them, and a connection in use cannot be
deleted."""
