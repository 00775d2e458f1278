"""Regular expressions from scripts: Java syntax, run bounded in time.

Python's ``re`` cannot be interrupted (it holds the interpreter lock while it backtracks),
so a pattern such as ``(a|aa)+$`` could stall a whole process. Scripts' patterns run on
the ``regex`` package instead, with ``timeout=``: at most ``Limits.max_regex_seconds`` per
call and never past the run's own deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import regex

from deluge.errors import DelugeLimitError, DelugeRuntimeError

if TYPE_CHECKING:
    from deluge.support import Context

# ``regex`` rather than ``re``: a match can be bounded in time (``timeout=``), which a
# backtracking pattern such as ``(a|aa)+$`` needs, and it knows Java's ``\p{..}`` classes,
# possessive quantifiers, atomic groups and ``(?<name>..)``. A linear-time engine (RE2)
# was measured too: it refuses back-references, look-arounds and possessive quantifiers,
# which real scripts use (docs/deluge.md, "Regular expressions").
_JAVA_ONLY = regex.compile(r"\\Q")


def compile_java(name: str, pattern: str, flags: int = 0) -> regex.Pattern:
    """Compile a Java regular expression; the common subset means the same here."""
    if _JAVA_ONLY.search(pattern):
        raise DelugeRuntimeError(f"Unsupported regular expression syntax in '{name}': {pattern}")
    try:
        return regex.compile(pattern, flags | regex.VERSION0)
    except (regex.error, OverflowError, RecursionError, ValueError) as exc:
        raise DelugeRuntimeError(f"Invalid regular expression in '{name}': {exc}") from exc


def run_pattern(
    ctx: Context, name: str, call: Callable[..., Any], *args: Any, **kwargs: Any
) -> Any:
    """Call a compiled pattern's method (``match``, ``sub``, ...) bounded in time: the
    limit error names ``max_regex_seconds``, or ``max_seconds`` when the run's own deadline
    came first."""
    own = ctx.limits.max_regex_seconds
    remaining = ctx.deadline - time.monotonic()
    try:
        return call(*args, timeout=max(0.001, min(own, remaining)), concurrent=True, **kwargs)
    except TimeoutError:
        if remaining < own:
            raise DelugeLimitError(
                "max_seconds",
                f"the script ran longer than {ctx.limits.max_seconds:g} s (max_seconds)",
            ) from None
        raise DelugeLimitError(
            "max_regex_seconds",
            f"the regular expression in '{name}' ran longer than {own:g} s (max_regex_seconds)",
        ) from None
