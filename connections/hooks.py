"""Extension points of connections (see console/hooks.py and docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from console.hooks import Hook

if TYPE_CHECKING:
    from connections.models import Connection
    from connections.services.manage import Usage

UsageFinder = Callable[["Connection"], "Iterable[Usage]"]

SandboxAuthorization = Callable[["Connection"], "str | None"]
SandboxAnswer = Callable[["Connection", str, str, Any], "tuple[int, str] | None"]

USAGE_FINDERS: Hook[UsageFinder] = Hook("connections.hooks.USAGE_FINDERS")
"""``finder(connection) -> [Usage]``: the places an app refers to a connection (a function,
a rule's webhook). The connection page lists them, and a connection in use cannot be
deleted."""

SANDBOX_AUTHORIZATION: Hook[SandboxAuthorization] = Hook("connections.hooks.SANDBOX_AUTHORIZATION")
"""``where(connection) -> url | None``: a page that authorizes the connection's sandbox
credential instead of the provider (an emulated app's consent page, which needs no client
ID). The first that answers a URL wins; Connect in the sandbox goes there."""

SANDBOX_ANSWERS: Hook[SandboxAnswer] = Hook("connections.hooks.SANDBOX_ANSWERS")
"""``answer(connection, method, url, user) -> (status, body) | None``: a sandbox call the
console answers itself (an emulated app) instead of sending it out. Test connection asks it
for sandbox authorizations; the first that answers wins."""
