"""Canary: a connection's secret never shows up in what the workflow engine stores or says.

The ``books`` connection's bearer token is ``CANARY``; the loopback echo server reflects every
request it gets (headers included), so a run that stores any part of what was sent or
received without redaction would carry the token into executions, task payloads or logs.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connection as db
from django_q.models import OrmQ
from django_q.signing import SignedPackage

from console.apikeys import create_api_key
from tests.connections.fixtures import CANARY
from workflows.models import Action, Event, Execution, Rule

CONTACT = {"ID": "4150868000000224005", "Last_Name": "Lovelace", "Email": "ada@example.com"}

LEAKY_CODE = """r = invokeurl
[
  url: "/echo?email=" + contact.get("Email")
  type: GET
  connection: "books"
];
info r;
info r.toString();
return r;"""


def _canary_variants() -> list[str]:
    import base64
    from urllib.parse import quote

    return [
        CANARY,
        CANARY.lower(),
        quote(CANARY),
        base64.b64encode(CANARY.encode()).decode(),
        base64.b64encode(f"Bearer {CANARY}".encode()).decode(),
    ]


def assert_clean(where: str, text: str) -> None:
    for variant in _canary_variants():
        assert variant not in text, f"the secret leaked into {where}"


@pytest.fixture
def run_through_events(
    api_connection,
    echo_server,
    make_function,
    make_rule,
    topping,
    owner,
    client,
    drain,
    caplog,
    django_capture_on_commit_callbacks,
):
    """Send one event through the API to a rule with a leaky function and a webhook."""
    for name in ("", "workflows", "connections", "django_q", "urllib3", "django"):
        caplog.set_level(logging.DEBUG, logger=name)
    function = make_function("leaky", LEAKY_CODE, [{"name": "contact", "type": "map"}])
    assert function.connections == ["books"]
    make_rule(
        trigger=Rule.Trigger.CREATE,
        actions=[
            {
                "kind": Action.Kind.FUNCTION,
                "function": function,
                "config": {"arguments": {"contact": {"source": "record"}}},
            },
            {
                "kind": Action.Kind.WEBHOOK,
                "config": {
                    "method": "POST",
                    "url": "/hook/${Contacts.ID}",
                    "connection": "books",
                    "headers": [["X-Who", "${Contacts.Last_Name}"]],
                    "body": '{"email": "${Contacts.Email}"}',
                },
            },
        ],
    )
    _, raw_key = create_api_key(topping, name="host", user=owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/toppings/{topping.namespace}/events",
            json.dumps({"module": "Contacts", "operation": "create", "record": CONTACT}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw_key}",
        )
    assert response.status_code == 202, response.content
    payloads = list(OrmQ.objects.values_list("payload", flat=True))
    statuses = drain()
    return {"statuses": statuses, "payloads": payloads, "raw_key": raw_key}


def test_the_runs_really_used_the_secret(run_through_events, echo_server):
    """Guard: the canary did travel to the service, so its absence below means redaction."""
    assert sorted(run_through_events["statuses"]) == ["succeeded", "succeeded"]
    sent = [request["headers"]["authorization"] for request in echo_server.requests]
    assert sent == [f"Bearer {CANARY}", f"Bearer {CANARY}"]
    function_run = Execution.objects.get(kind="function")
    assert function_run.info_lines, "the function logged the response"
    assert function_run.return_value["path"] == "/echo"
    assert function_run.return_value["query"] == {"email": CONTACT["Email"]}
    webhook_run = Execution.objects.get(kind="webhook")
    assert [call["connection"] for call in webhook_run.calls] == ["books"]
    paths = sorted(request["path"] for request in echo_server.requests)
    assert paths == ["/echo", f"/hook/{CONTACT['ID']}"]


def test_no_secret_in_executions(run_through_events):
    rows = list(Execution.objects.values())
    assert len(rows) == 2
    for row in rows:
        assert_clean(f"execution {row['id']}", json.dumps(row, default=str))


def test_no_secret_in_events(run_through_events):
    rows = list(Event.objects.values())
    assert len(rows) == 1
    assert_clean("the event", json.dumps(rows, default=str))


def test_no_secret_in_task_payloads(run_through_events):
    payloads = run_through_events["payloads"]
    queued = []
    for payload in payloads:
        assert_clean("a raw task payload", payload)
        task = SignedPackage.loads(payload)
        assert task["func"] == "workflows.tasks.run"
        assert_clean("a task", json.dumps(task, default=str))
        assert all(isinstance(arg, int) for arg in task["args"])  # ids only
        assert task["kwargs"] == {}
        queued += task["args"]
    assert sorted(queued) == sorted(Execution.objects.values_list("pk", flat=True))


def test_no_secret_in_logs(run_through_events, caplog):
    assert_clean("the logs", caplog.text)
    for record in caplog.records:
        assert_clean(f"log record {record.name}", repr(record.__dict__))


def test_no_secret_in_the_rest_api(run_through_events, client, topping):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {run_through_events['raw_key']}"}
    base = f"/api/v1/toppings/{topping.namespace}/executions"
    listing = client.get(base, **headers)
    assert listing.status_code == 200 and len(listing.json()) == 2
    assert_clean("the execution list", listing.content.decode())
    for execution in Execution.objects.all():
        detail = client.get(f"{base}/{execution.pk}", **headers)
        assert detail.status_code == 200
        assert detail.json()["calls"], "the trace shows the calls made"
        assert_clean(f"the API detail of execution {execution.pk}", detail.content.decode())


def test_no_secret_in_any_table(run_through_events):
    """Every table, read as stored (credentials are encrypted, so not even they match)."""
    with db.cursor() as cursor:
        for table in db.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {db.ops.quote_name(table)}")
            text = repr(cursor.fetchall())
            assert_clean(f"table {table}", text)


def test_save_and_execute_keeps_no_secret(api_connection, make_function, owner, echo_server):
    from workflows.isolation import execute_now

    function = make_function("leaky_test", LEAKY_CODE, [{"name": "contact", "type": "map"}])
    execution = execute_now(function, {"contact": {"Email": "a@b.co"}}, user=owner)
    assert execution.status == Execution.Status.SUCCEEDED, execution.error
    assert echo_server.requests[-1]["headers"]["authorization"] == f"Bearer {CANARY}"
    row = Execution.objects.filter(pk=execution.pk).values().get()
    assert_clean("a Save & Execute run", json.dumps(row, default=str))


def test_no_secret_in_a_failed_run(api_connection, make_function, make_rule, drain, echo_server,
                                   topping, django_capture_on_commit_callbacks):  # fmt: skip
    """An error built from the response (here: a failing call's body) stays clean too."""
    from workflows import dispatch

    code = (
        'r = invokeurl [ url: "/fail" type: GET connection: "books" detailed: true ];\nx = 1 / 0;'
    )
    function = make_function("failing", code, [])
    make_rule(trigger=Rule.Trigger.CREATE, actions=[{"kind": "function", "function": function}])
    echo_server.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.record_event(topping, module="Contacts", operation="create", record=CONTACT)
    assert drain() == ["failed"]
    row = Execution.objects.values().get()
    assert row["error"]["line"] == 2
    assert_clean("a failed run", json.dumps(row, default=str))
