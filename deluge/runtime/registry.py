"""Tables of built-in functions and methods.

A built-in is a plain Python function ``impl(ctx, *args)`` for a function (``ifnull(a, b)``)
or ``impl(ctx, receiver, *args)`` for a method (``name.toUpperCase()``). ``ctx`` is the
run's ``deluge.support.Context``: it has ``limits`` (``deluge.limits.Limits``) and ``host``.
Built-ins raise ``DelugeRuntimeError(message)`` without a position; the engine adds line
and column.

Names are matched case-insensitively, as in the suites' editor (``toString`` and
``tostring`` are the same method), so the tables are keyed by lowercase name. The compiler
resolves a method once per call site to ``{type_key: impl}`` and picks by the receiver's type
key at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

# type keys, see deluge.runtime.values.type_key
ANY = "any"
# ``impl(ctx, *args)`` or ``impl(ctx, receiver, *args)``, arguments and result DelugeValues
Impl: TypeAlias = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class Builtin:
    name: str  # as documented, e.g. "toUpperCase"
    impl: Impl
    min_args: int
    max_args: int | None  # None: variadic
    group: str  # "string", "number", "date", "list", "map", "collection", "json", ...


# method name (lowercase) -> {type key or ANY: Builtin}
METHODS: dict[str, dict[str, Builtin]] = {}
# function name (lowercase) -> Builtin
FUNCTIONS: dict[str, Builtin] = {}


def method(
    name: str, *type_keys: str, min_args: int = 0, max_args: int | None = -1, group: str = ""
) -> Callable[[Impl], Impl]:
    """Register a method for one or more receiver type keys (``ANY`` for every type).

    ``max_args=-1`` (the default) means "same as min_args".
    """

    def register(impl: Impl) -> Impl:
        top = min_args if max_args == -1 else max_args
        entry = Builtin(name, impl, min_args, top, group)
        table = METHODS.setdefault(name.lower(), {})
        for key in type_keys or (ANY,):
            table[key] = entry
        return impl

    return register


def function(
    name: str, *, min_args: int = 0, max_args: int | None = -1, group: str = ""
) -> Callable[[Impl], Impl]:
    """Register a global function (``ifnull``, ``isNull``, ``toMap``...)."""

    def register(impl: Impl) -> Impl:
        top = min_args if max_args == -1 else max_args
        FUNCTIONS[name.lower()] = Builtin(name, impl, min_args, top, group)
        return impl

    return register


def lookup_method(name: str) -> dict[str, Builtin] | None:
    return METHODS.get(name.lower())


def lookup_function(name: str) -> Builtin | None:
    return FUNCTIONS.get(name.lower())
