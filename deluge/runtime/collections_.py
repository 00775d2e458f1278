"""Collection functions (https://www.zoho.com/deluge/help/functions/collection/*).

A ``Collection`` is index-value (list-like) or key-value (map-like); an empty one becomes
map-like when the first insert passes key:value pairs (given as Maps) and list-like otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deluge.errors import DelugeRuntimeError
from deluge.runtime import args
from deluge.runtime.lists import distinct_values, find, index_arg, slice_arg, sort_values
from deluge.runtime.maps import key_arg
from deluge.runtime.registry import method
from deluge.runtime.values import (
    Collection,
    DelugeList,
    DelugeValue,
    check_size,
    equals,
    to_text,
)

if TYPE_CHECKING:
    from deluge.support import Context

C = "collection"
G = "collection"


def _adopt(c: Collection, as_map: bool) -> None:
    if not c.items and c.is_map != as_map:
        c.items = {} if as_map else []
    if c.is_map != as_map:
        kind = "key-value" if c.is_map else "index-value"
        raise DelugeRuntimeError(f"Cannot mix values into a {kind} collection")


def _insert(ctx: Context, c: Collection, values: tuple[DelugeValue, ...]) -> None:
    for value in values:
        if type(value) is dict:
            _adopt(c, True)
            for k in value:
                key_arg("insert", k)
            check_size(ctx, len(c.items) + sum(1 for k in value if k not in c.items))
            c.items.update(value)  # type: ignore[union-attr]
        else:
            _adopt(c, False)
            check_size(ctx, len(c.items) + 1)
            c.items.append(value)  # type: ignore[union-attr]


@method("insert", C, min_args=1, max_args=None, group=G)
def insert(ctx: Context, c: DelugeValue, *values: DelugeValue) -> None:
    _insert(ctx, c, values)


@method("insertAll", C, min_args=1, group=G)
def insert_all(ctx: Context, c: DelugeValue, other: DelugeValue) -> None:
    if type(other) is Collection:
        other = other.items
    if type(other) is dict:
        _insert(ctx, c, (other,))
    else:
        _insert(ctx, c, tuple(args.list_arg("insertAll", 1, other)))


@method("get", C, min_args=1, group=G)
def get(ctx: Context, c: DelugeValue, key: DelugeValue) -> DelugeValue:
    if c.is_map:
        try:
            return c.items.get(key)
        except TypeError:
            return None
    return c.items[index_arg("get", c.items, key)]


@method("getAsString", C, min_args=1, group=G)
def get_as_string(ctx: Context, c: DelugeValue, key: DelugeValue) -> DelugeValue:
    return to_text(get(ctx, c, key))


@method("getKey", C, min_args=1, group=G)
def get_key(ctx: Context, c: DelugeValue, value: DelugeValue) -> DelugeValue:
    if c.is_map:
        return next((k for k, v in c.items.items() if equals(v, value)), None)
    i = find(c.items, value)
    return None if i < 0 else i


@method("getLastKey", C, group=G)
def get_last_key(ctx: Context, c: DelugeValue) -> DelugeValue:
    if not c.items:
        return None
    return next(reversed(c.items)) if c.is_map else len(c.items) - 1


@method("containsKey", C, min_args=1, group=G)
@method("containKey", C, min_args=1, group=G)
def contains_key(ctx: Context, c: DelugeValue, key: DelugeValue) -> DelugeValue:
    if c.is_map:
        try:
            return key in c.items
        except TypeError:
            return False
    return type(key) is int and 0 <= key < len(c.items)


@method("containsValue", C, min_args=1, group=G)
@method("containValue", C, min_args=1, group=G)
def contains_value(ctx: Context, c: DelugeValue, value: DelugeValue) -> DelugeValue:
    values = c.items.values() if c.is_map else c.items
    return any(equals(v, value) for v in values)


@method("keys", C, group=G)
def keys(ctx: Context, c: DelugeValue) -> DelugeValue:
    return list(c.items.keys()) if c.is_map else list(range(len(c.items)))


@method("values", C, group=G)
def values(ctx: Context, c: DelugeValue) -> DelugeValue:
    return list(c.items.values()) if c.is_map else list(c.items)


@method("delete", C, min_args=1, group=G)
def delete(ctx: Context, c: DelugeValue, value: DelugeValue) -> None:
    key = get_key(ctx, c, value)
    if key is not None:
        del c.items[key]


@method("deleteAll", C, min_args=1, group=G)
def delete_all(ctx: Context, c: DelugeValue, values_: DelugeValue) -> None:
    drop = args.list_arg("deleteAll", 1, values_)
    if c.is_map:
        c.items = {k: v for k, v in c.items.items() if find(drop, v) < 0}
    else:
        c.items = [v for v in c.items if find(drop, v) < 0]


@method("deleteKey", C, min_args=1, group=G)
def delete_key(ctx: Context, c: DelugeValue, key: DelugeValue) -> None:
    _delete_keys(c, [key])


@method("deleteKeys", C, min_args=1, group=G)
def delete_keys(ctx: Context, c: DelugeValue, keys_: DelugeValue) -> None:
    _delete_keys(c, args.list_arg("deleteKeys", 1, keys_))


def _delete_keys(c: Collection, keys_: DelugeList) -> None:
    if c.is_map:
        for k in keys_:
            if type(k) not in (list, dict, Collection):
                c.items.pop(k, None)  # type: ignore[call-arg]
        return
    drop = {index_arg("deleteKeys", c.items, k) for k in keys_}  # type: ignore[arg-type]
    c.items = [v for i, v in enumerate(c.items) if i not in drop]


@method("size", C, group=G)
def size(ctx: Context, c: DelugeValue) -> DelugeValue:
    return len(c.items)


@method("clear", C, group=G)
def clear(ctx: Context, c: DelugeValue) -> None:
    c.items.clear()


@method("sort", C, min_args=0, max_args=1, group=G)
def sort(ctx: Context, c: DelugeValue, ascending: DelugeValue = None) -> DelugeValue:
    if c.is_map:
        order = sort_values("sort", list(c.items.values()), ascending)
        used: set[int] = set()
        pairs = {}
        for v in order:
            k = next(k for k, x in c.items.items() if x is v and id(k) not in used)
            used.add(id(k))
            pairs[k] = v
        return Collection(pairs)
    return Collection(sort_values("sort", c.items, ascending))


@method("sortKey", C, min_args=0, max_args=1, group=G)
def sort_key(ctx: Context, c: DelugeValue, ascending: DelugeValue = None) -> DelugeValue:
    if not c.is_map:
        return Collection(list(c.items))
    order = sort_values("sortKey", list(c.items.keys()), ascending)
    return Collection({k: c.items[k] for k in order})


@method("distinct", C, group=G)
def distinct(ctx: Context, c: DelugeValue) -> DelugeValue:
    if c.is_map:
        seen: DelugeList = []
        out = {}
        for k, v in c.items.items():
            if not any(type(v) is type(x) and equals(v, x) for x in seen):
                seen.append(v)
                out[k] = v
        return Collection(out)
    return Collection(distinct_values(c.items))


@method("duplicate", C, "list", min_args=0, max_args=2, group=G)
def duplicate(
    ctx: Context, c: DelugeValue, start: DelugeValue = None, end: DelugeValue = None
) -> DelugeValue:
    if type(c) is list:
        return list(c) if start is None else slice_arg("duplicate", c, start, end)
    if start is None:
        return Collection(dict(c.items) if c.is_map else list(c.items))
    if c.is_map:
        pairs = list(c.items.items())
        return Collection(dict(slice_arg("duplicate", pairs, start, end)))
    return Collection(slice_arg("duplicate", c.items, start, end))
