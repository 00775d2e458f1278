"""Executions out (list, filters, detail) and the OpenAPI document."""

from __future__ import annotations

import pytest
from django.urls import reverse

from console.apikeys import create_api_key
from tests.workflows.events_api import CONTACT, HOOK
from workflows.models import Execution, Rule

# ---------------------------------------------------------------------------- executions


@pytest.fixture
def executions(post_event, make_rule):
    """Two rules on Contacts create: ``hook`` matches, ``both`` has two actions."""
    hook = make_rule(name="hook", trigger=Rule.Trigger.CREATE, actions=[HOOK])
    both = make_rule(name="both", trigger=Rule.Trigger.CREATE, actions=[HOOK, HOOK])
    for n in range(2):
        record = {**CONTACT, "ID": str(100 + n)}
        assert (
            post_event({"module": "Contacts", "operation": "create", "record": record}).status_code
            == 202
        )
    Execution.objects.filter(rule=both).update(status=Execution.Status.FAILED)
    return hook, both


def test_executions_list_newest_first(api, topping, executions):
    response = api("get", f"/api/v1/toppings/{topping.namespace}/executions")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 6
    ids = [row["id"] for row in rows]
    assert ids == list(Execution.objects.values_list("pk", flat=True))
    assert ids == sorted(ids, reverse=True)
    first = rows[0]
    execution = Execution.objects.get(pk=first["id"])
    assert first["status"] == execution.status
    assert first["kind"] == "webhook"
    assert first["module"] == "Contacts"
    assert first["record_id"] == "101"
    assert first["event_id"] == execution.event_id
    assert first["rule_id"] == execution.rule_id
    assert first["attempts"] == 0 and first["info_lines"] == [] and first["calls"] == []


def test_executions_filter_by_status_and_rule(api, topping, executions):
    hook, both = executions
    url = f"/api/v1/toppings/{topping.namespace}/executions"
    failed = api("get", url, {"status": "failed"}).json()
    assert len(failed) == 4 and {row["rule_id"] for row in failed} == {both.pk}
    queued = api("get", url, {"status": "queued"}).json()
    assert len(queued) == 2 and {row["rule_id"] for row in queued} == {hook.pk}
    assert api("get", url, {"status": "succeeded"}).json() == []
    by_rule = api("get", url, {"rule": hook.pk}).json()
    assert {row["rule_id"] for row in by_rule} == {hook.pk} and len(by_rule) == 2
    assert api("get", url, {"rule": both.pk, "status": "queued"}).json() == []
    assert len(api("get", url, {"limit": 3}).json()) == 3
    assert len(api("get", url, {"limit": 0}).json()) == 1
    assert api("get", url, {"rule": "x"}).status_code == 422


def test_executions_of_other_toppings_are_never_listed(api, topping, executions, other_topping):
    _, foreign = create_api_key(other_topping, name="theirs", user=other_topping.created_by)
    own = api("get", f"/api/v1/toppings/{other_topping.namespace}/executions", key=foreign)
    assert own.status_code == 200 and own.json() == []
    across = api("get", f"/api/v1/toppings/{topping.namespace}/executions", key=foreign)
    assert across.status_code == 404
    assert (
        api("get", f"/api/v1/toppings/{topping.namespace}/executions", key=None).status_code == 401
    )


def test_execution_detail(api, topping, executions):
    execution = Execution.objects.filter(status="failed").first()
    Execution.objects.filter(pk=execution.pk).update(
        info_lines=["hello"],
        error={"message": "Division by zero", "line": 2, "column": 7},
        return_value={"ok": False},
        duration_ms=12.5,
    )
    response = api("get", f"/api/v1/toppings/{topping.namespace}/executions/{execution.pk}")
    assert response.status_code == 200
    detail = response.json()
    assert detail["id"] == execution.pk and detail["status"] == "failed"
    assert detail["info_lines"] == ["hello"]
    assert detail["error"] == {"message": "Division by zero", "line": 2, "column": 7}
    assert detail["return_value"] == {"ok": False}
    assert detail["duration_ms"] == 12.5
    assert detail["label"] == execution.label


def test_execution_detail_of_another_topping_is_404(api, topping, executions, other_topping):
    execution = Execution.objects.first()
    url = f"/api/v1/toppings/{topping.namespace}/executions/{execution.pk}"
    _, foreign = create_api_key(other_topping, name="theirs", user=other_topping.created_by)
    assert api("get", url, key=foreign).status_code == 404
    their_url = f"/api/v1/toppings/{other_topping.namespace}/executions/{execution.pk}"
    response = api("get", their_url, key=foreign)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    missing = f"/api/v1/toppings/{topping.namespace}/executions/999999"
    assert api("get", missing).status_code == 404
    assert api("get", url, key=None).status_code == 401


# --------------------------------------------------------------------------------- OpenAPI


def test_openapi_lists_the_workflow_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "post" in paths["/api/v1/toppings/{namespace}/events"]
    assert "get" in paths["/api/v1/toppings/{namespace}/executions"]
    assert "get" in paths["/api/v1/toppings/{namespace}/executions/{execution_id}"]
    assert reverse("api:topping_events", args=["x"]) == "/api/v1/toppings/x/events"
