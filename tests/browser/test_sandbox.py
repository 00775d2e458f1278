""" "Test your topping" in a browser: the trace of a new contact appears in place."""

from __future__ import annotations

import pytest

from sandbox.models import SandboxRecord
from tests.browser.helpers import sign_in
from workflows import runner
from workflows.functions import save_function
from workflows.models import Action, Execution, Function, Rule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GREET = 'info "hello " + contact.get("Email");\nreturn contact.get("Last_Name");'


@pytest.fixture
def greeting_rule(topping, owner):
    function = save_function(
        Function(
            topping=topping, name="greet", code=GREET, params=[{"name": "contact", "type": "map"}]
        ),
        user=owner,
    )
    rule = Rule.objects.create(
        topping=topping,
        module="Contacts",
        name="Greet contacts",
        trigger=Rule.Trigger.CREATE,
        conditions=[{"field": "Email", "operator": "is_not_empty", "value": ""}],
    )
    Action.objects.create(
        rule=rule,
        kind=Action.Kind.FUNCTION,
        function=function,
        config={"arguments": {"contact": {"source": "record"}}},
    )
    return rule


def run_due_executions() -> dict:
    """What a worker would do: the browser test has no cluster running."""
    due = Execution.objects.filter(
        status__in=runner.RUNNABLE, due_at__lte=runner.timezone.now()
    ).values_list("pk", flat=True)
    return runner.run_executions(list(due))


def test_create_a_contact_and_watch_its_trace_appear(page, topping, owner, greeting_rule):
    sign_in(page, owner)
    page.goto(f"/t/{topping.namespace}/")
    page.click("nav.toppingnav >> text=Test your topping")
    page.wait_for_selector("#record-form")
    start_url = page.url
    page.evaluate("window.__marker = 1")

    page.fill("#id_First_Name", "Ada")
    page.fill("#id_Last_Name", "Lovelace")
    page.fill("#id_Email", "ada@example.com")
    page.click("#save-record")

    # The rule matched and its run waits for a worker: the panel polls.
    page.wait_for_selector("#trace[data-state=running]")
    assert page.text_content("#trace .rule-matched").count("matched") >= 1
    assert "Email is not empty" in page.text_content("#trace .evaluation")
    assert run_due_executions() == {Execution.objects.get().pk: "succeeded"}

    page.wait_for_selector("#trace[data-state=finished]", timeout=10_000)
    assert page.text_content("#trace #info-output") == "hello ada@example.com\n"
    assert page.text_content("#trace #return-value").strip() == '"Lovelace"'
    assert "Ada Lovelace" in page.text_content("#records")
    # No navigation happened: the same document, at the same address.
    assert page.evaluate("window.__marker") == 1
    assert page.url == start_url
    assert SandboxRecord.objects.get().data["Email"] == "ada@example.com"


def test_a_validation_error_shows_on_its_field_in_place(page, topping, owner):
    sign_in(page, owner)
    page.goto(f"/t/{topping.namespace}/sandbox/")
    page.evaluate("window.__marker = 1")
    page.fill("#id_Email", "not-an-email")
    page.click("#save-record")
    error = page.wait_for_selector(".has-error small.error >> text=Email must be")
    assert "e-mail address" in error.text_content()
    assert page.evaluate("window.__marker") == 1
    assert not SandboxRecord.objects.exists()


def test_reset_asks_first_and_then_empties_the_sandbox(page, topping, owner):
    from sandbox import store

    store.create_record(topping, "Contacts", {"Last_Name": "Keep"}, fire=False)
    sign_in(page, owner)
    page.goto(f"/t/{topping.namespace}/sandbox/")
    page.evaluate("window.__marker = 1")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#reset-sandbox")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__marker") == 1  # not sent
    assert SandboxRecord.objects.count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#reset-sandbox")
    page.wait_for_selector("text=Sandbox reset (records: 1")
    assert not SandboxRecord.objects.exists()


def test_search_swaps_the_list_in_place(page, topping, owner):
    from sandbox import store

    for name in ("Lovelace", "Hopper"):
        store.create_record(topping, "Contacts", {"Last_Name": name}, fire=False)
    sign_in(page, owner)
    page.goto(f"/t/{topping.namespace}/sandbox/")
    page.evaluate("window.__marker = 1")
    page.fill("#id_q", "hop")
    page.press("#id_q", "Enter")
    page.wait_for_selector("text=matching “hop”")
    assert "Hopper" in page.text_content("#records")
    assert "Lovelace" not in page.text_content("#records")
    assert page.evaluate("window.__marker") == 1
    assert page.url.endswith("?q=hop")
