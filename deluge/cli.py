"""Command line: ``python -m deluge check|run|bench``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from .engine import compile_script
from .errors import DelugeError, DelugeSyntaxError
from .host import StandaloneHost
from .runtime.values import to_json


def _read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8-sig")


def cmd_check(files: list[str], out: TextIO) -> int:
    ok = failed = 0
    for name in files:
        try:
            compile_script(_read(name))
            ok += 1
        except DelugeSyntaxError as err:
            failed += 1
            print(f"{name}:{err.line}:{err.column}: {err.message}", file=out)
        except OSError as err:
            failed += 1
            print(f"{name}:0:0: cannot read file ({err.strerror})", file=out)
    print(f"{ok} parsed, {failed} failed", file=out)
    return 1 if failed else 0


def _parse_args(pairs: list[str]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep:
            raise SystemExit(f"--arg needs name=JSON, got {pair!r}")
        try:
            args[name] = json.loads(raw)
        except json.JSONDecodeError:
            args[name] = raw  # plain text is accepted as a String
    return args


def cmd_run(path: str, pairs: list[str], fixtures: str | None, out: TextIO, err: TextIO) -> int:
    http = json.loads(_read(fixtures)) if fixtures else {}
    host = StandaloneHost(http_fixtures=http)
    try:
        script = compile_script(_read(path))
    except DelugeSyntaxError as exc:
        print(f"{path}:{exc.line}:{exc.column}: {exc.message}", file=err)
        print(exc.caret(), file=err)
        return 1
    result = script.run(_parse_args(pairs), host=host)
    for line in result.info_lines:
        print(line, file=out)
    if result.error is not None:
        e: DelugeError = result.error
        print(f"{path}:{e.line}:{e.column}: {e}", file=err)
        if e.caret():
            print(e.caret(), file=err)
        return 1
    print(to_json(result.return_value) if result.return_value is not None else "null", file=out)
    return 0


def main(
    argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = argparse.ArgumentParser(prog="python -m deluge", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_check = sub.add_parser("check", help="parse scripts and report syntax errors")
    p_check.add_argument("files", nargs="+")
    p_run = sub.add_parser("run", help="run a script with the standalone host")
    p_run.add_argument("file")
    p_run.add_argument("--arg", action="append", default=[], metavar="NAME=JSON")
    p_run.add_argument("--http-fixtures", metavar="FILE")
    p_bench = sub.add_parser("bench", help="engine against hand-written Python")
    p_bench.add_argument("--quick", action="store_true", help="fewer repetitions")
    p_bench.add_argument("--regex", action="store_true", help="regular-expression engines")
    ns = parser.parse_args(argv)
    if ns.command == "check":
        return cmd_check(ns.files, out)
    if ns.command == "run":
        return cmd_run(ns.file, ns.arg, ns.http_fixtures, out, err)
    if ns.regex:
        from .bench.regex import main as regex_main

        return regex_main(quick=ns.quick, out=out)
    from .bench.engine import main as bench_main

    return bench_main(quick=ns.quick, out=out)
