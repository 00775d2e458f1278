"""``python -m deluge bench --regex``: the engines a script's patterns could run on.

Python's ``re`` (the old engine, unbounded), ``regex`` with ``timeout=`` (the one in use) and,
when the ``google-re2`` package is installed, RE2 (linear time). Patterns are the kinds real
scripts use; each engine's time per call is a median of several rounds, and a pattern an
engine refuses is listed rather than timed.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from typing import Any, TextIO

import regex

# (name, compile a pattern, keyword arguments of each call)
Engine = tuple[str, Callable[[str], Any], dict[str, float]]

# (pattern, text): e-mail and phone checks, clean-ups, splits, and the Java features
# (back-references, look-arounds, possessive quantifiers, \p classes) that scripts use.
CASES = [
    (r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", "someone.name+tag@example.co.uk"),
    (r"\d{3}-\d{3}-\d{4}", "call 555-123-4567 today"),
    (r"[^a-zA-Z0-9]", "Hello, World! 123 ... order #42"),
    (r"^\s+|\s+$", "   padded text   "),
    (r"(\w+)\s(\w+)", "first last " * 10),
    (r"(\w)\1", "bookkeeper"),
    (r"(?<=\$)\d+", "total $120 due"),
    (r"\d++", "12345 items"),
    (r"\p{L}+", "Grüße aus Köln"),
]


def _engines() -> list[Engine]:
    engines: list[Engine] = [
        ("re (old)", lambda p: re.compile(p), {}),
        ("regex + timeout", lambda p: regex.compile(p, regex.VERSION0), {"timeout": 1.0}),
    ]
    try:
        import re2
    except ImportError:
        return engines
    engines.append(("re2", lambda p: re2.compile(p), {}))
    return engines


def _time(compiled: Any, text: str, extra: dict[str, float], n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        compiled.search(text, **extra)
        compiled.sub("x", text, **extra)
    return (time.perf_counter() - started) / (2 * n)


def main(quick: bool = False, out: TextIO | None = None) -> int:
    n = 300 if quick else 3000
    rounds = 3 if quick else 5
    print(f"{'engine':<18}{'us per call':>12}  refused patterns", file=out)
    for name, compile_, extra in _engines():
        per_call: list[float] = []
        refused: list[str] = []
        for pattern, text in CASES:
            try:
                compiled = compile_(pattern)
            except Exception:  # each engine raises its own error type
                refused.append(pattern)
                continue
            per_call.append(
                statistics.median(_time(compiled, text, extra, n) for _ in range(rounds))
            )
        mean = statistics.fmean(per_call) * 1e6 if per_call else float("nan")
        print(f"{name:<18}{mean:>12.2f}  {', '.join(refused) or '-'}", file=out)
    runaway = "a" * 40 + "!"
    started = time.perf_counter()
    try:
        regex.compile("(a|aa)+$").fullmatch(runaway, timeout=0.5)
        ended = "matched"
    except TimeoutError:
        ended = "stopped by timeout"
    print(
        f"runaway (a|aa)+$ on regex: {ended} after {time.perf_counter() - started:.2f} s", file=out
    )
    return 0
