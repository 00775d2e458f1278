"""Map (key-value) functions (https://www.zoho.com/deluge/help/functions/map/*).

Keys are case-sensitive (``containKey("product")`` is false for "Product", documented).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from deluge.errors import DelugeRuntimeError
from deluge.runtime import args
from deluge.runtime.registry import method
from deluge.runtime.values import Collection, DelugeValue, check_size, equals, from_json

if TYPE_CHECKING:
    from deluge.support import Context

M = "map"
G = "map"
_KEY_TYPES = (str, int, float, bool, dt.date, dt.datetime, type(None))


def key_arg(name: str, key: DelugeValue) -> DelugeValue:
    if type(key) not in _KEY_TYPES:
        raise DelugeRuntimeError(f"A map key cannot be a {args.fail(name, 1, '', key).message}")
    return key


@method("put", M, min_args=2, group=G)
def put(ctx: Context, m: DelugeValue, key: DelugeValue, value: DelugeValue) -> None:
    key_arg("put", key)
    if key not in m:
        check_size(ctx, len(m) + 1)
    m[key] = value


@method("putAll", M, min_args=1, group=G)
def put_all(ctx: Context, m: DelugeValue, other: DelugeValue) -> None:
    extra = args.map_arg("putAll", 1, other)
    check_size(ctx, len(m) + sum(1 for k in extra if k not in m))
    m.update(extra)


@method("get", M, min_args=1, group=G)
def get(ctx: Context, m: DelugeValue, key: DelugeValue) -> DelugeValue:
    return m.get(key) if type(key) in _KEY_TYPES else None


@method("getJSON", M, "string", min_args=1, group="json")
def get_json(ctx: Context, m: DelugeValue, key: DelugeValue) -> DelugeValue:
    if type(m) is str:
        m = from_json(m)
        if type(m) is not dict:
            raise DelugeRuntimeError("'getJSON' needs a JSON object")
    return m.get(key) if type(key) in _KEY_TYPES else None


@method("containKey", M, min_args=1, group=G)
@method("containsKey", M, min_args=1, group=G)
def contains_key(ctx: Context, m: DelugeValue, key: DelugeValue) -> DelugeValue:
    return type(key) in _KEY_TYPES and key in m


@method("containValue", M, min_args=1, group=G)
@method("containsValue", M, min_args=1, group=G)
def contains_value(ctx: Context, m: DelugeValue, value: DelugeValue) -> DelugeValue:
    return any(equals(v, value) for v in m.values())


@method("keys", M, group=G)
def keys(ctx: Context, m: DelugeValue) -> DelugeValue:
    return list(m.keys())


@method("values", M, group=G)
def values(ctx: Context, m: DelugeValue) -> DelugeValue:
    return list(m.values())


@method("remove", M, min_args=1, group=G)
def remove(ctx: Context, m: DelugeValue, key: DelugeValue) -> DelugeValue:
    return m.pop(key, None) if type(key) in _KEY_TYPES else None


@method("size", M, group=G)
def size(ctx: Context, m: DelugeValue) -> DelugeValue:
    return len(m)


@method("clear", M, group=G)
def clear(ctx: Context, m: DelugeValue) -> None:
    m.clear()


@method("toMap", M, "collection", "string", min_args=0, group="json")
def to_map(ctx: Context, v: DelugeValue) -> DelugeValue:
    if type(v) is dict:
        return dict(v)
    if type(v) is Collection:
        if not v.is_map and v.items:
            raise DelugeRuntimeError("Cannot convert a list-like collection to a map")
        return dict(v.items) if v.is_map else {}
    if not v.strip():
        return {}
    parsed = from_json(v)
    if type(parsed) is not dict:
        raise DelugeRuntimeError("'toMap' needs a JSON object text")
    return parsed
