"""Extension points: how an app higher in the dependency graph plugs into a lower one.

Imports point one way (console <- connections <- workflows <- sandbox, releases, ...), so a
lower app that needs something only a higher one knows declares a ``Hook`` here or in its
own ``hooks.py``, and the higher app registers into it from ``AppConfig.ready()``. Every hook
in the project is listed, with its contract, in docs/architecture.md:

* ``console.hooks.DASHBOARD_PANELS``: panels on a topping's dashboard (below);
* ``connections.hooks.USAGE_FINDERS``: where a connection is used;
* ``connections.hooks.SANDBOX_AUTHORIZATION``: where a sandbox authorization happens;
* ``connections.hooks.SANDBOX_ANSWERS``: sandbox calls the console answers itself;
* ``workflows.hooks.RECORD_LINKS``: what a host record is linked to (synced app records);
* ``workflows.hooks.RULE_SOURCES``: which rules a production event runs;
* ``workflows.hooks.ENVIRONMENT_HOSTS``: the script host of an environment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from django.http import HttpRequest

    from console.models import Topping

T = TypeVar("T")
K = TypeVar("K")


class Hook(Generic[T]):
    """An ordered list of callables that apps register into; registering twice is a no-op,
    so a ``ready()`` that runs again (tests, autoreload) does not double the entries."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: list[T] = []

    def register(self, item: T) -> T:
        if item not in self._items:
            self._items.append(item)
        return item

    def unregister(self, item: T) -> None:
        self._items.remove(item)

    def __iter__(self) -> Iterator[T]:
        return iter(tuple(self._items))

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._items)} registered>"


class KeyedHook(Generic[K, T]):
    """One registered value per key (an environment name, a kind); a second registration
    of a key replaces the first."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[K, T] = {}

    def register(self, key: K, item: T) -> T:
        self._items[key] = item
        return item

    def get(self, key: K, default: T) -> T:
        return self._items.get(key, default)

    def __getitem__(self, key: K) -> T:
        return self._items[key]

    def __repr__(self) -> str:
        return f"<KeyedHook {self.name}: {sorted(map(str, self._items))}>"


Panel = Callable[["HttpRequest", "Topping"], "str | None"]

DASHBOARD_PANELS: Hook[Panel] = Hook("console.hooks.DASHBOARD_PANELS")
"""``panel(request, topping) -> html | None``: a block on the topping's dashboard, rendered
with ``render_to_string`` (a SafeString; a plain ``str`` is escaped), or None for nothing.
The console knows nothing about what the panels contain."""
