"""Every function, rule and execution page is for the topping's members only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.workflows.pages import url
from workflows.models import Action, Execution

PAGES = [
    ("get", "function_list", ()),
    ("get", "function_create", ()),
    ("post", "function_create", ()),
    ("get", "function_edit", ("function",)),
    ("post", "function_edit", ("function",)),
    ("post", "function_delete", ("function",)),
    ("get", "rule_list", ()),
    ("get", "rule_create", ()),
    ("post", "rule_create", ()),
    ("get", "rule_detail", ("rule",)),
    ("get", "rule_edit", ("rule",)),
    ("post", "rule_edit", ("rule",)),
    ("post", "rule_toggle", ("rule",)),
    ("post", "rule_delete", ("rule",)),
    ("get", "action_create", ("rule", "webhook")),
    ("post", "action_create", ("rule", "webhook")),
    ("get", "action_edit", ("rule", "action")),
    ("post", "action_edit", ("rule", "action")),
    ("post", "action_delete", ("rule", "action")),
    ("get", "execution_list", ()),
    ("get", "execution_detail", ("execution",)),
    ("post", "execution_retry", ("execution",)),
]


@pytest.fixture
def things(make_function, make_rule, topping):
    function = make_function("greet", 'info "hi";')
    rule = make_rule(actions=[{"kind": Action.Kind.FUNCTION, "function": function}])
    execution = Execution.objects.create(
        topping=topping,
        rule=rule,
        kind="function",
        idempotency_key="k1",
        due_at=timezone.now(),
        status=Execution.Status.FAILED,
    )
    return {
        "function": function.pk,
        "rule": rule.pk,
        "action": rule.actions.get().pk,
        "execution": execution.pk,
        "webhook": "webhook",
    }


def _url(things, topping, name, args) -> str:
    return url(name, topping, *[things[a] for a in args])


@pytest.mark.parametrize(("method", "name", "args"), PAGES)
def test_stranger_gets_404_on_every_workflow_page(
    things, topping, stranger, client_for, method, name, args
):
    response = getattr(client_for(stranger), method)(_url(things, topping, name, args))
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "name", "args"), PAGES)
def test_anonymous_is_sent_to_sign_in(things, topping, client, method, name, args):
    response = getattr(client, method)(_url(things, topping, name, args))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("method", "name", "args"), [p for p in PAGES if p[0] == "get"])
def test_developer_members_can_open_every_page(
    things, topping, teammate, client_for, method, name, args
):
    response = client_for(teammate).get(_url(things, topping, name, args))
    assert response.status_code == 200


def test_objects_of_another_topping_are_404_to_members(things, topping, make_user, client_for):
    from console import services

    other = services.create_topping(name="Other Topping", user=make_user())
    response = client_for(other.created_by).get(url("function_edit", other, things["function"]))
    assert response.status_code == 404
    response = client_for(other.created_by).get(url("execution_detail", other, things["execution"]))
    assert response.status_code == 404


def test_stranger_changes_nothing(things, topping, stranger, client_for):
    client = client_for(stranger)
    client.post(url("rule_toggle", topping, things["rule"]))
    client.post(url("function_delete", topping, things["function"]))
    client.post(url("execution_retry", topping, things["execution"]))
    assert topping.rules.get().active is True
    assert topping.functions.count() == 1
    assert Execution.objects.get().status == Execution.Status.FAILED
