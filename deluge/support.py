"""Helpers the generated Python code calls (statement limits, calls, tasks, Creator stubs).

Only these names, the operators and the built-in tables are visible to compiled scripts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from .errors import DelugeError, DelugeLimitError, DelugeRuntimeError
from .host import Host, InvokeRequest, normalise_method
from .limits import Limits
from .runtime.operators import to_text
from .runtime.values import (
    Collection,
    DelugeList,
    DelugeValue,
    check_size,
    check_text,
    deluge_type_name,
)

if TYPE_CHECKING:
    from .engine import Script

UNDEFINED = type("Undefined", (), {"__repr__": lambda self: "<undefined>"})()
CHECK_EVERY = 256  # statements between two wall-clock checks
SMALL_INT = (1 << 30) - 1


class Context:
    """The state of one run, passed to compiled code and to built-ins as ``ctx``."""

    __slots__ = (
        "deadline",
        "depth",
        "down_min",
        "functions",
        "host",
        "info_lines",
        "info_room",
        "int_max",
        "int_min",
        "limits",
        "max_collection",
        "max_string",
        "n",
        "now",
        "small_max",
        "small_min",
        "started",
        "timezone",
        "up_max",
    )

    def __init__(
        self, limits: Limits, host: Host, functions: dict[str, Script] | None = None
    ) -> None:
        self.limits = limits
        self.host = host
        self.functions = functions or {}
        self.n = 0
        self.depth = 0
        self.info_lines: list[str] = []
        self.info_room = limits.max_info_chars  # characters of info output left
        bits = limits.max_int_bits - 1
        self.int_min = -(1 << bits)
        self.int_max = (1 << bits) - 1
        # the range the compiled code's fast paths accept without calling check_long:
        # one CPython digit, compared without allocating
        self.small_min = max(self.int_min, -SMALL_INT)
        self.small_max = min(self.int_max, SMALL_INT)
        # Long + small positive literal can only leave the range upwards (Long - literal,
        # downwards) when every Long fits: true from 32 bits up; below, these bounds make
        # the one-sided test always fail, so check_long decides
        wide = limits.max_int_bits >= 32
        self.up_max = self.small_max if wide else -(1 << 64)
        self.down_min = self.small_min if wide else 1 << 64
        self.max_string = limits.max_string_length
        self.max_collection = limits.max_collection_size
        self.started = time.monotonic()
        self.deadline = self.started + limits.max_seconds
        self.timezone = getattr(host, "timezone", "UTC")
        self.now = host.now()


class CompiledFunction(Protocol):
    """A Deluge function compiled to Python: ``fn(ctx, {lower-case param name: value})``."""

    params: list[str]  # lower-case parameter names, in order
    label: str  # ``namespace.name`` for messages

    def __call__(self, ctx: Context, args: dict[str, DelugeValue], /) -> DelugeValue: ...


def tick(ctx: Context, n: int) -> int:
    """Slow path of statement counting: enforce the limits, return the next checkpoint."""
    limit = ctx.limits.max_statements
    if n > limit:
        ctx.n = n
        raise DelugeLimitError(
            "max_statements", f"more than {limit} statements executed (max_statements)"
        )
    if time.monotonic() > ctx.deadline:
        ctx.n = n
        raise DelugeLimitError(
            "max_seconds", f"the script ran longer than {ctx.limits.max_seconds:g} s (max_seconds)"
        )
    return min(limit, n + CHECK_EVERY)


def undefined(name: str) -> NoReturn:
    raise DelugeRuntimeError(f"variable '{name}' is not defined")


def fail(message: str) -> NoReturn:
    raise DelugeRuntimeError(message)


def creator(what: str) -> NoReturn:
    raise DelugeRuntimeError(f"{what} is Zoho Creator syntax and is not available in this console")


def info(ctx: Context, value: DelugeValue) -> None:
    """One ``info`` line. Output past ``max_info_chars`` is dropped, the run goes on, and
    one marker line says where it was cut; the lines before it are kept whole."""
    if ctx.info_room <= 0:
        return
    text = to_text(value)
    if len(text) > ctx.info_room:
        text = text[: ctx.info_room]
        ctx.info_room = 0
        ctx.info_lines.append(text)
        ctx.host.info(text)
        marker = truncated_marker(ctx.limits.max_info_chars)
        ctx.info_lines.append(marker)
        ctx.host.info(marker)
        return
    ctx.info_room -= len(text)
    ctx.info_lines.append(text)
    ctx.host.info(text)


def truncated_marker(limit: int) -> str:
    return f"… output truncated at {limit:,} characters (max_info_chars)"


def iterate(value: DelugeValue) -> DelugeList:
    t = type(value)
    if t is list:
        return value  # type: ignore[no-any-return]
    if t is dict:
        return list(value)
    if t is Collection:
        return list(value.items)
    if value is None:
        raise DelugeRuntimeError("cannot loop over null")
    raise DelugeRuntimeError(f"cannot loop over a {deluge_type_name(value)}")


def indexes(value: DelugeValue) -> range:
    return range(len(iterate(value)))


def member(obj: DelugeValue, name: str) -> DelugeValue:
    if type(obj) is dict:
        return obj.get(name)
    if obj is None:
        raise DelugeRuntimeError(f"cannot read '.{name}' of null")
    raise DelugeRuntimeError(
        f"'.{name}' reads a Creator record field and is not available in this console"
    )


def set_member(obj: DelugeValue, name: str, value: DelugeValue) -> None:
    if type(obj) is dict:
        obj[name] = value
        return
    raise DelugeRuntimeError(
        f"setting '.{name}' updates a Creator record and is not available in this console"
    )


def index(obj: DelugeValue, key: DelugeValue) -> DelugeValue:
    t = type(obj)
    if t is list:
        if type(key) is not int:
            raise DelugeRuntimeError("a List index must be a number")
        if not 0 <= key < len(obj):
            raise DelugeRuntimeError(f"index {key} is out of range for a list of {len(obj)}")
        return obj[key]
    if t is dict:
        return obj.get(key)
    raise DelugeRuntimeError(f"cannot index a {deluge_type_name(obj)} with [...]")


def set_index(obj: DelugeValue, key: DelugeValue, value: DelugeValue) -> None:
    t = type(obj)
    if (t is list and type(key) is int and 0 <= key < len(obj)) or t is dict:
        obj[key] = value
    else:
        raise DelugeRuntimeError(f"cannot assign to [{to_text(key)}] of a {deluge_type_name(obj)}")


def new_list(ctx: Context, *args: DelugeValue) -> DelugeValue:
    if not args:
        return []
    if len(args) == 1:
        v = args[0]
        if type(v) is list:
            return list(v)
        if type(v) is Collection:
            return list(v.items)
        if v is None:
            return []
    items = list(args)
    check_size(ctx, len(items))
    return items


def new_map(ctx: Context, *args: DelugeValue) -> DelugeValue:
    if not args:
        return {}
    if len(args) == 1 and type(args[0]) is dict:
        return dict(args[0])
    raise DelugeRuntimeError('Map() takes no values; use {"key": value}')


def new_collection(ctx: Context, *args: DelugeValue) -> DelugeValue:
    if not args:
        return Collection()
    items = args[0] if len(args) == 1 else list(args)
    if type(items) is dict:
        return Collection(dict(items))
    if type(items) is list:
        return Collection(list(items))
    return Collection(list(args))


_ZOHO_VARIABLES = {
    "currentdate": lambda ctx: ctx.now.date(),
    "currenttime": lambda ctx: ctx.now.replace(microsecond=0),
    "today": lambda ctx: ctx.now.date(),
    "now": lambda ctx: ctx.now.replace(microsecond=0),
    "loginuserid": lambda ctx: ctx.host.login_user_id(),
    "loginuser": lambda ctx: ctx.host.login_user(),
    "adminuserid": lambda ctx: ctx.host.admin_user_id(),
    "adminuser": lambda ctx: ctx.host.admin_user_id(),
}


def zoho_variable(ctx: Context, name: str) -> DelugeValue:
    getter = _ZOHO_VARIABLES.get(name.lower())
    if getter is not None:
        return getter(ctx)
    return ctx.host.variable(name)


def integration(ctx: Context, app: str, task: str, args: list[DelugeValue]) -> DelugeValue:
    return ctx.host.integration(app, task, args)


def _enter(ctx: Context, n: int) -> None:
    ctx.depth += 1
    if ctx.depth > ctx.limits.max_depth:
        ctx.depth -= 1
        raise DelugeLimitError(
            "max_depth", f"more than {ctx.limits.max_depth} nested function calls (max_depth)"
        )
    if n > ctx.n:
        ctx.n = n


def user_call(ctx: Context, n: int, fn: CompiledFunction, args: list[DelugeValue]) -> DelugeValue:
    """Call a function of the same script (``fn`` has ``.params`` and ``.label``)."""
    params = fn.params
    if len(args) != len(params):
        raise DelugeRuntimeError(f"{fn.label} expects {len(params)} argument(s), got {len(args)}")
    _enter(ctx, n)
    try:
        return fn(ctx, dict(zip(params, args, strict=True)))
    finally:
        ctx.depth -= 1


def external_call(
    ctx: Context, n: int, namespace: str, name: str, args: list[DelugeValue]
) -> DelugeValue:
    """``standalone.f(x)`` / ``thisapp.f(x)``: a Script the caller supplied, else the host."""
    script = ctx.functions.get(name.lower()) or ctx.functions.get(f"{namespace}.{name}".lower())
    _enter(ctx, n)
    try:
        if script is None:
            return ctx.host.call_function(namespace, name, args)
        return script.call_in(ctx, args)
    finally:
        ctx.depth -= 1


def legacy_url(ctx: Context, method: str, args: list[DelugeValue]) -> DelugeValue:
    """``getUrl(url)``/``postUrl(url, map)``: the body as text; a last argument ``false``
    asks for the detailed Map (responseCode, responseText, responseHeader)."""
    if not args:
        raise DelugeRuntimeError(f"{method.lower()}Url needs a URL")
    detailed = len(args) > 1 and args[-1] is False
    params: dict[str, Any] = {"url": args[0], "type": method, "detailed": detailed}
    if method == "POST" and len(args) > 1 and type(args[1]) is dict:
        params["parameters"] = args[1]
    result = task(ctx, "invokeurl", params)
    if detailed or type(result) is str:
        return result
    return to_text(result)


def task(ctx: Context, name: str, params: dict[str, DelugeValue]) -> DelugeValue:
    if name == "invokeurl":
        if "url" not in params:
            raise DelugeRuntimeError("invokeurl needs a url")
        headers = params.get("headers")
        if headers is not None and type(headers) is not dict:
            raise DelugeRuntimeError("invokeurl headers must be a Map")
        detailed = params.get("detailed", False)
        request = InvokeRequest(
            url=to_text(params["url"]),
            method=normalise_method(params.get("type")),
            headers=dict(headers or {}),
            parameters=params.get("parameters"),
            body=params.get("body"),
            content_type=_opt_text(params.get("content-type", params.get("content type"))),
            connection=_opt_text(params.get("connection")),
            detailed=detailed is True,
            response_format=_opt_text(params.get("response-format")),
            response_decoding=_opt_text(params.get("response-decoding")),
            files=params.get("files"),
            raw=dict(params),
            timeout=ctx.limits.http_timeout,
            max_response_bytes=ctx.limits.max_response_bytes,
        )
        result = ctx.host.invoke_url(request)
        if type(result) is str:
            check_text(ctx, result)
        return result
    if name == "sendmail":
        return ctx.host.send_mail(dict(params))
    raise DelugeRuntimeError(f"the {name} task is not available in this console")


def _opt_text(v: DelugeValue) -> str | None:
    return None if v is None else to_text(v)


def caught(
    ctx: Context,
    exc: BaseException,
    locate: Callable[[DelugeError, TracebackType | None], object],
) -> str:
    """Turn an exception caught by a script's ``catch`` into the error text it sees."""
    if isinstance(exc, DelugeLimitError):
        raise exc
    err = exc if isinstance(exc, DelugeError) else as_runtime_error(exc)
    locate(err, exc.__traceback__)
    if err.line is not None:
        return f"{err.message} at line {err.line}"
    return err.message


def as_runtime_error(exc: BaseException) -> DelugeError:
    if isinstance(exc, DelugeError):
        return exc
    if isinstance(exc, RecursionError):
        return DelugeLimitError("max_depth", "calls nest too deeply for this console")
    if isinstance(exc, MemoryError):
        return DelugeLimitError("max_collection_size", "the script ran out of memory")
    text = str(exc) or type(exc).__name__
    return DelugeRuntimeError(text)
