"""Public entry points: compile a script once, run it many times.

    script = compile_script(source)          # DelugeSyntaxError if it does not parse
    result = script.run({"id": 42}, host=my_host, limits=Limits(max_statements=10_000))
    result.ok, result.return_value, result.info_lines, result.error

``run`` never raises a DelugeError: a failed run comes back with ``result.error`` set and
the info lines printed until then. ``run(..., raise_errors=True)`` raises it instead.
"""

from __future__ import annotations

import functools
import time
import weakref
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from . import ast, support
from . import runtime as _runtime  # noqa: F401  (fills the built-in tables)
from .compiler import ProgramCompiler, unique_filename
from .errors import DelugeError, DelugeRuntimeError, DelugeSyntaxError
from .host import Host, StandaloneHost
from .lexer import source_line
from .limits import DEFAULT_LIMITS, Limits
from .parser import parse as _parse
from .runtime import operators as ops
from .support import CompiledFunction

_LIVE: weakref.WeakValueDictionary[str, Script] = weakref.WeakValueDictionary()


@dataclass
class RunResult:
    return_value: Any
    info_lines: list[str]
    statements: int
    duration: float  # seconds
    error: DelugeError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "return": self.return_value,
            "info": list(self.info_lines),
            "statements": self.statements,
            "duration": self.duration,
            "error": None if self.error is None else self.error.to_dict(),
        }


@dataclass(frozen=True)
class ParamInfo:
    name: str
    type: str  # as written in the header: "int", "string", "map"...


@dataclass(eq=False)
class Script:
    source: str
    program: ast.Program
    python_source: str
    positions: list[tuple[int, int, str]]
    filename: str
    functions: list[CompiledFunction] = field(default_factory=list)

    # ---------------------------------------------------------------- header facts
    @property
    def name(self) -> str | None:
        return self.program.main.name

    @property
    def namespace(self) -> str | None:
        return self.program.main.namespace

    @property
    def return_type(self) -> str | None:
        return self.program.main.return_type

    @property
    def params(self) -> list[ParamInfo]:
        return [ParamInfo(p.name, p.type) for p in self.program.main.params]

    # ------------------------------------------------------------------------ run
    def run(
        self,
        args: dict[str, Any] | None = None,
        host: Host | None = None,
        limits: Limits | None = None,
        functions: dict[str, Script] | None = None,
        raise_errors: bool = False,
    ) -> RunResult:
        """Run the first function with ``args`` (parameter name -> value, any case).

        ``functions`` maps ``name`` or ``namespace.name`` to other compiled Scripts that
        ``standalone.name(...)``/``thisapp.name(...)`` calls reach; anything else goes to
        ``host.call_function``.
        """
        host = host if host is not None else StandaloneHost()
        ctx = support.Context(
            limits or DEFAULT_LIMITS,
            host,
            {k.lower(): v for k, v in (functions or {}).items()},
        )
        given = {str(k).lower(): v for k, v in (args or {}).items()}
        for p in self.program.main.params:
            low = p.name.lower()
            given[low] = coerce_arg(p.type, given.get(low))
        started = time.perf_counter()
        error: DelugeError | None = None
        value = None
        try:
            value = self.functions[0](ctx, given)
        except Exception as exc:  # every failure becomes a positioned DelugeError
            error = to_deluge_error(exc)
        result = RunResult(value, ctx.info_lines, ctx.n, time.perf_counter() - started, error)
        if error is not None and raise_errors:
            raise error
        return result

    def call_in(self, ctx: support.Context, args: list[Any]) -> Any:
        """Run as a callee of another script, sharing its counters and limits."""
        fn = self.functions[0]
        if len(args) != len(fn.params):
            raise DelugeRuntimeError(f"{fn.label} expects {len(fn.params)} argument(s)")
        return fn(ctx, dict(zip(fn.params, args, strict=True)))


def coerce_arg(ptype: str, value: Any) -> Any:
    """Console forms send text; a typed header parameter gets its Deluge type."""
    if not isinstance(value, str):
        return value
    t = ptype.lower()
    try:
        if t in ("int", "long", "number", "bigint"):
            return int(value.strip())
        if t in ("decimal", "float", "double"):
            return float(value.strip())
        if t in ("bool", "boolean"):
            return {"true": True, "false": False}.get(value.strip().lower(), value)
        if t in ("date", "datetime", "date-time"):
            from .runtime.values import parse_datetime_literal

            return parse_datetime_literal(value)
    except (ValueError, DelugeError):
        return value
    return value


