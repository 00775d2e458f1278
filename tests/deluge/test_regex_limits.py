"""Patterns from scripts are bounded in time: a backtracking one ends with a limit error."""

import itertools
import threading
import time

import pytest

from deluge import DelugeLimitError, Limits, run

RUNAWAY = 's = leftpad("", 40).replaceAll(" ", "a") + "!";\nreturn s.matches("(a|aa)+$");'


def limit_of(result):
    assert isinstance(result.error, DelugeLimitError), result.error
    return result.error.limit


def test_runaway_matches_ends_with_the_regex_limit_at_its_line():
    started = time.monotonic()
    result = run(RUNAWAY, limits=Limits(max_regex_seconds=0.2))
    assert limit_of(result) == "max_regex_seconds"
    assert result.error.line == 2
    assert "max_regex_seconds" in result.error.message
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    "call",
    [
        's.replaceAll("(a|aa)+$", "x")',
        's.replaceFirst("(a|aa)+$", "x")',
        's.replaceAllIgnoreCase("(a|aa)+$", "x")',
        's.replaceFirstIgnoreCase("(a|aa)+$", "x")',
    ],
)
def test_every_pattern_builtin_is_bounded(call):
    src = f's = leftpad("", 40).replaceAll(" ", "a") + "!";\nreturn {call};'
    result = run(src, limits=Limits(max_regex_seconds=0.2))
    assert limit_of(result) == "max_regex_seconds"


def test_run_deadline_bounds_a_pattern_too():
    result = run(RUNAWAY, limits=Limits(max_regex_seconds=30, max_seconds=0.3))
    assert limit_of(result) == "max_seconds"


def test_backtracking_date_format_fails_fast():
    # 30 one-or-two-digit fields, then a day name: Python's re took 49 s on this text.
    fmt = " ".join(["d"] * 30) + " E"
    src = f'return toDate("{"1" * 45}!", "{fmt}");'
    started = time.monotonic()
    result = run(src, limits=Limits(max_regex_seconds=0.5))
    assert result.error is not None
    assert "Unparseable date" in result.error.message or limit_of(result) == "max_regex_seconds"
    assert time.monotonic() - started < 3


def test_a_runaway_pattern_lets_other_threads_run():
    # The engine releases the interpreter lock while it matches, so a thread beside the
    # run (a web server's other requests) keeps going; Python's re would freeze it.
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    thread = threading.Thread(target=ticker)
    thread.start()
    try:
        result = run(RUNAWAY, limits=Limits(max_regex_seconds=0.5))
    finally:
        stop.set()
        thread.join()
    assert limit_of(result) == "max_regex_seconds"
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 20 and max(gaps) < 0.25


def test_java_classes_and_named_groups_work():
    src = (
        'return "Ab1 c".replaceAll("\\\\p{Alpha}", "x") + "|" + '
        '"2024-05".replaceAll("(?<y>\\\\d+)-(?<m>\\\\d+)", "${m}/${y}");'
    )
    assert run(src).return_value == "xx1 x|05/2024"


def test_ordinary_patterns_are_unchanged():
    src = (
        'return "a@b.co".matches("[^@]+@[^@]+\\\\.[a-z]{2,}") + "," + '
        '"a1b22".replaceAll("[0-9]+", "#");'
    )
    assert run(src).return_value == "true,a#b#"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ('"a,b,,c".replaceAll(",", ";")', "a;b;;c"),
        ('"a,b,,c".replaceFirst(",", ";")', "a;b,,c"),
        ('"ab".replaceAll("", "-")', "-a-b-"),
        ('"ab".replaceFirst("", "-")', "-ab"),
        ('"a.b".replaceAll(".", "x")', "xxx"),  # a metacharacter: still a pattern
        ('"ab".replaceAll("b", "$0$0")', "abb"),  # a group reference: still a pattern
        ('"AbA".replaceAllIgnoreCase("a", "x")', "xbx"),
    ],
)
def test_literal_patterns_replace_as_the_pattern_engine_does(call, expected):
    assert run(f"return {call};").return_value == expected


def test_a_literal_replace_over_a_long_text_is_quick():
    src = 'return leftpad("", 4000000).replaceAll(" ", "x").length();'
    started = time.monotonic()
    result = run(src, limits=Limits(max_regex_seconds=1))
    assert result.return_value == 4_000_000
    assert time.monotonic() - started < 2
