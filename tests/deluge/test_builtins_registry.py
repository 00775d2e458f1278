"""The built-in tables as a whole: size, documentation, and that no Python error escapes."""

import contextlib
import datetime as dt
import pathlib
import re
import types

import pytest

import deluge.runtime  # noqa: F401  (fills the tables)
from deluge.errors import DelugeError
from deluge.limits import Limits
from deluge.runtime.registry import ANY, FUNCTIONS, METHODS
from deluge.runtime.values import Collection

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "deluge-builtins.md"
CTX = types.SimpleNamespace(
    limits=Limits(max_string_length=10_000, max_collection_size=1_000),
    host=types.SimpleNamespace(timezone="Asia/Kolkata"),
    deadline=float("inf"),
)


def all_names() -> set[str]:
    return set(METHODS) | set(FUNCTIONS)


def test_at_least_120_builtins():
    assert len(all_names()) >= 120


def test_every_builtin_is_documented():
    text = DOC.read_text(encoding="utf-8")
    documented = {name.lower() for name in re.findall(r"`([A-Za-z][\w.]*)`", text)}
    missing = sorted(all_names() - documented)
    assert not missing, f"not in {DOC.name}: {missing}"


def test_tables_are_consistent():
    for key, table in METHODS.items():
        for type_key, entry in table.items():
            assert entry.name.lower() == key
            assert type_key in {
                ANY,
                "string",
                "long",
                "decimal",
                "boolean",
                "date",
                "datetime",
                "map",
                "list",
                "collection",
                "null",
            }
            assert entry.max_args is None or entry.max_args >= entry.min_args
            assert entry.group
    for key, entry in FUNCTIONS.items():
        assert entry.name.lower() == key


SAMPLES = [
    None,
    "",
    "abc",
    "01-Jan-2024",
    "[1,2]",
    '{"a":1}',
    "12.5",
    0,
    -3,
    7,
    2.5,
    -0.0,
    True,
    dt.date(2024, 1, 31),
    dt.datetime(2024, 1, 31, 10, 30),
    {"a": 1},
    [3, "x"],
    [1, 2],
    Collection([1, 2]),
    Collection({"k": 1}),
    float("nan"),
]


@pytest.mark.parametrize("name", sorted(all_names()))
def test_no_python_exception_escapes(name):
    """Call every built-in with assorted arguments: it returns or raises a DelugeError."""
    entry = FUNCTIONS.get(name)
    if name in ("randomnumber",):
        return
    for receiver in SAMPLES:
        for extra in (
            [],
            [1],
            ["a"],
            [None],
            [2, 3],
            ["yyyy", "GMT+2"],
            [[1], [dt.date(2024, 1, 1)]],
        ):
            copy = _copy(receiver)
            table = METHODS.get(name, {})
            impls = [e for k, e in table.items() if k in (ANY, _key(copy))]
            calls = [(e, [copy, *extra]) for e in impls]
            if entry is not None:
                calls.append((entry, [copy, *extra]))
            for builtin, arguments in calls:
                count = len(arguments) - (0 if builtin is entry else 1)
                if count < builtin.min_args or (
                    builtin.max_args is not None and count > builtin.max_args
                ):
                    continue
                with contextlib.suppress(DelugeError):
                    builtin.impl(CTX, *arguments)


def _copy(value):
    if isinstance(value, (list, dict)):
        return type(value)(value)
    if isinstance(value, Collection):
        return Collection(type(value.items)(value.items))
    return value


def _key(value):
    from deluge.runtime.values import type_key

    return type_key(value)
