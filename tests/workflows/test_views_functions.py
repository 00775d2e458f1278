"""The function editor: save, syntax errors marked on their line, Save & Execute, delete."""

from __future__ import annotations

import re

from console.models import AuditEntry
from tests.workflows.pages import function_data, url
from workflows.models import Action, Execution, Function


def test_developer_creates_a_function_with_parameters(topping, teammate, client_for):
    data = function_data("greet", 'info "hi " + name;', params=[("name", "string"), ("n", "int")])
    response = client_for(teammate).post(url("function_create", topping), data)
    function = Function.objects.get()
    assert response.status_code == 302 and response["Location"] == function.get_absolute_url()
    assert function.params == [{"name": "name", "type": "string"}, {"name": "n", "type": "int"}]
    assert function.created_by == teammate
    assert AuditEntry.objects.filter(action="workflows.function.created").exists()


def test_function_list_shows_signature_and_the_rules_using_it(
    topping, owner, client_for, make_function, make_rule
):
    function = make_function("sync", "return 1;", params=[{"name": "contact", "type": "map"}])
    make_rule(name="On new contact", actions=[{"kind": "function", "function": function}])
    body = client_for(owner).get(url("function_list", topping)).content.decode()
    assert "sync(map contact)" in body
    assert "On new contact" in body


def test_syntax_error_shows_line_and_column_and_marks_the_line(topping, owner, client_for):
    code = "a = 1;\nb = ;\ninfo a;"
    response = client_for(owner).post(url("function_create", topping), function_data("f", code))
    body = response.content.decode()
    assert response.status_code == 200
    assert not Function.objects.exists()
    assert "Line 2, column 5" in body
    marked = re.search(r'listing-bad" id="error-line"><span class="gutter">(\d+)</span>', body)
    assert marked is not None and marked.group(1) == "2"
    assert "    ^ unexpected" in body  # the caret under column 5


def test_syntax_error_on_edit_keeps_the_saved_code(topping, owner, client_for, make_function):
    function = make_function("f", "return 1;")
    client_for(owner).post(url("function_edit", topping, function.pk), function_data("f", "x = (;"))
    function.refresh_from_db()
    assert function.code == "return 1;"


def test_missing_connection_is_refused_with_a_clear_message(topping, owner, client_for):
    code = 'r = invokeurl [ url: "https://api.example.com/x" type: GET connection: "nope" ];'
    response = client_for(owner).post(url("function_create", topping), function_data("f", code))
    assert "There is no connection “nope” in this topping" in response.content.decode()
    assert not Function.objects.exists()


def test_duplicate_name_is_a_form_error(topping, owner, client_for, make_function):
    make_function("sync", "return 1;")
    response = client_for(owner).post(
        url("function_create", topping), function_data("sync", "return 2;")
    )
    assert "already has a function named sync" in response.content.decode()
    assert Function.objects.count() == 1


def test_bad_parameter_names_and_duplicates_are_refused(topping, owner, client_for):
    client = client_for(owner)
    bad = function_data("f", "return 1;", params=[("1x", "string")])
    assert (
        "Start with a letter" in client.post(url("function_create", topping), bad).content.decode()
    )
    twice = function_data("f", "return 1;", params=[("a", "string"), ("A", "int")])
    body = client.post(url("function_create", topping), twice).content.decode()
    assert "Two parameters have the same name." in body
    assert not Function.objects.exists()


def test_save_and_execute_shows_info_output_and_return_value(topping, owner, client_for):
    client = client_for(owner)
    code = 'info "Hello " + who;\nreturn {"double": n * 2};'
    data = function_data(
        "hello",
        code,
        params=[("who", "string"), ("n", "int")],
        args={"who": "Ada", "n": "21"},
        execute="1",
    )
    response = client.post(url("function_create", topping), data)
    function = Function.objects.get()
    execution = Execution.objects.get()
    assert response["Location"] == f"{function.get_absolute_url()}?run={execution.pk}#result"
    assert execution.kind == "test" and execution.status == Execution.Status.SUCCEEDED
    body = client.get(response["Location"]).content.decode()
    assert '<pre class="output" id="info-output">Hello Ada' in body
    assert "&quot;double&quot;: 42" in body
    function.refresh_from_db()
    assert function.test_args == {"who": "Ada", "n": "21"}
    # The values typed last time are offered again.
    assert 'value="Ada"' in client.get(function.get_absolute_url()).content.decode()


def test_save_and_execute_shows_a_runtime_error_with_line_and_column(
    topping, owner, client_for, make_function
):
    function = make_function("boom", 'info "start";\nm = Map();\nx = m.get("a").toLong();')
    response = client_for(owner).post(
        url("function_edit", topping, function.pk),
        function_data("boom", function.code, execute="1"),
        follow=True,
    )
    body = response.content.decode()
    assert "Runtime error at line 3, column" in body
    assert "x = m.get(&quot;a&quot;).toLong();" in body
    assert '<pre class="output" id="info-output">start' in body


def test_save_and_execute_shows_the_http_calls(
    topping, owner, client_for, api_connection, echo_server
):
    code = (
        'r = invokeurl [ url: "' + echo_server.url + '/v1/ping" type: GET connection: "books" ];\n'
    )
    code += 'return r.get("method");'
    response = client_for(owner).post(
        url("function_create", topping), function_data("ping", code, execute="1"), follow=True
    )
    body = response.content.decode()
    assert "/v1/ping" in body and "<td>200</td>" in body
    assert "canary" not in body.lower()


def test_bad_test_argument_is_a_form_error_and_nothing_runs(topping, owner, client_for):
    data = function_data("f", "return n;", params=[("n", "int")], args={"n": "many"}, execute="1")
    body = client_for(owner).post(url("function_create", topping), data).content.decode()
    assert "n must be a whole number." in body
    assert not Execution.objects.exists()


def test_delete_is_refused_while_a_rule_uses_the_function(
    topping, owner, client_for, make_function, make_rule
):
    function = make_function("sync", "return 1;")
    rule = make_rule(name="Sync contacts", actions=[{"kind": "function", "function": function}])
    response = client_for(owner).post(url("function_delete", topping, function.pk), follow=True)
    assert "used by the rules “Sync contacts”" in response.content.decode()
    assert Function.objects.filter(pk=function.pk).exists()
    Action.objects.filter(rule=rule).delete()
    client_for(owner).post(url("function_delete", topping, function.pk))
    assert not Function.objects.filter(pk=function.pk).exists()
    assert AuditEntry.objects.filter(action="workflows.function.deleted").exists()
