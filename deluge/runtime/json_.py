"""JSON and list conversions (https://www.zoho.com/deluge/help/functions/conversion,
getjson-and-get): toList, toJSONList, toCollection; toMap and getJSON live in maps.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deluge.errors import DelugeRuntimeError
from deluge.runtime import args
from deluge.runtime.registry import method
from deluge.runtime.values import Collection, DelugeValue, check_size, from_json

if TYPE_CHECKING:
    from deluge.support import Context

G = "json"


@method("toList", "string", "map", "collection", min_args=0, max_args=1, group=G)
def to_list(ctx: Context, v: DelugeValue, separator: DelugeValue = None) -> DelugeValue:
    """Text: a JSON array is parsed; other text is split at ``separator`` (default ",")."""
    if type(v) is dict:
        return [v]
    if type(v) is Collection:
        return list(v.items.values()) if v.is_map else list(v.items)  # type: ignore[union-attr]
    if separator is None and v.lstrip().startswith("["):
        parsed = from_json(v)
        if type(parsed) is list:
            return parsed
    sep = "," if separator is None else args.text("toList", 1, separator)
    if v == "":
        return []
    parts = v.split(sep) if sep else list(v)
    check_size(ctx, len(parts))
    return parts


@method("toJSONList", "string", "list", group=G)
def to_json_list(ctx: Context, v: DelugeValue) -> DelugeValue:
    """Each element of a JSON array, parsed (objects become Maps)."""
    if type(v) is list:
        return list(v)
    if not v.strip():
        return []
    parsed = from_json(v)
    if type(parsed) is not list:
        raise DelugeRuntimeError("'toJSONList' needs a JSON array text")
    return parsed


@method("toCollection", "string", "list", "map", group=G)
def to_collection(ctx: Context, v: DelugeValue) -> DelugeValue:
    if type(v) is str:
        v = from_json(v) if v.strip() else []
        if type(v) not in (list, dict):
            raise DelugeRuntimeError("'toCollection' needs a JSON array or object text")
    return Collection(dict(v) if type(v) is dict else list(v))
