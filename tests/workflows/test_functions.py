"""Functions: the compiled header, error positions, the save-time checks, arguments, saving."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

import deluge
from connections.models import AuthType
from console import services
from console.models import AuditEntry
from workflows import functions
from workflows.functions import (
    check_function,
    coerce_argument,
    compile_function,
    referenced_connections,
    save_function,
    script_source,
)
from workflows.models import FUNCTION_NAME_MAX_LENGTH, Function

PARAMS = [{"name": "contact", "type": "map"}, {"name": "times", "type": "int"}]


@pytest.fixture
def new_function(topping):
    """An unsaved function of the topping."""

    def make(code: str = "return 1;", params: list | None = None, name: str = "greet"):
        return Function(topping=topping, name=name, code=code, params=params or [])

    return make


def syntax_error(function: Function) -> deluge.DelugeSyntaxError:
    with pytest.raises(deluge.DelugeSyntaxError) as raised:
        compile_function(function)
    return raised.value


def form_error(function: Function, key: str = "code") -> str:
    with pytest.raises(ValidationError) as raised:
        check_function(function)
    [message] = raised.value.message_dict[key]
    return message


# ------------------------------------------------------------------------ script source


def test_script_source_keeps_every_body_line_on_its_number(new_function):
    code = "x = 1;\ny = x + 1;\nreturn y;"
    function = new_function(code, PARAMS)
    source = script_source(function)
    lines = source.split("\n")
    assert lines[0] == "void standalone.greet(map contact, int times) { x = 1;"
    assert lines[1:] == ["y = x + 1;", "return y;", "}"]


@pytest.mark.parametrize(
    "param_type,header_type",
    [
        ("string", "string"),
        ("int", "int"),
        ("decimal", "decimal"),
        ("boolean", "bool"),
        ("date", "date"),
        ("datetime", "datetime"),
        ("map", "map"),
        ("list", "list"),
    ],
)
def test_every_parameter_type_compiles(new_function, param_type, header_type):
    function = new_function("return p;", [{"name": "p", "type": param_type}])
    assert f"({header_type} p)" in script_source(function)
    script = compile_function(function)
    assert [(p.name, p.type.lower()) for p in script.params] == [("p", header_type)]
    assert script.name == "greet"


def test_a_compiled_function_runs_with_its_arguments(new_function):
    function = new_function('info contact.get("Email");\nreturn times * 2;', PARAMS)
    result = compile_function(function).run({"contact": {"Email": "a@b.co"}, "times": 21})
    assert result.ok, result.error
    assert result.return_value == 42
    assert result.info_lines == ["a@b.co"]


def test_an_empty_body_compiles(new_function):
    assert compile_function(new_function("", [])).run({}).ok


# ---------------------------------------------------------------------- error positions


@pytest.mark.parametrize(
    "code,line,column,source_line",
    [
        ("x = 1;\ny = 2;\nz = (3;", 3, 7, "z = (3;"),
        ("x = 1;\ny = 2;\n  z = 3 +;", 3, 10, "  z = 3 +;"),
        ("x = 1;\ny = 2;\nz = 3 $ 4;", 3, 7, "z = 3 $ 4;"),
        ("x = = 1;", 1, 5, "x = = 1;"),
        ('  info "a" +;', 1, 13, '  info "a" +;'),
        ('x = "abc', 1, 5, 'x = "abc'),
        ("info 1;\n/* never closed", 2, 1, "/* never closed"),
    ],
)
@pytest.mark.parametrize("params", [[], PARAMS, [{"name": "a_much_longer_name", "type": "list"}]])
def test_syntax_errors_are_reported_where_the_developer_wrote_them(
    new_function, code, line, column, source_line, params
):
    error = syntax_error(new_function(code, params))
    assert (error.line, error.column) == (line, column), error.message
    assert error.source_line == source_line
    message = form_error(new_function(code, params))
    assert message.startswith(f"Line {line}, column {column}: ")
    assert error.message in message


def test_a_missing_closing_brace_points_into_the_body_not_past_it(new_function):
    error = syntax_error(new_function("if (true) {\n  info 1;"))
    assert error.line == 2  # the body has two lines; the header's own "}" is not the user's
    assert error.column == len("  info 1;") + 1
    assert error.source_line == "  info 1;"
    # The block left open is the function's own, in the hidden header: the message must
    # not quote a column of the header that the developer never sees.
    assert error.message == "missing '}' to close the block opened at the start of the function"


def test_positions_quoted_in_messages_are_relative_to_the_body(new_function):
    function = new_function("x = (1 +\n 2;", PARAMS)
    error = syntax_error(function)
    assert error.line == 2
    assert "at line 1, column 5" in error.message  # where the "(" is in the body
    assert str(error.args[0]) == error.message


def test_line_one_error_columns_do_not_depend_on_the_header(new_function):
    short = syntax_error(new_function("x = = 1;", [], name="f"))
    long = syntax_error(new_function("x = = 1;", PARAMS, name="a" * 50))
    assert short.column == long.column == 5


# --------------------------------------------------------------------------- save checks


def test_check_function_reports_a_syntax_error_for_the_code_field(new_function):
    with pytest.raises(ValidationError) as raised:
        check_function(new_function("a = 1;\nb = ;\n"))
    assert list(raised.value.message_dict) == ["code"]
    assert raised.value.message_dict["code"][0].startswith("Line 2, column 5: ")


@pytest.mark.parametrize(
    "params,message",
    [
        ([{"name": "a", "type": "int"}, {"name": "a", "type": "string"}], "same name"),
        ([{"name": "Count", "type": "int"}, {"name": "count", "type": "int"}], "same name"),
        ([{"name": "a", "type": "float"}], "Unknown type “float”."),
        ([{"name": "first name", "type": "string"}], "“first name” is not a valid"),
        ([{"name": "1st", "type": "string"}], "“1st” is not a valid"),
        ([{"name": "a)", "type": "string"}], "“a)” is not a valid"),
        ([{"name": "", "type": "string"}], "“” is not a valid"),
    ],
)
def test_bad_parameters(new_function, params, message):
    function = new_function("return 1;", params)
    assert message in form_error(function, "params")


def test_a_connection_that_does_not_exist_fails_with_a_clear_message(new_function):
    code = 'r = invokeurl [ url: "https://books.test/x" type: GET connection: "x" ];'
    message = form_error(new_function(code))
    assert message.startswith("There is no connection “x”")
    assert message == "There is no connection “x” in this topping. Create it first."


def test_every_missing_connection_is_named(new_function, make_service, make_connection):
    make_connection(make_service("books_api", AuthType.BEARER, "https://books.test"), "books")
    code = (
        'a = invokeurl [ url: "/a" type: GET connection: "books" ];\n'
        'b = invokeurl [ url: "/b" type: GET connection: "crm" ];\n'
        'c = invokeurl [ url: "/c" type: GET connection: "mail" ];'
    )
    message = form_error(new_function(code))
    assert "“crm”" in message and "“mail”" in message and "books" not in message


def test_existing_connections_pass_and_are_remembered(
    new_function, topping, make_service, make_connection
):
    make_connection(make_service("books_api", AuthType.BEARER, "https://books.test"), "books")
    code = (
        'a = invokeurl [ url: "/a" type: GET connection: "books" ];\n'
        f'b = invokeurl [ url: "/b" type: GET connection: "{topping.namespace}__books" ];'
    )
    function = new_function(code)
    script = check_function(function)
    assert isinstance(script, deluge.Script)
    assert function.connections == ["books", f"{topping.namespace}__books"]


def test_another_toppings_connection_does_not_count(
    new_function, make_user, make_service, make_connection
):
    from connections.models import Service
    from connections.services import manage

    other = services.create_topping(name="Other", user=make_user())
    service = Service.objects.create(
        topping=other, key="theirs", name="Theirs", auth_type=AuthType.BEARER,
        api_base_url="https://theirs.test", allowed_hosts=["theirs.test"],
    )  # fmt: skip
    manage.create_connection(
        other, service, name="Theirs", link_name="theirs", scopes=[], user_level=False,
        url_values={}, user=other.created_by,
    )  # fmt: skip
    for ref in ("theirs", f"{other.namespace}__theirs"):
        code = f'r = invokeurl [ url: "/x" type: GET connection: "{ref}" ];'
        assert form_error(new_function(code)).startswith(f"There is no connection “{ref}”")


# ---------------------------------------------------------------- referenced connections

NESTED = """name = "bo" + "oks";
if (a == "x") {
  r = invokeurl [ url: "http://h/a" type: GET connection: "books" ];
} else if (a == "y") {
  info "y";
} else {
  r = invokeurl [ url: "http://h/else" type: GET connection: "in_else" ];
}
for each item in {1, 2} {
  try {
    invokeurl [ url: "http://h/b" type: POST connection: "crm" ];
  } catch (e) {
    info invokeurl [ url: "http://h/c" type: GET connection: "in_catch" ];
  }
}
while (false) {
  m = {"k": invokeurl [ url: "http://h/d" type: GET connection: "in_map" ]};
}
x = invokeurl [ url: "http://h/e" type: GET connection: name ];
y = invokeurl [ url: "http://h/f" type: GET connection: "bo" + "oks" ];
z = invokeurl [ url: "http://h/g" type: GET connection: "books" ];
w = invokeurl [ url: "http://h/h" type: GET ];
sendmail [ from: zoho.adminuserid to: "a@b.co" subject: "s" message: "m" ];
"""


def test_referenced_connections_finds_every_literal_once_in_order(new_function):
    script = compile_function(new_function(NESTED, [{"name": "a", "type": "string"}]))
    assert referenced_connections(script.program) == [
        "books",
        "in_else",
        "crm",
        "in_catch",
        "in_map",
    ]


def test_referenced_connections_ignores_computed_names(new_function):
    code = (
        'ref = "books";\n'
        'r = invokeurl [ url: "/x" type: GET connection: ref ];\n'
        'r = invokeurl [ url: "/x" type: GET connection: ref + "" ];'
    )
    assert referenced_connections(compile_function(new_function(code)).program) == []


def test_a_function_without_invokeurl_references_nothing(new_function):
    function = new_function('info "hi";\nreturn 1;')
    check_function(function)
    assert function.connections == []


# ---------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    "param_type,value,expected",
    [
        ("string", "hello", "hello"),
        ("string", "", ""),
        ("string", " 12 ", " 12 "),
        ("int", "12", 12),
        ("int", " -7 ", -7),
        ("int", 5, 5),
        ("decimal", "2.5", 2.5),
        ("decimal", " -0.25", -0.25),
        ("decimal", "3", 3.0),
        ("decimal", 1.5, 1.5),
        ("boolean", "true", True),
        ("boolean", "TRUE", True),
        ("boolean", "1", True),
        ("boolean", "yes", True),
        ("boolean", "on", True),
        ("boolean", "false", False),
        ("boolean", "no", False),
        ("boolean", "", False),
        ("boolean", True, True),
        ("boolean", False, False),
        ("date", "2024-05-17", "2024-05-17"),
        ("datetime", "2024-05-17T10:30:00", "2024-05-17T10:30:00"),
        ("map", '{"a": 1, "b": [2]}', {"a": 1, "b": [2]}),
        ("map", "  ", {}),
        ("map", "", {}),
        ("map", {"a": 1}, {"a": 1}),
        ("list", '[1, "two", {"x": null}]', [1, "two", {"x": None}]),
        ("list", "", []),
        ("list", [1], [1]),
    ],
)
def test_coerce_argument(param_type, value, expected):
    result = coerce_argument(param_type, value)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    "param_type,value,message",
    [
        ("int", "1.5", "must be a whole number"),
        ("int", "twelve", "must be a whole number"),
        ("int", "1e3", "must be a whole number"),
        ("decimal", "two", "must be a number"),
        ("decimal", "NaN", "must be a number"),
        ("decimal", "inf", "must be a number"),
        ("map", "{bad", "is not valid JSON for a map"),
        ("map", "{'a': 1}", "is not valid JSON for a map"),
        ("map", "[1, 2]", "must be a JSON object"),
        ("map", '"text"', "must be a JSON object"),
        ("list", "[1, 2", "is not valid JSON for a list"),
        ("list", '{"a": 1}', "must be a JSON list"),
        ("list", "3", "must be a JSON list"),
    ],
)
def test_coerce_argument_rejects(param_type, value, message):
    with pytest.raises(ValueError) as raised:
        coerce_argument(param_type, value)
    assert str(raised.value) == message


# ------------------------------------------------------------------------------- saving


def test_save_function_stores_it_and_writes_an_audit_entry(new_function, owner, topping):
    function = save_function(new_function('info "hi";', PARAMS), user=owner)
    assert function.pk is not None and function.created_by == owner
    entry = AuditEntry.objects.get(action="workflows.function.created")
    assert entry.topping == topping and entry.actor == owner
    assert entry.object_id == str(function.pk)
    assert entry.data == {"name": "greet"}
    function.code = 'info "hello";'
    save_function(function, user=owner)
    updated = AuditEntry.objects.get(action="workflows.function.updated")
    assert updated.object_id == str(function.pk) and updated.actor == owner
    assert Function.objects.get(pk=function.pk).code == 'info "hello";'


def test_a_failed_check_saves_nothing_and_audits_nothing(new_function, owner):
    with pytest.raises(ValidationError):
        save_function(new_function("x = = 1;"), user=owner)
    with pytest.raises(ValidationError):
        save_function(new_function('r = invokeurl [ url: "/" connection: "nope" ];'), user=owner)
    assert Function.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="workflows.function").exists()


def test_an_edit_that_breaks_the_code_leaves_the_stored_version(new_function, owner):
    function = save_function(new_function("return 1;"), user=owner)
    function.code = "return (1;"
    with pytest.raises(ValidationError):
        save_function(function, user=owner)
    assert Function.objects.get(pk=function.pk).code == "return 1;"


def test_save_function_records_the_connections_it_uses(
    new_function, owner, make_service, make_connection
):
    make_connection(make_service("books_api", AuthType.BEARER, "https://books.test"), "books")
    code = 'r = invokeurl [ url: "/a" type: GET connection: "books" ];'
    function = save_function(new_function(code), user=owner)
    assert Function.objects.get(pk=function.pk).connections == ["books"]


@pytest.mark.parametrize(
    "name",
    [
        "a" * (FUNCTION_NAME_MAX_LENGTH + 1),
        "1st_function",
        "my-function",
        "has space",
        "dotted.name",
        "",
        "naïve",
    ],
)
def test_bad_function_names_are_rejected(new_function, owner, name):
    function = new_function(name=name)
    with pytest.raises(ValidationError) as raised:
        function.full_clean()
    assert "name" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        save_function(new_function(name=name), user=owner)
    assert list(raised.value.message_dict) == ["name"]  # not reported as a code error
    assert Function.objects.count() == 0


@pytest.mark.parametrize("name", ["a" * FUNCTION_NAME_MAX_LENGTH, "_private", "Send_Mail2", "x"])
def test_good_function_names(new_function, owner, name):
    function = save_function(new_function(name=name), user=owner)
    assert Function.objects.get(pk=function.pk).name == name


def test_a_name_is_unique_within_a_topping(new_function, owner, topping, make_user):
    save_function(new_function(name="sync"), user=owner)
    with pytest.raises(ValidationError) as raised:
        save_function(new_function(name="sync"), user=owner)
    assert "__all__" in raised.value.message_dict or "name" in raised.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Function.objects.create(topping=topping, name="sync", code="")
    other = services.create_topping(name="Other", user=make_user())
    elsewhere = save_function(Function(topping=other, name="sync", code=""), user=owner)
    assert elsewhere.pk is not None
    assert Function.objects.filter(name="sync").count() == 2


def test_the_signature_lists_the_parameters(new_function):
    assert new_function(params=PARAMS).signature == "greet(map contact, int times)"


def test_header_types_cover_every_parameter_type():
    from workflows.models import PARAM_TYPES

    assert set(functions.HEADER_TYPES) == set(PARAM_TYPES)


def test_a_syntax_error_carries_its_line_and_column(topping):
    from workflows.functions import FunctionSyntaxError, check_function
    from workflows.models import Function

    function = Function(topping=topping, name="f", code="a = 1;\nb = ;", params=[])
    with pytest.raises(FunctionSyntaxError) as caught:
        check_function(function)
    assert (caught.value.line, caught.value.column) == (2, 5)
    assert caught.value.message_dict["code"] == [f"Line 2, column 5: {caught.value.detail}"]
