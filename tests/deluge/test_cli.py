import io
import json
import subprocess
import sys

from deluge.cli import main


def call(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_check_reports_failures_and_counts(tmp_path):
    good = tmp_path / "good.dg"
    good.write_text("x = 1;")
    bad = tmp_path / "bad.dg"
    bad.write_text("x = 1;\ny = (2;")
    code, out, _ = call(["check", str(good), str(bad)])
    assert code == 1
    assert f"{bad}:2:7:" in out
    assert out.strip().endswith("1 parsed, 1 failed")


def test_check_all_good_exits_zero(tmp_path):
    f = tmp_path / "a.dg"
    f.write_text("info 1;")
    assert call(["check", str(f)])[0] == 0


def test_run_prints_info_then_return_json(tmp_path):
    f = tmp_path / "a.dg"
    f.write_text('info "hi " + name;\nreturn {"n": n};')
    code, out, _ = call(["run", str(f), "--arg", 'name="Ann"', "--arg", "n=3"])
    assert code == 0
    assert out.splitlines() == ["hi Ann", '{"n":3}']


def test_run_with_http_fixtures(tmp_path):
    f = tmp_path / "a.dg"
    f.write_text('r = invokeurl [ url: "https://x.test" type: GET ];\nreturn r.get("v");')
    fx = tmp_path / "fx.json"
    fx.write_text(json.dumps({"GET https://x.test": {"v": 7}}))
    code, out, _ = call(["run", str(f), "--http-fixtures", str(fx)])
    assert code == 0 and out.strip() == "7"


def test_run_reports_runtime_error_with_position(tmp_path):
    f = tmp_path / "a.dg"
    f.write_text("x = 1;\ny = x / 0;")
    code, _, err = call(["run", str(f)])
    assert code == 1 and f"{f}:2:7:" in err


def test_module_entry_point_runs(tmp_path):
    f = tmp_path / "a.dg"
    f.write_text("return 1 + 1;")
    proc = subprocess.run(
        [sys.executable, "-m", "deluge", "run", str(f)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "2"


def test_bench_regex_reports_each_engine_and_the_bounded_runaway():
    import io

    from deluge.cli import main

    out = io.StringIO()
    assert main(["bench", "--regex", "--quick"], out=out) == 0
    text = out.getvalue()
    assert "re (old)" in text and "regex + timeout" in text
    assert "runaway (a|aa)+$ on regex: stopped by timeout" in text
