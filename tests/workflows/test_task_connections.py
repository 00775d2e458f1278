"""Link names in ``zoho.crm.*`` / ``zoho.bigin.*`` / ``zoho.books.*`` tasks are checked like
invokeurl ones: on save, listed under the connection's "Used by", kept from deletion."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

import deluge
from connections.models import AuthType, Connection
from connections.services import manage
from tests.workflows.pages import function_data, url
from workflows.functions import (
    check_function,
    function_connections,
    referenced_connections,
    save_function,
)
from workflows.models import Function
from workflows.usage import connection_usages

MISSING = "There is no connection “nope” in this topping. Create it first."


def names(code: str) -> list[str]:
    return referenced_connections(deluge.parse(f"void standalone.f() {{ {code}\n}}"))


@pytest.fixture
def bigin(make_service, make_connection):
    """A connection ``bigin`` of the topping (not authorized: saving only needs it to exist)."""
    return make_connection(
        make_service("bigin_api", AuthType.BEARER, "https://bigin.test"), "bigin"
    )


def save(topping, owner, code: str) -> Function:
    return save_function(Function(topping=topping, name="sync", code=code), user=owner)


def code_error(topping, owner, code: str) -> str:
    with pytest.raises(ValidationError) as raised:
        save(topping, owner, code)
    return raised.value.message_dict["code"][0]


# ------------------------------------------------------------------- which argument


@pytest.mark.parametrize(
    "code,expected",
    [
        ('r = zoho.bigin.getRecordById("Contacts", 1, "bigin");', ["bigin"]),
        ('r = zoho.crm.getRecordById("Leads", 1, {"fields": "a"}, "crm");', ["crm"]),
        ('r = zoho.crm.getRecords("Leads", 1, 200, {}, "crm");', ["crm"]),
        ('r = zoho.crm.searchRecords("Leads", "(Email:equals:a@b.co)", 1, 2, "crm");', ["crm"]),
        (
            'r = zoho.crm.createRecord("Contacts", {"a": 1}, {"trigger": ["workflow"]}, "crm");',
            ["crm"],
        ),
        ('r = zoho.bigin.createRecord("Contacts", {"a": 1}, "bigin");', ["bigin"]),
        ('r = zoho.bigin.updateRecord("Contacts", "1", {"a": 1}, {}, "bigin");', ["bigin"]),
        ('r = zoho.bigin.deleteRecord("Contacts", "1", "bigin");', ["bigin"]),
        ('r = zoho.crm.searchRecordsByEmail("Contacts", "a@b.co", "crm");', ["crm"]),
        ('r = zoho.crm.v8.getRecordById("Leads", 1, {"fields": "a"}, "crm");', ["crm"]),
        ('r = zoho.books.createRecord("contacts", "123", {"a": 1}, "books");', ["books"]),
        ('r = zoho.books.getRecords("contacts", "123", "name=x", "books");', ["books"]),
        ('r = zoho.books.getRecordsByID("contacts", "123", "9", "books");', ["books"]),
        ('r = zoho.books.updateRecord("contacts", "123", "9", {"a": 1}, "books");', ["books"]),
        ('r = Zoho.BIGIN.GetRecordById("Contacts", 1, "bigin");', ["bigin"]),
        # not a connection: the task's own arguments, computed names, other receivers
        ('r = zoho.crm.searchRecords("Leads", "(Email:equals:a@b.co)");', []),
        ('r = zoho.crm.getRecordById("Leads", "123");', []),
        ('r = zoho.crm.searchRecordsByWord("Leads", "acme");', []),
        ('r = zoho.books.getRecords("contacts", "123", "name=x");', []),
        ('r = zoho.books.createRecord("contacts", "123", {"a": 1});', []),
        ('c = "bigin";\nr = zoho.bigin.getRecordById("Contacts", 1, c);', []),
        ('r = zoho.bigin.getRecordById("Contacts", 1, "big" + "in");', []),
        ('r = zoho.crm.getRecordById("Leads", 1, {}, 5);', []),
        ('r = zoho.crm.getOrgVariable("name");', []),
        ('r = zoho.desk.getRecordById("Tickets", 1, "desk");', []),
        ('r = zoho.bigin.getRecordById("Contacts", 1, "bigin").get("id");', ["bigin"]),
        # a task the table does not list: only the run-time shape (a map or list before it)
        ('r = zoho.crm.attachFile("Leads", 1, "file");', []),
        ('r = zoho.crm.bulkDelete("Leads", {1, 2}, "crm");', ["crm"]),
    ],
)
def test_the_connection_argument_of_integration_tasks(code, expected):
    assert names(code) == expected


def test_tasks_and_invokeurl_are_listed_once_in_order_wherever_they_are():
    code = (
        'if (true) {\n  r = zoho.books.createRecord("contacts", "1", {}, "books");\n}\n'
        'for each i in {1} {\n  try {\n    zoho.bigin.getRecordById("Contacts", i, "bigin");\n'
        '  } catch (e) {\n    info invokeurl [ url: "http://h/a" type: GET connection: "crm" ];\n'
        "  }\n}\n"
        'm = {"k": zoho.crm.getRecords("Leads", 1, 2, {}, "books")};'
    )
    assert names(code) == ["books", "bigin", "crm"]


# ------------------------------------------------------------------------------ saving


def test_an_unknown_link_name_in_a_bigin_task_is_refused_like_invokeurl(topping, owner):
    message = code_error(topping, owner, 'r = zoho.bigin.getRecordById("Contacts", 1, "nope");')
    invokeurl = 'r = invokeurl [ url: "https://x.test" type: GET connection: "nope" ];'
    assert message == MISSING == code_error(topping, owner, invokeurl)
    assert not Function.objects.exists()


@pytest.mark.parametrize(
    "code",
    [
        'r = zoho.crm.createRecord("Contacts", {"a": 1}, {"trigger": ["workflow"]}, "nope");',
        'r = zoho.books.createRecord("contacts", "123", {"a": 1}, "nope");',
        'r = zoho.books.getRecords("contacts", "123", "name=x", "nope");',
    ],
)
def test_unknown_link_names_in_crm_and_books_tasks_are_refused(topping, owner, code):
    assert code_error(topping, owner, code) == MISSING


def test_the_editor_refuses_an_unknown_link_name_in_a_task(topping, owner, client_for):
    code = 'r = zoho.bigin.getRecordById("Contacts", 1, "nope");'
    response = client_for(owner).post(url("function_create", topping), function_data("f", code))
    assert response.status_code == 200
    assert MISSING in response.content.decode()
    assert not Function.objects.exists()


def test_an_existing_link_name_saves_and_is_remembered(topping, owner, bigin):
    code = (
        'r = zoho.bigin.getRecordById("Contacts", 1, "bigin");\n'
        f'zoho.bigin.createRecord("Contacts", {{"a": 1}}, "{topping.namespace}__bigin");'
    )
    function = save(topping, owner, code)
    assert Function.objects.get(pk=function.pk).connections == [
        "bigin",
        f"{topping.namespace}__bigin",
    ]


def test_a_task_without_a_link_name_needs_no_connection(topping, owner):
    function = Function(topping=topping, name="f", code='r = zoho.crm.getRecordById("Leads", 1);')
    check_function(function)
    assert function.connections == []


# ------------------------------------------------------------------------- "Used by"


def test_the_connection_lists_the_function_using_it_in_a_task(
    topping, owner, bigin, client_for, make_function
):
    function = make_function("sync", 'r = zoho.bigin.getRecordById("Contacts", 1, "bigin");')
    found = connection_usages(bigin)
    assert [(u.kind, u.name, u.url) for u in found] == [
        ("Function", "sync", function.get_absolute_url())
    ]
    page = client_for(owner).get(bigin.get_absolute_url()).content.decode()
    assert "Function sync" in page and function.get_absolute_url() in page


def test_a_function_saved_before_tasks_were_counted_is_still_listed(topping, bigin):
    code = 'r = zoho.bigin.getRecordById("Contacts", 1, "bigin");'
    function = Function.objects.create(topping=topping, name="old", code=code, connections=[])
    assert function_connections(function) == ["bigin"]
    assert [u.name for u in connection_usages(bigin)] == ["old"]


def test_a_function_that_does_not_parse_keeps_its_stored_names(topping, bigin):
    Function.objects.create(topping=topping, name="broken", code="x = ;", connections=["bigin"])
    assert [u.name for u in connection_usages(bigin)] == ["broken"]


def test_deleting_a_connection_used_by_a_task_is_refused(
    topping, owner, bigin, client_for, make_function
):
    function = make_function("sync", 'r = zoho.bigin.getRecordById("Contacts", 1, "bigin");')
    with pytest.raises(ValidationError, match="used by Function sync"):
        manage.delete_connection(bigin, user=owner)
    client = client_for(owner)
    delete = reverse("connections:delete", args=[topping.namespace, "bigin"])
    response = client.post(delete, follow=True)
    assert "used by Function sync" in response.content.decode()
    assert Connection.objects.filter(pk=bigin.pk).exists()

    function.delete()
    client.post(delete)
    assert not Connection.objects.filter(pk=bigin.pk).exists()
