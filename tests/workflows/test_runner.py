"""Running executions: each action kind, argument mapping, retries, idempotency, secrets."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.utils import timezone

from tests.connections.fixtures import CANARY
from workflows import dispatch, hooks, isolation, queue, records, runner, tasks
from workflows.host import WorkflowHost
from workflows.models import Action, Execution, Rule
from workflows.schemas import ErrorInfo

CONTACT = {"ID": "7", "Last_Name": "Lovelace", "Email": "ada@example.com", "Title": "Countess"}


@pytest.fixture
def emit(topping, django_capture_on_commit_callbacks):
    def fire(operation="create", record=CONTACT, previous=None, module="Contacts"):
        with django_capture_on_commit_callbacks(execute=True):
            return dispatch.record_event(
                topping, module=module, operation=operation, record=record, previous=previous
            )

    return fire


def only_execution() -> Execution:
    [execution] = Execution.objects.all()
    return execution


def test_function_action_maps_record_field_and_constant(emit, make_rule, make_function, drain):
    function = make_function(
        "greet",
        'info contact.get("Contacts.Email");\ninfo mail + " " + times;\nreturn times * 2;',
        [
            {"name": "contact", "type": "map"},
            {"name": "mail", "type": "string"},
            {"name": "times", "type": "int"},
        ],
    )
    make_rule(
        trigger=Rule.Trigger.CREATE,
        actions=[
            {
                "kind": Action.Kind.FUNCTION,
                "function": function,
                "config": {
                    "arguments": {
                        "contact": {"source": "record"},
                        "mail": {"source": "field", "value": "Last_Name"},
                        "times": {"source": "constant", "value": "21"},
                    }
                },
            }
        ],
    )
    emit()
    assert drain() == ["succeeded"]
    execution = only_execution()
    assert execution.info_lines == ["ada@example.com", "Lovelace 21"]
    assert execution.return_value == 42
    assert execution.arguments["times"] == 21
    assert execution.attempts == 1 and execution.finished_at is not None


def test_function_error_has_line_and_column(emit, make_rule, make_function, drain):
    function = make_function("broken", "x = 1;\ny = x / 0;\nreturn y;", [])
    make_rule(actions=[{"kind": Action.Kind.FUNCTION, "function": function}])
    emit()
    assert drain() == ["failed"]
    error = only_execution().error
    assert error["line"] == 2 and error["column"] >= 1
    assert "zero" in error["message"].lower()


def test_function_invokeurl_with_connection_is_injected_and_redacted(
    emit, make_rule, make_function, drain, api_connection, echo_server
):
    code = (
        'r = invokeurl [ url: "' + echo_server.url + '/contacts?email=" + contact.get("Email")\n'
        '  type: GET connection: "books" ];\ninfo r.get("method");\nreturn r.get("query");'
    )
    function = make_function("lookup", code, [{"name": "contact", "type": "map"}])
    assert function.connections == ["books"]
    make_rule(
        actions=[
            {
                "kind": Action.Kind.FUNCTION,
                "function": function,
                "config": {"arguments": {"contact": {"source": "record"}}},
            }
        ]
    )
    emit()
    assert drain() == ["succeeded"]
    execution = only_execution()
    assert echo_server.requests[-1]["headers"]["authorization"] == f"Bearer {CANARY}"
    assert execution.return_value == {"email": "ada@example.com"}
    [call] = execution.calls
    assert call["method"] == "GET" and call["status"] == 200 and call["connection"] == "books"
    stored = json.dumps(
        [execution.calls, execution.info_lines, execution.return_value, execution.arguments]
    )
    assert CANARY not in stored


def test_webhook_fills_placeholders_and_sends_an_idempotency_key(
    emit, make_rule, drain, echo_server, loopback_allowed
):
    make_rule(
        actions=[
            {
                "kind": Action.Kind.WEBHOOK,
                "config": {
                    "method": "POST",
                    "url": echo_server.url + "/hook?who=${Contacts.Last_Name}",
                    "headers": [["X-Title", "${Contacts.Title}"]],
                    "body": '{"email": "${Contacts.Email}"}',
                },
            }
        ]
    )
    emit()
    assert drain() == ["succeeded"]
    request = echo_server.requests[-1]
    assert request["query"] == {"who": "Lovelace"}
    assert request["headers"]["x-title"] == "Countess"
    assert json.loads(request["body"]) == {"email": "ada@example.com"}
    assert request["headers"]["idempotency-key"] == only_execution().idempotency_key


def test_webhook_through_a_connection(emit, make_rule, drain, api_connection, echo_server):
    make_rule(
        actions=[
            {
                "kind": Action.Kind.WEBHOOK,
                "config": {"method": "PUT", "url": "/things/${Contacts.ID}", "connection": "books"},
            }
        ]
    )
    emit()
    assert drain() == ["succeeded"]
    assert echo_server.requests[-1]["path"] == "/things/7"
    assert echo_server.requests[-1]["headers"]["authorization"] == f"Bearer {CANARY}"
    assert CANARY not in json.dumps(only_execution().calls)


def test_503_retries_with_backoff_then_succeeds(
    emit, make_rule, drain, echo_server, loopback_allowed, settings
):
    settings.WORKFLOW_RETRY_BASE_SECONDS = 10
    make_rule(actions=[{"kind": Action.Kind.WEBHOOK, "config": {"url": echo_server.url}}])
    echo_server.statuses = [503, 503]
    emit()
    assert drain() == ["retrying"]
    first = only_execution()
    assert first.status == "retrying" and first.attempts == 1
    wait = (first.due_at - dt.datetime.fromisoformat(first.log[0]["at"])).total_seconds()
    assert 9 <= wait <= 11
    later = timezone.now() + dt.timedelta(seconds=11)
    assert tasks.pump(now=later)["due"] == 1
    Execution.objects.update(due_at=timezone.now())
    assert drain() == ["retrying"]
    second = only_execution()
    assert second.attempts == 2
    assert 19 <= (second.due_at - timezone.now()).total_seconds() <= 21  # doubled
    Execution.objects.update(due_at=timezone.now())
    assert drain() == ["succeeded"]
    final = only_execution()
    assert final.attempts == 3 and len(final.log) == 3
    assert [entry["ok"] for entry in final.log] == [False, False, True]


def test_failing_forever_stops_at_the_maximum(
    emit, make_rule, drain, echo_server, loopback_allowed, settings
):
    settings.WORKFLOW_MAX_ATTEMPTS = 3
    make_rule(actions=[{"kind": Action.Kind.WEBHOOK, "config": {"url": echo_server.url}}])
    echo_server.statuses = [500] * 10
    emit()
    for expected in ("retrying", "retrying", "failed"):
        Execution.objects.update(due_at=timezone.now())
        assert drain() == [expected]
    execution = only_execution()
    assert execution.attempts == 3 and execution.finished_at is not None
    assert execution.error["message"] == "POST answered 500"
    assert len(echo_server.requests) == 3
    Execution.objects.update(due_at=timezone.now())
    assert drain() == []  # nothing more is tried


def test_permanent_failure_fails_at_once(emit, make_rule, drain, echo_server, loopback_allowed):
    make_rule(actions=[{"kind": Action.Kind.WEBHOOK, "config": {"url": echo_server.url}}])
    echo_server.statuses = [404]
    emit()
    assert drain() == ["failed"]
    assert only_execution().attempts == 1


def test_refused_destination_is_a_permanent_failure(emit, make_rule, drain):
    make_rule(actions=[{"kind": Action.Kind.WEBHOOK, "config": {"url": "http://10.0.0.1/x"}}])
    emit()
    assert drain() == ["failed"]
    assert "private address 10.0.0.1, which is not allowed" in only_execution().error["message"]


def test_a_task_delivered_twice_runs_its_side_effect_once(
    emit, make_rule, echo_server, loopback_allowed
):
    make_rule(actions=[{"kind": Action.Kind.WEBHOOK, "config": {"url": echo_server.url}}])
    emit()
    execution = only_execution()
    assert tasks.run(execution.pk) == "succeeded"
    assert tasks.run(execution.pk) is None  # the re-delivery finds nothing to claim
    assert len(echo_server.requests) == 1


def test_a_run_past_its_lease_is_taken_over_and_the_old_attempt_cannot_finish(
    emit, make_rule, echo_server, loopback_allowed
):
    make_rule(actions=[{"kind": Action.Kind.WEBHOOK, "config": {"url": echo_server.url}}])
    emit()
    execution = only_execution()
    stale = runner.claim(execution.pk)
    assert runner.claim(execution.pk) is None  # leased
    Execution.objects.update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert tasks.pump()["reclaimed"] == 1
    assert tasks.run(execution.pk) == "succeeded"
    assert runner.finish(stale, runner.Outcome(False, error=ErrorInfo("late")), 1.0) is None
    final = only_execution()
    assert final.status == "succeeded" and final.attempts == 2


def test_lost_worker_without_attempts_left_fails_visibly(emit, make_rule, settings):
    settings.WORKFLOW_MAX_ATTEMPTS = 1
    make_rule(actions=[{"kind": Action.Kind.WEBHOOK, "config": {"url": "http://h"}}])
    emit()
    execution = only_execution()
    runner.claim(execution.pk)
    Execution.objects.update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert tasks.pump()["given_up"] == 1
    assert only_execution().status == "failed"


def test_retry_of_a_failed_run(
    emit, make_rule, drain, echo_server, loopback_allowed, django_capture_on_commit_callbacks
):
    make_rule(actions=[{"kind": Action.Kind.WEBHOOK, "config": {"url": echo_server.url}}])
    echo_server.statuses = [400]
    emit()
    assert drain() == ["failed"]
    with django_capture_on_commit_callbacks(execute=True):
        queue.requeue_failed(only_execution())
    assert only_execution().status == "queued"
    assert drain() == ["succeeded"]
    assert only_execution().attempts == 2


class _MemoryStore:
    """The record-store interface, as the sandbox app implements it, kept in memory."""

    def __init__(self, topping, user, host):
        self.calls = _MemoryStore.seen

    seen: list = []

    def perform(self, call: records.RecordCall):
        self.calls.append(call)
        return {"data": [{"code": "SUCCESS", "details": {"id": call.record_id}}]}


def test_field_update_goes_to_the_record_store(
    topping, make_rule, drain, monkeypatch, django_capture_on_commit_callbacks
):
    _MemoryStore.seen = []

    class MemoryHost(WorkflowHost):
        def store(self):
            return _MemoryStore(self.topping, self.user, self)

    monkeypatch.setitem(hooks.ENVIRONMENT_HOSTS._items, "sandbox", MemoryHost)
    make_rule(
        actions=[{"kind": Action.Kind.FIELD_UPDATE, "config": {"field": "Title", "value": "Dr"}}]
    )
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.record_event(
            topping, module="Contacts", operation="create", record=CONTACT, environment="sandbox"
        )
    assert drain() == ["succeeded"]
    [call] = _MemoryStore.seen
    assert (call.op, call.module, call.record_id, call.data) == (
        "update",
        "Contacts",
        "7",
        {"Title": "Dr"},
    )
    assert call.trigger == []  # a field update does not fire workflows


def test_field_update_value_is_checked_against_the_field(emit, make_rule, drain):
    make_rule(
        actions=[{"kind": Action.Kind.FIELD_UPDATE, "config": {"field": "Email", "value": "nope"}}]
    )
    emit()
    assert drain() == ["failed"]
    assert "e-mail" in only_execution().error["message"]


def test_host_api_store_reaches_the_host_through_a_connection(
    make_function, api_connection, echo_server, owner
):
    function = make_function(
        "read",
        'r = zoho.bigin.getRecordById("Contacts", 42, Map(), "books");\nreturn r;',
    )
    execution = isolation.execute_now(function, {}, user=owner, environment="production")
    assert execution.status == "succeeded", execution.error
    request = echo_server.requests[-1]
    assert request["method"] == "GET" and request["path"] == "/Contacts/42"
    assert request["headers"]["authorization"] == f"Bearer {CANARY}"


def test_sendmail_uses_django_mail(make_function, owner):
    function = make_function(
        "notify",
        'sendmail [ from: zoho.adminuserid to: "a@example.com" subject: "Hi" message: "Body" ];',
    )
    execution = isolation.execute_now(function, {}, user=owner)
    assert execution.status == "succeeded", execution.error
    [message] = mail.outbox
    assert message.to == ["a@example.com"] and message.subject == "Hi"
    assert execution.calls[0]["kind"] == "sendmail"


def test_execute_now_records_a_test_run(make_function, owner):
    function = make_function(
        "echo", 'info "got " + n;\nreturn n + 1;', [{"name": "n", "type": "int"}]
    )
    execution = isolation.execute_now(function, {"n": "4"}, user=owner)
    assert execution.kind == "test" and execution.environment == "sandbox"
    assert execution.info_lines == ["got 4"] and execution.return_value == 5


def test_runtime_error_on_the_first_body_line_has_the_body_column(make_function, owner):
    function = make_function("first", "x = 1 / 0;\nreturn x;")
    execution = isolation.execute_now(function, {}, user=owner)
    assert execution.status == "failed"
    assert execution.error["line"] == 1
    assert execution.error["column"] <= len("x = 1 / 0;")
    assert execution.error["source_line"] == "x = 1 / 0;"
