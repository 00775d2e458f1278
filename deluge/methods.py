"""Method-call dispatch: one dispatcher per (method name, argument count) call site kind.

The registry is consulted once when compiling; at run time a dispatcher only looks up the
receiver's exact Python type in a small dict.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, NoReturn

from deluge.runtime.registry import Impl
from deluge.runtime.values import DelugeValue

from .errors import DelugeRuntimeError
from .runtime.registry import ANY, Builtin, lookup_method
from .runtime.values import Collection, deluge_type_name

if TYPE_CHECKING:
    from deluge.support import Context

PY_TYPES = {
    "string": (str,),
    "long": (int,),
    "decimal": (float,),
    "boolean": (bool,),
    "date": (_dt.date,),
    "datetime": (_dt.datetime,),
    "map": (dict,),
    "list": (list,),
    "collection": (Collection,),
    "null": (type(None),),
}


def _arity_error(entry: Builtin, nargs: int) -> Impl:
    lo, hi = entry.min_args, entry.max_args
    expected = f"at least {lo}" if hi is None else (str(lo) if lo == hi else f"{lo} to {hi}")

    def fail(ctx: Context, recv: DelugeValue, *args: DelugeValue) -> NoReturn:
        raise DelugeRuntimeError(f"{entry.name}() expects {expected} argument(s), got {nargs}")

    return fail


def _not_applicable(name: str) -> Impl:
    def fail(ctx: Context, recv: DelugeValue, *args: DelugeValue) -> NoReturn:
        if recv is None:
            raise DelugeRuntimeError(f"cannot call {name}() on null")
        raise DelugeRuntimeError(f"{name}() cannot be used on a {deluge_type_name(recv)}")

    return fail


def make_dispatch(name: str, nargs: int) -> Impl:
    table = lookup_method(name)
    if table is None:

        def unknown(ctx: Context, recv: DelugeValue, *args: DelugeValue) -> NoReturn:
            raise DelugeRuntimeError(f"unknown method '{name}'")

        return unknown

    def impl_for(entry: Builtin) -> Impl:
        hi = entry.max_args
        if nargs < entry.min_args or (hi is not None and nargs > hi):
            return _arity_error(entry, nargs)
        return entry.impl

    by_type: dict[type, Impl] = {}
    default = _not_applicable(name)
    for key, entry in table.items():
        if key == ANY:
            default = impl_for(entry)
            continue
        for py in PY_TYPES.get(key, ()):
            by_type[py] = impl_for(entry)
    get = by_type.get

    if nargs == 0:

        def d0(ctx: Context, recv: DelugeValue) -> DelugeValue:
            return get(type(recv), default)(ctx, recv)

        return d0
    if nargs == 1:

        def d1(ctx: Context, recv: DelugeValue, a: DelugeValue) -> DelugeValue:
            return get(type(recv), default)(ctx, recv, a)

        return d1
    if nargs == 2:

        def d2(ctx: Context, recv: DelugeValue, a: DelugeValue, b: DelugeValue) -> DelugeValue:
            return get(type(recv), default)(ctx, recv, a, b)

        return d2

    def dn(ctx: Context, recv: DelugeValue, *args: DelugeValue) -> DelugeValue:
        return get(type(recv), default)(ctx, recv, *args)

    return dn


# ----------------------------------------------------------------------------- call sites
# A call site whose receiver has the expected type skips the dispatcher: either the
# built-in's own code written inline (INLINE, below) or a direct call of the built-in
# registered for that type. Both give exactly what the dispatcher would; any other
# receiver type still goes through the dispatcher.

# names of the types in the generated code
GUARDS: dict[type, str] = {str: "_S", dict: "_D", list: "_L"}


@dataclass(frozen=True)
class Inline:
    """The code of one built-in method for receivers of ``types``.

    ``code`` uses ``{r}`` for the receiver and ``{0}``, ``{1}`` for the arguments; ``when``
    is an extra condition (same placeholders) under which ``code`` is exact, else the
    dispatcher runs. ``keys`` are the positions of arguments that must be a map key (a
    String or Long literal, or a variable tested to hold a String); ``texts`` must be a
    String (literal or tested). ``impls`` are the registered built-ins this code stands for.
    """

    types: tuple[type, ...]
    code: str
    impls: tuple[str, ...]
    when: str = ""
    keys: tuple[int, ...] = ()
    texts: tuple[int, ...] = ()


def _inline_table() -> dict[tuple[str, int], Inline]:
    get = Inline((dict,), "{r}.get({0})", ("maps.get",), keys=(0,))
    size = Inline((list, dict), "_len({r})", ("lists.size", "maps.size"))
    length = Inline((str,), "_len({r})", ("strings.length",))
    upper = Inline((str,), "{r}.upper()", ("strings.upper",))
    lower = Inline((str,), "{r}.lower()", ("strings.lower",))
    has_key = Inline((dict,), "{0} in {r}", ("maps.contains_key",), keys=(0,))
    contains = Inline((str,), "{0} in {r}", ("strings.contains",), texts=(0,))
    return {
        ("get", 1): get,
        ("size", 0): size,
        ("length", 0): length,
        ("len", 0): length,
        ("touppercase", 0): upper,
        ("upper", 0): upper,
        ("tolowercase", 0): lower,
        ("lower", 0): lower,
        ("containkey", 1): has_key,
        ("containskey", 1): has_key,
        ("contains", 1): contains,
    }


INLINE = _inline_table()

# Statements whose value is not used: ``when`` keeps the collection-size limit exact.
INLINE_STATEMENTS = {
    ("put", 2): Inline(
        (dict,), "{r}[{0}] = {1}", ("maps.put",), when="_len({r}) < _cmax or {0} in {r}", keys=(0,)
    ),
    ("add", 1): Inline((list,), "{r}.append({0})", ("lists.add",), when="_len({r}) < _cmax"),
}

_PREFERRED = (str, dict, list)  # receiver type tried first when a method serves several


def direct_target(name: str, nargs: int) -> tuple[type | None, Impl] | None:
    """``(receiver type, built-in)`` a call site may call directly when the receiver has
    that type (``None``: every type), or None when only the dispatcher will do."""
    table = lookup_method(name)
    if table is None:
        return None
    by_type: dict[type, Builtin] = {}
    for key, entry in table.items():
        for py in PY_TYPES.get(key, ()):
            by_type[py] = entry

    def fits(entry: Builtin) -> bool:
        hi = entry.max_args
        return entry.min_args <= nargs and (hi is None or nargs <= hi)

    if not by_type:
        anything = table.get(ANY)
        return (None, anything.impl) if anything is not None and fits(anything) else None
    for py in _PREFERRED:
        found = by_type.get(py)
        if found is not None:
            return (py, found.impl) if fits(found) else None
    return None


_TYPE_KEYS: dict[type, str] = {str: "string", dict: "map", list: "list"}


def inline_for(name: str, nargs: int, statement: bool = False) -> Inline | None:
    """The Inline for a call site, if the registered built-ins are still the ones it copies."""
    low = name.lower()
    spec = (INLINE_STATEMENTS.get((low, nargs)) if statement else None) or INLINE.get((low, nargs))
    table = lookup_method(low)
    if spec is None or table is None:
        return None
    for py, dotted in zip(spec.types, spec.impls, strict=True):
        entry = table.get(_TYPE_KEYS[py])
        module, func = dotted.split(".")
        expected = getattr(import_module(f"deluge.runtime.{module}"), func)
        if entry is None or entry.impl is not expected or entry.min_args > nargs:
            return None
        if entry.max_args is not None and nargs > entry.max_args:
            return None
    return spec
