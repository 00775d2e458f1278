"""List functions (https://www.zoho.com/deluge/help/functions/list/*) and the numeric
aggregates (largest, sum, median...) shared by Lists and Collections."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import TYPE_CHECKING

from deluge.errors import DelugeRuntimeError
from deluge.runtime import args
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

L = "list"
G = "list"
SEQ = ("list", "collection")


def items_of(name: str, v: DelugeValue) -> DelugeList:
    """The elements of a List, or the values of a Collection."""
    if type(v) is list:
        return v
    if type(v) is Collection:
        return list(v.items.values()) if v.is_map else v.items  # type: ignore[union-attr,return-value]
    raise args.fail(name, 0, "LIST", v)


def index_arg(name: str, items: DelugeList, value: DelugeValue, position: int = 1) -> int:
    i = args.long(name, position, value)
    if i < 0:
        raise DelugeRuntimeError(f"Given index {i} is negative")
    if i >= len(items):
        raise DelugeRuntimeError(f"Given index {i} is greater than the list size")
    return i


def find(items: DelugeList, value: DelugeValue) -> int:
    return next((i for i, x in enumerate(items) if equals(x, value)), -1)


def _rank(v: DelugeValue) -> tuple[int, DelugeValue, DelugeValue]:
    t = type(v)
    if t in (int, float):
        return (0, v, "")
    if t is str:
        return (1, 0, v)
    if t in (dt.date, dt.datetime):
        return (2, args.as_datetime(v).timestamp(), "")
    if t is bool:
        return (3, int(v), "")
    return (4, 0, to_text(v))


def sort_values(name: str, values: DelugeList, ascending: DelugeValue) -> DelugeList:
    asc = True if ascending is None else args.boolean(name, 1, ascending)
    # Numbers sort by value, text by code point, then dates; mixed lists keep those groups.
    return sorted(values, key=_rank, reverse=not asc)


def distinct_values(values: DelugeList) -> DelugeList:
    out: DelugeList = []
    for v in values:
        if not any(type(v) is type(x) and equals(v, x) for x in out):
            out.append(v)
    return out


@method("add", L, min_args=1, group=G)
def add(ctx: Context, lst: DelugeValue, value: DelugeValue) -> None:
    check_size(ctx, len(lst) + 1)
    lst.append(value)


@method("addAll", L, min_args=1, group=G)
def add_all(ctx: Context, lst: DelugeValue, other: DelugeValue) -> None:
    extra = items_of("addAll", other) if type(other) is not dict else list(other.values())
    check_size(ctx, len(lst) + len(extra))
    lst.extend(list(extra))


@method("get", L, min_args=1, group=G)
def get(ctx: Context, lst: DelugeValue, index: DelugeValue) -> DelugeValue:
    return lst[index_arg("get", lst, index)]


@method("indexOf", L, min_args=1, group=G)
def index_of(ctx: Context, lst: DelugeValue, value: DelugeValue) -> DelugeValue:
    return find(lst, value)


@method("lastIndexOf", L, min_args=1, group=G)
def last_index_of(ctx: Context, lst: DelugeValue, value: DelugeValue) -> DelugeValue:
    i = find(lst[::-1], value)
    return -1 if i < 0 else len(lst) - 1 - i


@method("contains", L, min_args=1, group=G)
def contains(ctx: Context, lst: DelugeValue, value: DelugeValue) -> DelugeValue:
    return find(lst, value) >= 0


@method("notContains", L, min_args=1, group=G)
def not_contains(ctx: Context, lst: DelugeValue, value: DelugeValue) -> DelugeValue:
    return find(lst, value) < 0


@method("remove", L, min_args=1, group=G)
def remove(ctx: Context, lst: DelugeValue, index: DelugeValue) -> DelugeValue:
    return lst.pop(index_arg("remove", lst, index))


@method("removeElement", L, min_args=1, group=G)
def remove_element(ctx: Context, lst: DelugeValue, value: DelugeValue) -> None:
    i = find(lst, value)
    if i >= 0:
        del lst[i]


@method("removeAll", L, min_args=1, group=G)
def remove_all(ctx: Context, lst: DelugeValue, values: DelugeValue) -> None:
    drop = items_of("removeAll", values)
    lst[:] = [x for x in lst if find(drop, x) < 0]


@method("clear", L, group=G)
def clear(ctx: Context, lst: DelugeValue) -> None:
    lst.clear()


@method("size", L, group=G)
def size(ctx: Context, lst: DelugeValue) -> DelugeValue:
    return len(lst)


@method("sort", L, min_args=0, max_args=1, group=G)
def sort(ctx: Context, lst: DelugeValue, ascending: DelugeValue = None) -> DelugeValue:
    return sort_values("sort", lst, ascending)


@method("distinct", L, group=G)
def distinct(ctx: Context, lst: DelugeValue) -> DelugeValue:
    return distinct_values(lst)


def slice_arg(name: str, items: DelugeList, start: DelugeValue, end: DelugeValue) -> DelugeList:
    begin = args.long(name, 1, start)
    stop = len(items) if end is None else args.long(name, 2, end)
    if begin < 0 or stop > len(items) or begin > stop:
        raise DelugeRuntimeError(f"Invalid index range ({begin}, {stop}) for '{name}'")
    return items[begin:stop]


@method("subList", L, min_args=1, max_args=2, group=G)
def sub_list(
    ctx: Context, lst: DelugeValue, start: DelugeValue, end: DelugeValue = None
) -> DelugeValue:
    return slice_arg("subList", lst, start, end)


@method("intersect", L, min_args=1, group=G)
def intersect(ctx: Context, lst: DelugeValue, other: DelugeValue) -> DelugeValue:
    theirs = items_of("intersect", other)
    return distinct_values([x for x in lst if find(theirs, x) >= 0])


@method("toList", L, min_args=0, max_args=1, group=G)
def to_list(ctx: Context, lst: DelugeValue, separator: DelugeValue = None) -> DelugeValue:
    return list(lst)


# --- aggregates ------------------------------------------------------------------------------


def numbers_of(name: str, v: DelugeValue) -> DelugeList:
    values = items_of(name, v)
    for x in values:
        if type(x) not in (int, float):
            raise DelugeRuntimeError(f"'{name}' needs numbers, found {to_text(x)!r}")
    return values


def _exact_sum(values: DelugeList) -> int | float:
    if all(type(x) is int for x in values):
        return sum(values)
    return float(sum(Decimal(repr(x)) if type(x) is float else Decimal(x) for x in values))


@method("sum", *SEQ, group="number")
def sum_(ctx: Context, v: DelugeValue) -> DelugeValue:
    return _exact_sum(numbers_of("sum", v))


@method("average", *SEQ, group="number")
def average(ctx: Context, v: DelugeValue) -> DelugeValue:
    values = numbers_of("average", v)
    if not values:
        return None
    return float(Decimal(repr(float(_exact_sum(values)))) / len(values))


@method("largest", *SEQ, group="number")
def largest(ctx: Context, v: DelugeValue) -> DelugeValue:
    values = numbers_of("largest", v)
    return max(values) if values else None


@method("smallest", *SEQ, group="number")
def smallest(ctx: Context, v: DelugeValue) -> DelugeValue:
    values = numbers_of("smallest", v)
    return min(values) if values else None


@method("median", *SEQ, group="number")
def median(ctx: Context, v: DelugeValue) -> DelugeValue:
    values = sorted(numbers_of("median", v))
    if not values:
        return None
    mid = len(values) // 2
    if len(values) % 2:
        return values[mid]
    return (values[mid - 1] + values[mid]) / 2


def _nth(name: str, v: DelugeValue, n: DelugeValue, reverse: bool) -> DelugeValue:
    values = sorted(numbers_of(name, v), reverse=reverse)
    k = args.long(name, 1, n)
    if not 1 <= k <= len(values):
        raise DelugeRuntimeError(f"Argument 1 of '{name}' must be between 1 and {len(values)}")
    return values[k - 1]


@method("nthLargest", *SEQ, min_args=1, group="number")
def nth_largest(ctx: Context, v: DelugeValue, n: DelugeValue) -> DelugeValue:
    return _nth("nthLargest", v, n, True)


@method("nthSmallest", *SEQ, min_args=1, group="number")
def nth_smallest(ctx: Context, v: DelugeValue, n: DelugeValue) -> DelugeValue:
    return _nth("nthSmallest", v, n, False)


@method("percentile", *SEQ, min_args=1, group="number")
def percentile(ctx: Context, v: DelugeValue, p: DelugeValue) -> DelugeValue:
    values = sorted(numbers_of("percentile", v))
    k = args.number("percentile", 1, p)
    if not values or not 0 <= k <= 100:
        raise DelugeRuntimeError("Argument 1 of 'percentile' must be between 0 and 100")
    # Nearest-rank percentile: {124,300,455,780,926}.percentile(50) is 455 (documented).
    return values[max(math.ceil(k / 100 * len(values)), 1) - 1]


@method("rank", *SEQ, min_args=1, max_args=2, group="number")
def rank(
    ctx: Context, v: DelugeValue, value: DelugeValue, order: DelugeValue = None
) -> DelugeValue:
    values = numbers_of("rank", v)
    target = args.number("rank", 1, value)
    direction = "desc" if order is None else args.text("rank", 2, order).lower()
    if direction not in ("asc", "desc"):
        raise DelugeRuntimeError('Argument 2 of \'rank\' must be "asc" or "desc"')
    ordered = sorted(values, reverse=direction == "desc")
    i = find(ordered, target)
    if i < 0:
        raise DelugeRuntimeError(f"{to_text(target)} is not in the collection")
    return i + 1
