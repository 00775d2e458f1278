"""Method-call dispatch: one dispatcher per (method name, argument count) call site kind.

The registry is consulted once when compiling; at run time a dispatcher only looks up the
receiver's exact Python type in a small dict.
"""

from __future__ import annotations

import datetime as _dt

from .errors import DelugeRuntimeError
from .runtime.registry import ANY, Builtin, lookup_method
from .runtime.values import Collection, deluge_type_name

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


def _arity_error(entry: Builtin, nargs: int):
    lo, hi = entry.min_args, entry.max_args
    expected = f"at least {lo}" if hi is None else (str(lo) if lo == hi else f"{lo} to {hi}")

    def fail(ctx, recv, *args):
        raise DelugeRuntimeError(f"{entry.name}() expects {expected} argument(s), got {nargs}")

    return fail


def _not_applicable(name: str):
    def fail(ctx, recv, *args):
        if recv is None:
            raise DelugeRuntimeError(f"cannot call {name}() on null")
        raise DelugeRuntimeError(f"{name}() cannot be used on a {deluge_type_name(recv)}")

    return fail


def make_dispatch(name: str, nargs: int):
    table = lookup_method(name)
    if table is None:

        def unknown(ctx, recv, *args):
            raise DelugeRuntimeError(f"unknown method '{name}'")

        return unknown

    def impl_for(entry: Builtin):
        hi = entry.max_args
        if nargs < entry.min_args or (hi is not None and nargs > hi):
            return _arity_error(entry, nargs)
        return entry.impl

    by_type: dict[type, object] = {}
    default = _not_applicable(name)
    for key, entry in table.items():
        if key == ANY:
            default = impl_for(entry)
            continue
        for py in PY_TYPES.get(key, ()):
            by_type[py] = impl_for(entry)
    get = by_type.get

    if nargs == 0:

        def d0(ctx, recv):
            return get(type(recv), default)(ctx, recv)

        return d0
    if nargs == 1:

        def d1(ctx, recv, a):
            return get(type(recv), default)(ctx, recv, a)

        return d1
    if nargs == 2:

        def d2(ctx, recv, a, b):
            return get(type(recv), default)(ctx, recv, a, b)

        return d2

    def dn(ctx, recv, *args):
        return get(type(recv), default)(ctx, recv, *args)

    return dn
