"""Per-run limits. Every value can be overridden per run (``Limits(max_statements=100)``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    max_statements: int = 5_000  # executed statements; each loop pass counts, a task counts as one
    max_depth: int = 75  # nested function calls
    max_seconds: float = 60.0  # wall clock for the whole run
    max_regex_seconds: float = 5.0  # one regular-expression call (matches, replaceAll, ...)
    max_string_length: int = 5_000_000  # characters in one string value
    max_collection_size: int = 100_000  # elements in one list or map
    max_info_chars: int = 1_000_000  # info output of one run; later lines are dropped
    max_int_bits: int = 64  # Deluge Long is a signed 64-bit integer
    http_timeout: float = 40.0  # seconds per invokeurl, passed to the host
    max_response_bytes: int = 5 * 1024 * 1024  # per invokeurl response, passed to the host


DEFAULT_LIMITS = Limits()
