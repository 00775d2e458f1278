""" "Test your topping" through its pages: records, traces, reset and custom fields."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandbox import store
from sandbox.models import CollectionItem, EmulatedCollection, SandboxRecord
from workflows.models import Action, Event, Execution, ModuleField, Rule

pytestmark = pytest.mark.django_db

GREET = 'info "hello " + contact.get("Email");\nreturn contact.get("Last_Name");'


def url(name: str, topping, *args) -> str:
    return reverse(f"sandbox:{name}", args=[topping.namespace, *args])


@pytest.fixture
def greeting_rule(make_function, make_rule):
    """On Contacts create or edit, when Email is not empty, run greet(contact)."""
    function = make_function("greet", GREET, [{"name": "contact", "type": "map"}])
    return make_rule(
        name="Greet contacts",
        trigger=Rule.Trigger.CREATE_OR_EDIT,
        repeat_on_every_edit=True,
        conditions=[{"field": "Email", "operator": "is_not_empty", "value": ""}],
        actions=[
            {
                "kind": Action.Kind.FUNCTION,
                "function": function,
                "config": {"arguments": {"contact": {"source": "record"}}},
            }
        ],
    )


def make_contact(topping, **data):
    return store.create_record(topping, "Contacts", {"Last_Name": "Doe", **data}, fire=False).record


# ------------------------------------------------------------------------------ records


def test_the_page_lists_records_with_module_tabs(client_for, teammate, topping):
    make_contact(topping, First_Name="Ada", Last_Name="Lovelace", Email="ada@example.com")
    response = client_for(teammate).get(url("home", topping))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ada Lovelace" in page and "ada@example.com" in page
    for module in ("Contacts", "Companies", "Deals", "Products", "Tasks", "Projects"):
        assert url("records", topping, module) in page


def test_creating_a_record_stores_it_and_an_event(
    client_for, owner, topping, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(
            url("record_new", topping, "Contacts"),
            {"First_Name": "Ada", "Last_Name": "Lovelace", "Email": "ada@example.com"},
        )
    record = SandboxRecord.objects.get()
    assert record.data["Full_Name"] == "Ada Lovelace"
    assert record.data["Email"] == "ada@example.com"
    event = Event.objects.get()
    assert (event.environment, event.operation, event.record_id) == (
        "sandbox",
        "create",
        record.record_id,
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?event={event.pk}#trace")


def test_with_htmx_a_change_answers_the_workspace_with_its_trace(
    client_for, owner, topping, greeting_rule, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(
            url("record_new", topping, "Contacts"),
            {"Last_Name": "Lovelace", "Email": "ada@example.com"},
            HTTP_HX_REQUEST="true",
        )
    page = response.content.decode()
    event = Event.objects.get()
    assert response.status_code == 200
    assert page.strip().startswith('<div id="workspace">')
    assert "<html" not in page
    # The action has not run yet: the trace polls for it.
    assert f'hx-get="{url("trace", topping, event.pk)}"' in page
    assert 'hx-trigger="every 1s"' in page


def test_typed_fields_are_stored_with_their_types(client_for, owner, topping):
    client_for(owner).post(
        url("record_new", topping, "Deals"),
        {"Deal_Name": "Big", "Stage": "Qualification", "Amount": "12.50", "Probability": "40"},
    )
    data = SandboxRecord.objects.get().data
    assert (data["Amount"], data["Probability"], data["Stage"]) == (12.5, 40, "Qualification")


def test_validation_errors_are_shown_on_their_fields(client_for, owner, topping):
    response = client_for(owner).post(
        url("record_new", topping, "Contacts"), {"First_Name": "Ada", "Email": "not-an-email"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Last Name is required." in page
    assert "Email must be an e-mail address." in page
    assert page.count("has-error") == 2
    assert not SandboxRecord.objects.exists() and not Event.objects.exists()


def test_a_picklist_is_a_select_and_read_only_fields_are_not_inputs(client_for, owner, topping):
    page = client_for(owner).get(url("records", topping, "Contacts")).content.decode()
    assert '<select name="Lead_Source"' in page and "Trade Show" in page
    for read_only in ("ID", "Full_Name", "Created_Time", "Modified_Time", "Owner"):
        assert f'name="{read_only}"' not in page


def test_editing_a_record_stores_the_change_and_an_edit_event(
    client_for, owner, topping, django_capture_on_commit_callbacks
):
    record = make_contact(topping, First_Name="Ada", Email="ada@example.com")
    edit = url("record_edit", topping, "Contacts", record.record_id)
    client = client_for(owner)
    assert 'value="ada@example.com"' in client.get(edit).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit, {"First_Name": "Ada", "Last_Name": "King", "Email": "ada@example.com"})
    record.refresh_from_db()
    assert record.data["Full_Name"] == "Ada King"
    event = Event.objects.get()
    assert event.operation == "edit" and event.previous["Last_Name"] == "Doe"


def test_saving_an_unchanged_record_stores_no_event(client_for, owner, topping):
    record = make_contact(topping, First_Name="Ada", Email="ada@example.com")
    client_for(owner).post(
        url("record_edit", topping, "Contacts", record.record_id),
        {"First_Name": "Ada", "Last_Name": "Doe", "Email": "ada@example.com"},
    )
    assert not Event.objects.exists()
    record.refresh_from_db()
    assert "Email_Opt_Out" not in record.data


def test_a_ticked_box_is_stored_as_true(client_for, owner, topping):
    record = make_contact(topping)
    client_for(owner).post(
        url("record_edit", topping, "Contacts", record.record_id),
        {"Last_Name": "Doe", "Email_Opt_Out": "on", "Tag": "vip, beta"},
    )
    record.refresh_from_db()
    assert record.data["Email_Opt_Out"] is True and record.data["Tag"] == ["vip", "beta"]


def test_an_edit_that_breaks_a_rule_of_the_module_is_refused(client_for, owner, topping):
    record = make_contact(topping)
    response = client_for(owner).post(
        url("record_edit", topping, "Contacts", record.record_id), {"Last_Name": ""}
    )
    assert "Last Name is required." in response.content.decode()
    record.refresh_from_db()
    assert record.data["Last_Name"] == "Doe"


def test_deleting_a_record_stores_a_delete_event(
    client_for, owner, topping, django_capture_on_commit_callbacks
):
    record = make_contact(topping)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(owner).post(url("record_delete", topping, "Contacts", record.record_id))
    assert not SandboxRecord.objects.exists()
    assert Event.objects.get().operation == "delete"


def test_search_matches_any_text_field(client_for, owner, topping):
    make_contact(topping, Last_Name="Lovelace", Email="ada@example.com")
    make_contact(topping, Last_Name="Hopper", Title="Rear admiral")
    client = client_for(owner)
    page = client.get(url("home", topping), {"q": "ADMIRAL"}).content.decode()
    assert "Hopper" in page and "Lovelace" not in page
    page = client.get(url("home", topping), {"q": "example.com"}).content.decode()
    assert "Lovelace" in page and "Hopper" not in page


def test_records_are_listed_25_a_page(client_for, owner, topping):
    for n in range(30):
        make_contact(topping, Last_Name=f"Person{n:02d}")
    client = client_for(owner)
    first = client.get(url("home", topping)).content.decode()
    second = client.get(url("home", topping), {"page": 2}).content.decode()
    assert "Person29" in first and "Person05" in first and "Person04" not in first
    assert "Person04" in second and "Person00" in second and "Person29" not in second
    assert "Page 1 of 2" in first
    assert f'href="{url("records", topping, "Contacts")}?page=2"' in first
    searched = client.get(url("home", topping), {"q": "person", "page": 2}).content.decode()
    assert "Person04" in searched and "?q=person&amp;page=1" in searched


# ------------------------------------------------------------------------------ traces


def test_the_trace_shows_matched_rules_and_the_run_after_it_finishes(
    client_for, owner, topping, greeting_rule, drain, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_contact(topping)  # not fired: no event
        store.create_record(
            topping, "Contacts", {"Last_Name": "Lovelace", "Email": "ada@example.com"}
        )
    event = Event.objects.get()
    client = client_for(owner)
    before = client.get(url("trace", topping, event.pk)).content.decode()
    assert "hx-trigger" in before and "matched" in before and "Not run yet" in before
    assert drain() == ["succeeded"]
    after = client.get(url("trace", topping, event.pk)).content.decode()
    assert "hx-trigger" not in after  # finished: the panel stops polling
    assert "Greet contacts" in after and ">matched<" in after
    assert "Email is not empty" in after and "&quot;ada@example.com&quot;" in after
    assert "hello ada@example.com" in after
    assert "Lovelace" in after  # the return value


def test_the_trace_says_why_a_rule_did_not_match(
    client_for, owner, topping, greeting_rule, drain, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        store.create_record(topping, "Contacts", {"Last_Name": "Nobody"})
    assert drain() == []
    page = client_for(owner).get(url("trace", topping, Event.objects.get().pk)).content
    assert b"not matched" in page and b"criteria not met" in page
    assert b"No action runs" in page and b"hx-trigger" not in page


def test_a_failed_run_shows_its_error_with_line_and_column(
    client_for, owner, topping, make_function, make_rule, drain, django_capture_on_commit_callbacks
):
    function = make_function("boom", "x = 1;\ninfo 1 / 0;", [])
    make_rule(actions=[{"kind": Action.Kind.FUNCTION, "function": function, "config": {}}])
    Execution.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        store.create_record(topping, "Contacts", {"Last_Name": "L"})
    Execution.objects.update(max_attempts=1)
    drain()
    page = client_for(owner).get(url("trace", topping, Event.objects.get().pk)).content.decode()
    assert "Failed" in page and "at line 2, column" in page


def test_the_page_shows_the_trace_of_the_event_it_is_given(
    client_for, owner, topping, greeting_rule, drain, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        store.create_record(topping, "Contacts", {"Last_Name": "L", "Email": "a@example.com"})
    drain()
    event = Event.objects.get()
    page = client_for(owner).get(url("home", topping), {"event": event.pk}).content.decode()
    assert 'id="trace"' in page and "hello a@example.com" in page


def test_a_scheduled_action_does_not_keep_the_trace_polling(
    client_for, owner, topping, make_function, make_rule, django_capture_on_commit_callbacks
):
    function = make_function("later", 'info "later";')
    make_rule(
        actions=[{"kind": Action.Kind.FUNCTION, "function": function, "delay": 5, "config": {}}]
    )
    with django_capture_on_commit_callbacks(execute=True):
        store.create_record(topping, "Contacts", {"Last_Name": "L"})
    page = client_for(owner).get(url("trace", topping, Event.objects.get().pk)).content.decode()
    assert "Scheduled: runs at" in page
    assert "hx-trigger" not in page


def test_a_trace_of_another_topping_or_of_production_is_404(client_for, owner, topping):
    production = Event.objects.create(
        topping=topping, module="Contacts", operation="create", occurred_at=topping.created_at
    )
    assert client_for(owner).get(url("trace", topping, production.pk)).status_code == 404


# ------------------------------------------------------------------------------ reset


def test_reset_clears_records_items_and_sandbox_runs(
    client_for, owner, topping, greeting_rule, drain, django_capture_on_commit_callbacks
):
    collection = EmulatedCollection.objects.create(
        topping=topping, name="Books", url_prefix="https://books.example.com/contacts"
    )
    CollectionItem.objects.create(collection=collection, item_id="1", data={"a": 1})
    with django_capture_on_commit_callbacks(execute=True):
        store.create_record(topping, "Contacts", {"Last_Name": "L", "Email": "a@example.com"})
    drain()
    assert Execution.objects.filter(environment="sandbox").exists()
    response = client_for(owner).post(url("reset", topping))
    assert response.status_code == 302
    assert not SandboxRecord.objects.exists()
    assert not CollectionItem.objects.exists()
    assert not Execution.objects.filter(environment="sandbox").exists()
    assert not Event.objects.filter(environment="sandbox").exists()
    assert EmulatedCollection.objects.filter(pk=collection.pk).exists()


def test_reset_needs_a_post(client_for, owner, topping):
    make_contact(topping)
    assert client_for(owner).get(url("reset", topping)).status_code == 405
    assert SandboxRecord.objects.exists()


# ------------------------------------------------------------------------------ custom fields


def test_a_custom_picklist_field_appears_in_the_record_form(client_for, owner, topping):
    client = client_for(owner)
    response = client.post(
        url("fields", topping, "Contacts"),
        {"label": "Customer tier", "type": "picklist", "values_text": "Gold\nSilver\n"},
    )
    assert response.status_code == 302
    field = ModuleField.objects.get()
    assert (field.api_name, field.values, field.module) == (
        "Customer_tier",
        ["Gold", "Silver"],
        "Contacts",
    )
    page = client.get(url("records", topping, "Contacts")).content.decode()
    assert '<select name="Customer_tier"' in page
    client.post(url("record_new", topping, "Contacts"), {"Last_Name": "L", "Customer_tier": "Tin"})
    assert not SandboxRecord.objects.exists()
    client.post(url("record_new", topping, "Contacts"), {"Last_Name": "L", "Customer_tier": "Gold"})
    assert SandboxRecord.objects.get().data["Customer_tier"] == "Gold"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"label": "Email", "type": "text"}, "already has a field Email"),
        ({"label": "Tier", "type": "picklist"}, "needs at least one value"),
        ({"label": "Partner", "type": "lookup"}, "Choose the module"),
    ],
)
def test_a_custom_field_that_cannot_work_is_refused(client_for, owner, topping, data, error):
    response = client_for(owner).post(url("fields", topping, "Contacts"), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ModuleField.objects.exists()


def test_a_custom_field_can_be_deleted(client_for, owner, topping):
    field = ModuleField.objects.create(
        topping=topping, module="Contacts", api_name="Tier", label="Tier", type="text"
    )
    client_for(owner).post(url("field_delete", topping, "Contacts", field.pk))
    assert not ModuleField.objects.exists()


def test_an_unknown_module_is_404(client_for, owner, topping):
    assert client_for(owner).get(url("records", topping, "Nope")).status_code == 404
