import datetime as dt

import pytest

import deluge
from deluge import DelugeRuntimeError, Limits, StandaloneHost, compile_script, run


def value(src, **args):
    result = run(src, args)
    assert result.error is None, result.error
    return result.return_value


def test_returns_value_and_collects_info_lines():
    result = run('info "a"; info 1 + 1; return "done";')
    assert result.ok and result.info_lines == ["a", "2"] and result.return_value == "done"
    assert result.statements == 3


def test_long_division_truncates_and_decimal_division_does_not():
    assert value("return 7 / 2;") == 3
    assert value("return -7 / 2;") == -3
    assert value("return 7 / 2.0;") == 3.5


def test_modulo_keeps_sign_of_dividend():
    assert value("return -7 % 3;") == -1


def test_string_joining_with_numbers_and_null():
    assert value('return "a" + 1 + null + 2.5;') == "a12.5"


def test_equality_between_long_and_decimal_and_not_boolean():
    assert value("return 1 == 1.0;") is True
    assert value("return true == 1;") is False


def test_headerless_script_reads_arguments_as_variables():
    assert value("return x + 1;", x=41) == 42


def test_header_params_are_exposed_and_coerced_from_text():
    script = compile_script("int standalone.f(int n, string s) { return n * 2; }")
    assert [(p.name, p.type) for p in script.params] == [("n", "int"), ("s", "string")]
    assert script.run({"N": "21"}).return_value == 42


def test_compiled_scripts_are_cached_by_source():
    source = "cached_once = 1;"
    first = compile_script(source)
    hits = compile_script.cache_info().hits
    again = compile_script(source)
    assert compile_script.cache_info().hits == hits + 1
    assert again is first
    assert compile_script("cached_once = 2;") is not first


def test_python_exception_in_builtin_becomes_runtime_error_at_call():
    result = run('x = 1;\ny = "abc".toLong();')
    assert isinstance(result.error, DelugeRuntimeError)
    assert (result.error.line, result.error.column) == (2, 11)


def test_raise_errors_option_raises():
    with pytest.raises(DelugeRuntimeError):
        run("x = 1 / 0;", raise_errors=True)


def test_catch_gets_the_message_and_execution_continues():
    result = run('try { x = 1 / 0; } catch (e) { info "E:" + e; } return 1;')
    assert result.info_lines[0].startswith("E:division by zero")
    assert result.return_value == 1


def test_invokeurl_builds_request_for_host():
    host = StandaloneHost(http_fixtures={"PUT https://x.test/a": {"ok": True}})
    src = (
        'r = invokeurl [ url: "https://x.test/a" type: PUT headers: {"h": "1"} '
        'parameters: {"p": 2} connection: "c" ];\nreturn r;'
    )
    result = compile_script(src).run(host=host)
    assert result.return_value == {"ok": True}
    kind, request = host.calls[0]
    assert kind == "invokeurl" and request.method == "PUT"
    assert request.headers == {"h": "1"} and request.parameters == {"p": 2}
    assert request.connection == "c"


def test_sendmail_is_collected_by_the_host():
    host = StandaloneHost()
    compile_script('sendmail [ from: "a@x" to: "b@x" subject: "s" message: "m" ]').run(host=host)
    assert host.mails == [{"from": "a@x", "to": "b@x", "subject": "s", "message": "m"}]


def test_integration_tasks_go_to_the_host():
    class Recorder(StandaloneHost):
        def integration(self, app, task, args):
            return {"app": app, "task": task, "args": args}

    result = compile_script('return zoho.desk.getRecords("org", "tickets");').run(host=Recorder())
    assert result.return_value == {"app": "desk", "task": "getRecords", "args": ["org", "tickets"]}


def test_standalone_call_reaches_supplied_function_table():
    helper = compile_script("int standalone.twice(int n) { return n * 2; }")
    main = compile_script("return standalone.twice(4) + 1;")
    assert main.run(functions={"twice": helper}).return_value == 9


def test_zoho_currentdate_uses_host_clock():
    host = StandaloneHost(now=dt.datetime(2024, 2, 29, 8, 0, 0))
    assert compile_script("return zoho.currentdate;").run(host=host).return_value == dt.date(
        2024, 2, 29
    )


def test_creator_only_syntax_runs_into_a_clear_error():
    result = run("insert into F [ A = 1 ];")
    assert "not available in this console" in result.error.message


@pytest.mark.parametrize(
    "attachment",
    [
        "template:Invoice_Template:Orders input.ID as PDF",
        "view:All_Orders as PDF",
        "file: f1, view:All_Orders as CSV",
    ],
)
def test_creator_record_attachments_run_into_a_clear_error(attachment):
    host = StandaloneHost()
    source = f'sendmail [ to: "a@example.com" subject: "S" message: "M" attachments: {attachment} ]'
    result = compile_script(source).run(host=host)
    assert "not available in this console" in result.error.message
    assert result.error.line == 1
    assert host.mails == []


def test_plain_file_attachments_still_send():
    host = StandaloneHost()
    source = (
        'f = "x";\nsendmail [ to: "a@example.com" subject: "S" message: "M" attachments: file: f ]'
    )
    result = compile_script(source).run(host=host)
    assert result.ok, result.error
    assert len(host.mails) == 1


def test_statement_count_is_reported_with_loops():
    result = run("for each x in {1,2,3} { y = x; }")
    assert result.statements == 1 + 3 * 2


def test_generated_code_has_no_builtins():
    script = compile_script('x = "__import__";\ninfo x;')
    assert "__import__" not in script.python_source.replace("'__import__'", "")
    assert script.functions[0].__globals__["__builtins" + "__"] == {}


def test_limits_object_is_honoured_per_run():
    result = run("while (true) { }", limits=Limits(max_statements=50))
    assert isinstance(result.error, deluge.DelugeLimitError)
    assert result.error.limit == "max_statements"
