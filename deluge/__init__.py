"""Deluge scripting-language engine: parse, compile to Python, run under limits."""

from .engine import ParamInfo, RunResult, Script, check, compile_script, parse, run
from .errors import DelugeError, DelugeLimitError, DelugeRuntimeError, DelugeSyntaxError
from .host import Host, HttpResponse, InvokeRequest, StandaloneHost, shape_response
from .limits import DEFAULT_LIMITS, Limits

__all__ = [
    "DEFAULT_LIMITS",
    "DelugeError",
    "DelugeLimitError",
    "DelugeRuntimeError",
    "DelugeSyntaxError",
    "Host",
    "HttpResponse",
    "InvokeRequest",
    "Limits",
    "ParamInfo",
    "RunResult",
    "Script",
    "StandaloneHost",
    "check",
    "compile_script",
    "parse",
    "run",
    "shape_response",
]
