"""Runs every tests/deluge/scripts/NAME.dg and compares with NAME.expected.json.

Optional NAME.args.json holds the arguments. All scripts share _fixtures.json (HTTP answers
and CRM records) and a fixed clock. Set DELUGE_BLESS=1 to (re)write expected files.
"""

import copy
import datetime as dt
import json
import os
from pathlib import Path

import pytest

import deluge
from deluge.runtime.values import to_json

HERE = Path(__file__).parent / "scripts"
SCRIPTS = sorted(p for p in HERE.glob("*.dg"))
FIXTURES = json.loads((HERE / "_fixtures.json").read_text())
NOW = dt.datetime(2026, 11, 21, 10, 30, 0)


def outcome(path: Path) -> dict:
    args_file = path.with_suffix(".args.json")
    args = json.loads(args_file.read_text()) if args_file.exists() else {}
    host = deluge.StandaloneHost(
        http_fixtures=FIXTURES["http"],
        records=copy.deepcopy(FIXTURES["records"]),
        now=NOW,
    )
    try:
        script = deluge.compile_script(path.read_text())
    except deluge.DelugeSyntaxError as err:
        return {"error": {"type": type(err).__name__, "line": err.line, "column": err.column}}
    result = script.run(args, host=host)
    if result.error is not None:
        err = result.error
        return {
            "info": result.info_lines,
            "error": {"type": type(err).__name__, "line": err.line, "column": err.column},
        }
    return {"info": result.info_lines, "return": json.loads(to_json(result.return_value))}


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script_gives_expected_output(path):
    expected_file = path.with_name(path.stem + ".expected.json")
    got = outcome(path)
    if os.environ.get("DELUGE_BLESS"):
        expected_file.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
    expected = json.loads(expected_file.read_text())
    if "error" in expected:
        assert got.get("error") == expected["error"]
        assert got.get("info", []) == expected.get("info", [])
    else:
        assert got == expected


def test_there_are_at_least_sixty_scripts():
    assert len(SCRIPTS) >= 60
