"""Text functions (https://www.zoho.com/deluge/help/functions/string/*)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import regex

from deluge.errors import DelugeRuntimeError
from deluge.runtime import args
from deluge.runtime.patterns import compile_java, run_pattern
from deluge.runtime.registry import method
from deluge.runtime.values import DelugeValue, check_text, to_text

if TYPE_CHECKING:
    from deluge.support import Context

S = "string"
G = "string"


def _sub(name: str, value: object) -> str:
    return args.text_like(value) if value is not None else ""


@method("length", S, group=G)
@method("len", S, group=G)
def length(ctx: Context, s: DelugeValue) -> DelugeValue:
    return len(s)


@method("toUpperCase", S, group=G)
@method("upper", S, group=G)
def upper(ctx: Context, s: DelugeValue) -> DelugeValue:
    return s.upper()


@method("toLowerCase", S, group=G)
@method("lower", S, group=G)
def lower(ctx: Context, s: DelugeValue) -> DelugeValue:
    return s.lower()


@method("trim", S, group=G)
def trim(ctx: Context, s: DelugeValue) -> DelugeValue:
    # Java's String.trim strips every character up to U+0020, not only blanks.
    return s.strip("".join(chr(c) for c in range(33)))


@method("proper", S, group=G)
def proper(ctx: Context, s: DelugeValue) -> DelugeValue:
    return re.sub(r"\S+", lambda m: m.group(0)[0].upper() + m.group(0)[1:].lower(), s)


@method("contains", S, min_args=1, group=G)
def contains(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    return _sub("contains", sub) in s


@method("notContains", S, min_args=1, group=G)
def not_contains(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    return _sub("notContains", sub) not in s


@method("containsIgnoreCase", S, min_args=1, group=G)
def contains_ignore_case(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    return _sub("containsIgnoreCase", sub).lower() in s.lower()


@method("startsWith", S, min_args=1, group=G)
def starts_with(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    return s.startswith(_sub("startsWith", sub))


@method("startsWithIgnoreCase", S, min_args=1, group=G)
def starts_with_ignore_case(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    return s.lower().startswith(_sub("startsWithIgnoreCase", sub).lower())


@method("endsWith", S, min_args=1, group=G)
def ends_with(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    return s.endswith(_sub("endsWith", sub))


@method("endsWithIgnoreCase", S, min_args=1, group=G)
def ends_with_ignore_case(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    return s.lower().endswith(_sub("endsWithIgnoreCase", sub).lower())


@method("indexOf", S, min_args=1, group=G)
@method("find", S, min_args=1, group=G)
def index_of(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    return s.find(_sub("indexOf", sub))


@method("lastIndexOf", S, min_args=1, group=G)
def last_index_of(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    return s.rfind(_sub("lastIndexOf", sub))


def _range(name: str, s: str, start: object, end: object) -> str:
    begin = args.long(name, 1, start)
    stop = len(s) if end is None else args.long(name, 2, end)
    if begin < 0 or stop > len(s) or begin > stop:
        raise DelugeRuntimeError(
            f"Invalid index range ({begin}, {stop}) for '{name}' on text of length {len(s)}"
        )
    return s[begin:stop]


@method("subString", S, min_args=1, max_args=2, group=G)
def substring(
    ctx: Context, s: DelugeValue, start: DelugeValue, end: DelugeValue = None
) -> DelugeValue:
    return _range("subString", s, start, end)


@method("subText", S, min_args=1, max_args=2, group=G)
def subtext(
    ctx: Context, s: DelugeValue, start: DelugeValue, end: DelugeValue = None
) -> DelugeValue:
    return _range("subText", s, start, end)


@method("mid", S, min_args=1, max_args=2, group=G)
def mid(ctx: Context, s: DelugeValue, start: DelugeValue, end: DelugeValue = None) -> DelugeValue:
    return _range("mid", s, start, end)


@method("left", S, min_args=1, group=G)
def left(ctx: Context, s: DelugeValue, count: DelugeValue) -> DelugeValue:
    n = args.long("left", 1, count)
    if n < 0:
        raise DelugeRuntimeError("Argument 1 of 'left' must not be negative")
    return s[:n]


@method("right", S, min_args=1, group=G)
def right(ctx: Context, s: DelugeValue, count: DelugeValue) -> DelugeValue:
    n = args.long("right", 1, count)
    if n < 0:
        raise DelugeRuntimeError("Argument 1 of 'right' must not be negative")
    return s[len(s) - n :] if n else ""


# --- regular expressions (Java syntax; deluge/runtime/patterns.py bounds them in time) ------


def java_replacement(replacement: str) -> str:
    r"""Turn a Java replacement (``$1``, ``\$``) into a Python one (``\g<1>``, ``$``)."""
    out = []
    i = 0
    while i < len(replacement):
        ch = replacement[i]
        if ch == "\\" and i + 1 < len(replacement):
            nxt = replacement[i + 1]
            out.append("\\\\" if nxt == "\\" else nxt)
            i += 2
            continue
        if ch == "$":
            m = re.match(r"\$(\d+|\{\w+\})", replacement[i:])
            if m:
                out.append(f"\\g<{m.group(1).strip('{}')}>")
                i += len(m.group(0))
                continue
        out.append("\\\\" if ch == "\\" else ch)
        i += 1
    return "".join(out)


# Characters that make a pattern (or a Java replacement: $ and \\) more than literal text.
_METACHARACTERS = frozenset("\\^$.|?*+()[]{}")


def _replace(
    ctx: Context,
    name: str,
    s: DelugeValue,
    search: DelugeValue,
    replacement: DelugeValue,
    literal: DelugeValue,
    count: DelugeValue,
    flags: DelugeValue,
) -> DelugeValue:
    find = _sub(name, search)
    repl = _sub(name, replacement)
    if literal is not None and args.boolean(name, 3, literal):
        pattern = re.compile(re.escape(find), flags)
        result = pattern.sub(lambda _m: repl, s, count=count)
    elif not flags and _METACHARACTERS.isdisjoint(find) and _METACHARACTERS.isdisjoint(repl):
        # A pattern without metacharacters means itself ("," or " "): a plain replacement
        # gives the same text many times faster than a time-bounded match on long texts.
        result = s.replace(find, repl, count or -1)
    else:
        pattern = compile_java(name, find, flags)
        try:
            result = run_pattern(ctx, name, pattern.sub, java_replacement(repl), s, count=count)
        except (regex.error, IndexError) as exc:
            raise DelugeRuntimeError(f"Invalid replacement in '{name}': {exc}") from exc
    return check_text(ctx, result)


@method("replaceAll", S, min_args=2, max_args=3, group=G)
def replace_all(
    ctx: Context,
    s: DelugeValue,
    search: DelugeValue,
    replacement: DelugeValue,
    literal: DelugeValue = None,
) -> DelugeValue:
    return _replace(ctx, "replaceAll", s, search, replacement, literal, 0, 0)


@method("replaceFirst", S, min_args=2, max_args=3, group=G)
def replace_first(
    ctx: Context,
    s: DelugeValue,
    search: DelugeValue,
    replacement: DelugeValue,
    literal: DelugeValue = None,
) -> DelugeValue:
    return _replace(ctx, "replaceFirst", s, search, replacement, literal, 1, 0)


@method("replaceAllIgnoreCase", S, min_args=2, max_args=3, group=G)
def replace_all_ignore_case(
    ctx: Context,
    s: DelugeValue,
    search: DelugeValue,
    replacement: DelugeValue,
    literal: DelugeValue = None,
) -> DelugeValue:
    return _replace(ctx, "replaceAllIgnoreCase", s, search, replacement, literal, 0, regex.I)


@method("replaceFirstIgnoreCase", S, min_args=2, max_args=3, group=G)
def replace_first_ignore_case(
    ctx: Context,
    s: DelugeValue,
    search: DelugeValue,
    replacement: DelugeValue,
    literal: DelugeValue = None,
) -> DelugeValue:
    return _replace(ctx, "replaceFirstIgnoreCase", s, search, replacement, literal, 1, regex.I)


@method("matches", S, min_args=1, group=G)
def matches(ctx: Context, s: DelugeValue, pattern: DelugeValue) -> DelugeValue:
    compiled = compile_java("matches", args.text("matches", 1, pattern))
    return run_pattern(ctx, "matches", compiled.fullmatch, s) is not None


@method("remove", S, min_args=1, group=G)
def remove(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    find = _sub("remove", sub)
    return s.replace(find, "") if find else s


@method("removeFirstOccurence", S, min_args=1, group=G)
def remove_first(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    find = _sub("removeFirstOccurence", sub)
    return s.replace(find, "", 1) if find else s


@method("removeLastOccurence", S, min_args=1, group=G)
def remove_last(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    find = _sub("removeLastOccurence", sub)
    at = s.rfind(find) if find else -1
    return s if at < 0 else s[:at] + s[at + len(find) :]


def _split_at(s: str, sub: str, ignore_case: bool) -> int:
    return s.lower().find(sub.lower()) if ignore_case else s.find(sub)


@method("getPrefix", S, min_args=1, group=G)
def get_prefix(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    find = _sub("getPrefix", sub)
    at = _split_at(s, find, False)
    return None if at < 0 else s[:at]


@method("getPrefixIgnoreCase", S, min_args=1, group=G)
def get_prefix_ignore_case(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    find = _sub("getPrefixIgnoreCase", sub)
    at = _split_at(s, find, True)
    return None if at < 0 else s[:at]


@method("getSuffix", S, min_args=1, group=G)
def get_suffix(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    find = _sub("getSuffix", sub)
    at = _split_at(s, find, False)
    return None if at < 0 else s[at + len(find) :]


@method("getSuffixIgnoreCase", S, min_args=1, group=G)
def get_suffix_ignore_case(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    find = _sub("getSuffixIgnoreCase", sub)
    at = _split_at(s, find, True)
    return None if at < 0 else s[at + len(find) :]


@method("getOccurenceCount", S, min_args=1, group=G)
def occurrence_count(ctx: Context, s: DelugeValue, sub: DelugeValue) -> DelugeValue:
    find = _sub("getOccurenceCount", sub)
    return s.count(find) if find else 0


@method("equalsIgnoreCase", S, min_args=1, group=G)
def equals_ignore_case(ctx: Context, s: DelugeValue, other: DelugeValue) -> DelugeValue:
    return type(other) is str and s.lower() == other.lower()


@method("reverse", S, "list", group=G)
def reverse(ctx: Context, value: DelugeValue) -> DelugeValue:
    # A List is reversed as its text form: {1, 2, 13}.reverse() is "31,2,1" (documented).
    return to_text(value)[::-1]


@method("repeat", S, min_args=1, group=G)
def repeat(ctx: Context, s: DelugeValue, times: DelugeValue) -> DelugeValue:
    n = args.long("repeat", 1, times)
    if n < 0:
        raise DelugeRuntimeError("Argument 1 of 'repeat' must not be negative")
    if len(s) * n > ctx.limits.max_string_length:
        check_text(ctx, s * (ctx.limits.max_string_length // max(len(s), 1) + 1))
    return s * n


def _pad_width(ctx: Context, name: str, width: object) -> int:
    n = args.long(name, 1, width)
    if n > ctx.limits.max_string_length:
        check_text(ctx, " " * (ctx.limits.max_string_length + 1))
    return n


@method("leftpad", S, min_args=1, group=G)
def leftpad(ctx: Context, s: DelugeValue, width: DelugeValue) -> DelugeValue:
    return s.rjust(_pad_width(ctx, "leftpad", width))


@method("rightpad", S, min_args=1, group=G)
def rightpad(ctx: Context, s: DelugeValue, width: DelugeValue) -> DelugeValue:
    return s.ljust(_pad_width(ctx, "rightpad", width))


@method("concat", S, min_args=1, group=G)
def concat(ctx: Context, s: DelugeValue, other: DelugeValue) -> DelugeValue:
    return check_text(ctx, s + to_text(other))


@method("getAlpha", S, group=G)
def get_alpha(ctx: Context, s: DelugeValue) -> DelugeValue:
    return "".join(ch for ch in s if ch.isalpha())


@method("getAlphaNumeric", S, group=G)
def get_alphanumeric(ctx: Context, s: DelugeValue) -> DelugeValue:
    return "".join(ch for ch in s if ch.isalnum())


@method("removeAllAlphaNumeric", S, group=G)
def remove_alphanumeric(ctx: Context, s: DelugeValue) -> DelugeValue:
    return "".join(ch for ch in s if not ch.isalnum())


@method("isAscii", S, group=G)
def is_ascii(ctx: Context, s: DelugeValue) -> DelugeValue:
    return s.isascii()
