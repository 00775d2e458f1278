"""The execution log: filters, pages, the full trace of a run, Retry, and the runs chart."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.utils import timezone

from console.models import AuditEntry
from tests.workflows.pages import url
from workflows import charts, runner
from workflows.models import Event, Execution

_keys = itertools.count()


@pytest.fixture
def make_execution(topping):
    def make(**fields) -> Execution:
        fields.setdefault("kind", "webhook")
        fields.setdefault("label", f"run {next(_keys)}")
        fields.setdefault("due_at", timezone.now())
        created_at = fields.pop("created_at", None)
        execution = Execution.objects.create(
            topping=topping, idempotency_key=f"key-{next(_keys)}", **fields
        )
        if created_at is not None:  # auto_now_add cannot be set on create
            Execution.objects.filter(pk=execution.pk).update(created_at=created_at)
        return execution

    return make


def labels(body: str) -> set[str]:
    return set(re.findall(r">(run [^<]+|[A-Z][a-z]+ run)</a>", body))


def test_list_filters_by_rule_status_and_date(
    topping, owner, client_for, make_rule, make_execution
):
    first, second = make_rule(name="First"), make_rule(name="Second")
    now = timezone.now()
    make_execution(
        label="Old run", rule=first, status="succeeded", created_at=now - dt.timedelta(days=3)
    )
    make_execution(label="Failed run", rule=first, status="failed")
    make_execution(label="Other run", rule=second, status="succeeded")
    client = client_for(owner)
    page = url("execution_list", topping)
    assert labels(client.get(page).content.decode()) == {"Old run", "Failed run", "Other run"}
    assert labels(client.get(page, {"rule": first.pk}).content.decode()) == {
        "Old run",
        "Failed run",
    }
    assert labels(client.get(page, {"status": "failed"}).content.decode()) == {"Failed run"}
    since = (now - dt.timedelta(days=1)).date().isoformat()
    body = client.get(page, {"date_from": since}).content.decode()
    assert labels(body) == {"Failed run", "Other run"}
    until = (now - dt.timedelta(days=2)).date().isoformat()
    assert labels(client.get(page, {"date_to": until}).content.decode()) == {"Old run"}


def test_list_is_paginated_and_keeps_the_filter(topping, owner, client_for, make_execution):
    for _ in range(55):
        make_execution(status="failed")
    make_execution(status="succeeded")
    client = client_for(owner)
    body = client.get(url("execution_list", topping), {"status": "failed"}).content.decode()
    assert "55 runs" in body and "Page 1 of 2" in body
    assert "?status=failed&amp;page=2" in body
    body = client.get(url("execution_list", topping), {"status": "failed", "page": 2}).content
    assert body.decode().count('<span class="badge badge-bad">Failed</span>') == 5


def test_list_shows_only_the_toppings_runs(topping, owner, make_user, client_for, make_execution):
    from console import services

    make_execution(label="Mine run")
    other = services.create_topping(name="Someone Else", user=make_user())
    Execution.objects.create(
        topping=other,
        kind="webhook",
        label="Theirs run",
        idempotency_key="x",
        due_at=timezone.now(),
    )
    assert labels(client_for(owner).get(url("execution_list", topping)).content.decode()) == {
        "Mine run"
    }


def test_detail_shows_the_whole_trace(topping, owner, client_for, make_rule, make_execution):
    rule = make_rule(name="Sync contact")
    event = Event.objects.create(
        topping=topping,
        module="Contacts",
        operation="create",
        record_id="42",
        record={"ID": "42", "Email": "ada@example.com"},
        occurred_at=timezone.now(),
        evaluation=[
            {
                "rule": rule.pk,
                "name": "Sync contact",
                "matched": True,
                "reason": "created",
                "conditions": [
                    {
                        "number": 1,
                        "field": "Email",
                        "operator": "is not empty",
                        "value": "",
                        "value2": "",
                        "actual": "ada@example.com",
                        "result": True,
                    }
                ],
            },
            {"rule": 999, "name": "Other rule", "matched": False, "reason": "trigger is edit"},
        ],
    )
    execution = make_execution(
        rule=rule,
        event=event,
        kind="function",
        label="Sync contact: sync",
        status="failed",
        attempts=2,
        arguments={"contact": {"Email": "ada@example.com"}},
        info_lines=["searching ada@example.com"],
        calls=[
            {"kind": "invokeurl", "method": "GET", "url": "https://books.example.com/c?email=ada",
             "status": 503, "ms": 12.5, "error": ""}
        ],
        error={"type": "Runtime error", "message": "Service unavailable", "line": 4,
               "column": 7, "source_line": "r = invokeurl [ ... ];"},
        log=[{"attempt": 1, "at": "2025-01-01T10:00:00", "ok": False, "ms": 20.0,
              "error": "GET answered 503"}],
    )  # fmt: skip
    body = client_for(owner).get(execution.get_absolute_url()).content.decode()
    for text in (
        "Sync contact: sync",
        "2 of 5",
        "Contacts",
        "42",
        "matched",
        "trigger is edit",
        "1. Email is not empty",
        "searching ada@example.com",
        "https://books.example.com/c?email=ada",
        "<td>503</td>",
        "Runtime error at line 4, column 7: Service unavailable",
        "r = invokeurl [ ... ];\n      ^",
        "GET answered 503",
        "&quot;contact&quot;",
    ):
        assert text in body, text
    assert ">Retry</button>" in body


def test_retry_requeues_a_failed_run_and_it_runs_again(
    topping, owner, client_for, make_function, make_execution, django_capture_on_commit_callbacks
):
    from django_q.models import OrmQ

    function = make_function("again", 'info "second try";\nreturn 5;')
    execution = make_execution(
        kind="function", function=function, status="failed", attempts=1, max_attempts=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(url("execution_retry", topping, execution.pk))
    assert response.status_code == 302
    execution.refresh_from_db()
    assert execution.status == Execution.Status.QUEUED
    assert execution.max_attempts > execution.attempts
    assert OrmQ.objects.count() == 1
    assert AuditEntry.objects.filter(action="workflows.execution.retried").exists()
    assert runner.run_execution(execution.pk) == Execution.Status.SUCCEEDED
    execution.refresh_from_db()
    assert execution.info_lines == ["second try"] and execution.return_value == 5


def test_only_failed_runs_can_be_retried(topping, owner, client_for, make_execution):
    execution = make_execution(status="succeeded")
    response = client_for(owner).post(url("execution_retry", topping, execution.pk), follow=True)
    assert "Only a failed run can be retried." in response.content.decode()
    execution.refresh_from_db()
    assert execution.status == "succeeded"
    assert ">Retry</button>" not in response.content.decode()


# ------------------------------------------------------------------------------ charts


@pytest.fixture
def busy_day(make_execution):
    now = timezone.now()
    for status in ("succeeded", "succeeded", "succeeded", "failed"):
        make_execution(status=status, finished_at=now)
    for _ in range(2):
        make_execution(status="succeeded", finished_at=now - dt.timedelta(hours=5))
    make_execution(status="succeeded", finished_at=now - dt.timedelta(hours=30))  # too old
    make_execution(status="queued")  # not finished: not a run yet
    return now


def test_runs_per_hour_counts_the_last_24_hours(topping, busy_day):
    chart = charts.runs_per_hour(topping, now=busy_day)
    assert len(chart.bars) == 24
    assert (chart.runs, chart.failures, chart.peak) == (6, 1, 4)
    last, five_ago = chart.bars[-1], chart.bars[-6]
    assert (last.runs, last.failures, last.run_height, last.failure_height) == (4, 1, 100, 25)
    assert (five_ago.runs, five_ago.failures, five_ago.run_height) == (2, 0, 50)
    assert sum(b.runs for b in chart.bars) == 6


def test_executions_page_draws_the_chart_as_inline_svg(topping, owner, client_for, busy_day):
    body = client_for(owner).get(url("execution_list", topping)).content.decode()
    svg = body.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert svg.count('class="runs"') == 2 and svg.count('class="failures"') == 1
    assert 'height="100.0"' in svg and 'height="25.0"' in svg
    assert "4 runs, 1 failed</title>" in svg
    assert "6 runs, 1 failed in the last 24 hours" in body


def test_topping_dashboard_shows_the_runs_chart(topping, teammate, client_for, busy_day):
    body = client_for(teammate).get(topping.get_absolute_url()).content.decode()
    assert "Runs and failures per hour" in body
    assert "<svg" in body and "4 runs, 1 failed</title>" in body
