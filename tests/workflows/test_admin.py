"""Operators' admin: rule activation, execution retry, read-only events and executions."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from workflows.models import Event, Execution, Rule


@pytest.fixture
def operator(make_user, client_for):
    return client_for(make_user("ops@example.com", is_staff=True, is_superuser=True))


def changelist(model: str) -> str:
    return reverse(f"admin:workflows_{model}_changelist")


def run_action(client, model: str, action: str, pks: list[int]):
    return client.post(
        changelist(model),
        {"action": action, "_selected_action": [str(pk) for pk in pks]},
        follow=True,
    )


@pytest.mark.parametrize("model", ["function", "rule", "event", "execution", "modulefield"])
def test_every_workflow_model_is_listed(operator, model, make_rule, make_function):
    make_function("f", "return 1;")
    make_rule()
    assert operator.get(changelist(model)).status_code == 200


def test_rule_list_filters_and_deactivate_activate_actions(operator, make_rule):
    on, off = make_rule(name="On"), make_rule(name="Off", active=False, module="Deals")
    body = operator.get(changelist("rule"), {"module": "Deals"}).content.decode()
    assert ">Off<" in body and ">On<" not in body
    run_action(operator, "rule", "deactivate", [on.pk, off.pk])
    assert list(Rule.objects.filter(active=True)) == []
    response = run_action(operator, "rule", "activate", [off.pk])
    assert "1 rule(s) activated." in response.content.decode()
    assert set(Rule.objects.filter(active=True)) == {off}


def test_rule_page_has_its_actions_inline(operator, make_rule):
    rule = make_rule(actions=[{"kind": "webhook", "config": {"url": "https://h.example.com"}}])
    body = operator.get(reverse("admin:workflows_rule_change", args=[rule.pk])).content.decode()
    assert "actions-TOTAL_FORMS" in body and "https://h.example.com" in body


def test_execution_retry_action_requeues_failed_runs_only(operator, topping):
    def make(key: str, status: str) -> Execution:
        return Execution.objects.create(
            topping=topping, kind="webhook", idempotency_key=key, due_at=timezone.now(),
            status=status, attempts=5, max_attempts=5,
        )  # fmt: skip

    failed, done = make("a", "failed"), make("b", "succeeded")
    response = run_action(operator, "execution", "retry", [failed.pk, done.pk])
    assert "1 run(s) queued again." in response.content.decode()
    failed.refresh_from_db()
    done.refresh_from_db()
    assert failed.status == "queued" and failed.max_attempts > 5
    assert done.status == "succeeded"


def test_events_and_executions_are_read_only(operator, topping):
    event = Event.objects.create(
        topping=topping, module="Contacts", operation="create", occurred_at=timezone.now()
    )
    execution = Execution.objects.create(
        topping=topping, kind="webhook", idempotency_key="k", due_at=timezone.now(), event=event
    )
    assert operator.get(reverse("admin:workflows_event_add")).status_code == 403
    assert operator.get(reverse("admin:workflows_execution_add")).status_code == 403
    page = operator.get(reverse("admin:workflows_execution_change", args=[execution.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    operator.post(
        reverse("admin:workflows_execution_change", args=[execution.pk]), {"status": "failed"}
    )
    execution.refresh_from_db()
    assert execution.status == "queued"


def test_execution_list_filters_by_status(operator, topping):
    for key, status in (("a", "failed"), ("b", "succeeded")):
        Execution.objects.create(
            topping=topping, kind="webhook", label=f"label-{key}", idempotency_key=key,
            due_at=timezone.now(), status=status,
        )  # fmt: skip
    body = operator.get(changelist("execution"), {"status__exact": "failed"}).content.decode()
    assert "label-a" in body and "label-b" not in body
