"""Calling built-ins straight from the registry tables, as the compiled code does."""

import types

import deluge.runtime  # noqa: F401  (fills the tables)
from deluge.limits import Limits
from deluge.runtime.registry import lookup_function, lookup_method
from deluge.runtime.values import type_key

# deadline: a real run's Context always has one; these calls run unbounded.
CTX = types.SimpleNamespace(
    limits=Limits(), host=types.SimpleNamespace(timezone="UTC"), deadline=float("inf")
)
SMALL = types.SimpleNamespace(
    limits=Limits(max_string_length=20), host=CTX.host, deadline=float("inf")
)


def m(name, receiver, *a, ctx=CTX):
    table = lookup_method(name)
    entry = table.get(type_key(receiver)) or table["any"]
    assert entry.min_args <= len(a)
    assert entry.max_args is None or len(a) <= entry.max_args
    return entry.impl(ctx, receiver, *a)


def f(name, *a, ctx=CTX):
    entry = lookup_function(name)
    assert entry.min_args <= len(a)
    assert entry.max_args is None or len(a) <= entry.max_args
    return entry.impl(ctx, *a)