def locate(err: DelugeError, tb: TracebackType | None, add_label: bool = False) -> DelugeError:
    """Give ``err`` the Deluge position of the innermost compiled-script frame in ``tb``."""
    found = None
    while tb is not None:
        script = _LIVE.get(tb.tb_frame.f_code.co_filename)
        if script is not None:
            found = (script, tb.tb_lineno)
        tb = tb.tb_next
    if found is not None and err.line is None:
        script, lineno = found
        if 1 <= lineno <= len(script.positions):
            line, col, label = script.positions[lineno - 1]
            if add_label and label and not err.message.startswith(label):
                err.message = f"{label}: {err.message}"
                err.args = (err.message,)
            err.at(line, col, source_line(script.source, line))
    return err


def to_deluge_error(exc: BaseException) -> DelugeError:
    converted = support.as_runtime_error(exc)
    return locate(converted, exc.__traceback__, add_label=converted is not exc)


def _caught_locate(err: DelugeError, tb: TracebackType | None) -> None:
    locate(err, tb, add_label=False)


_HELPERS = {
    "Exception": Exception,
    "_int": int,
    "_type": type,
    "_str": str,
    "_dict": dict,
    "_list": list,
    "_length": len,
    "_chk": ops.check_long,
    "_U": support.UNDEFINED,
    "_undefined": support.undefined,
    "_tick": support.tick,
    "_fail": support.fail,
    "_creator": support.creator,
    "_info": support.info,
    "_iter": support.iterate,
    "_indexes": support.indexes,
    "_member": support.member,
    "_set_member": support.set_member,
    "_index": support.index,
    "_set_index": support.set_index,
    "_newlist": support.new_list,
    "_newmap": support.new_map,
    "_newcoll": support.new_collection,
    "_zvar": support.zoho_variable,
    "_integ": support.integration,
    "_ucall": support.user_call,
    "_xcall": support.external_call,
    "_legacy_url": support.legacy_url,
    "_task": support.task,
    "_caught": support.caught,
    "_locate": _caught_locate,
    "_add": ops.add,
    "_addn": ops.add_many,
    "_sub": ops.sub,
    "_mul": ops.mul,
    "_div": ops.div,
    "_mod": ops.mod,
    "_neg": ops.neg,
    "_eq": ops.eq,
    "_ne": ops.ne,
    "_lt": ops.lt,
    "_le": ops.le,
    "_gt": ops.gt,
    "_ge": ops.ge,
    "_truth": ops.truth,
}


def parse(source: str) -> ast.Program:
    """Parse only (DelugeSyntaxError on failure)."""
    return _parse(source)


@functools.lru_cache(maxsize=256)
def compile_script(source: str) -> Script:
    """Parse and compile; cached by source text. Raises DelugeSyntaxError."""
    program = _parse(source)
    for fast in (True, False):
        try:
            compiler = ProgramCompiler(program, source, fast=fast)
            python_source, positions = compiler.compile()
            filename = unique_filename()
            code = compile(python_source, filename, "exec")
            break
        except DelugeSyntaxError:
            raise
        except (RecursionError, SyntaxError, MemoryError, ValueError, OverflowError):
            continue  # nested too deeply for CPython: once more without the fast paths
    else:
        raise DelugeSyntaxError(
            "the script is too deeply nested to compile", 1, 1, source_line(source, 1)
        ) from None
    code_globals = compiler.globals
    namespace = {"__builtins__": {}, **_HELPERS, **code_globals}
    exec(code, namespace)  # noqa: S102 - runs our generated code: defines the functions only
    functions = [namespace[f"_f{i}"] for i in range(len(program.functions))]
    namespace["_F"] = functions
    script = Script(source, program, python_source, positions, filename, functions)
    _LIVE[filename] = script
    return script


def check(source: str) -> list[DelugeSyntaxError]:
    """The syntax errors of a script (empty when it compiles)."""
    try:
        compile_script(source)
    except DelugeSyntaxError as err:
        return [err]
    return []


def run(source: str, args: dict[str, Any] | None = None, **kwargs: Any) -> RunResult:
    """Compile (cached) and run in one go; a syntax error comes back in ``result.error``."""
    try:
        script = compile_script(source)
    except DelugeSyntaxError as err:
        if kwargs.get("raise_errors"):
            raise
        return RunResult(None, [], 0, 0.0, err)
    return script.run(args, **kwargs)


__all__ = [
    "ParamInfo",
    "RunResult",
    "Script",
    "check",
    "compile_script",
    "parse",
    "run",
]
