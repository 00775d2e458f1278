"""Scripts started from a web request run in a child process: the web process stays free,
the run is killed at its hard deadline, and its memory is capped.

These tests commit for real (a child process cannot see a test's open transaction)."""

from __future__ import annotations

import threading
import time

import pytest
from django.test import Client, override_settings

from tests.workflows.pages import function_data, url
from workflows import isolation
from workflows.models import Execution, Function

pytestmark = pytest.mark.django_db(transaction=True)

RUNAWAY = 's = leftpad("", 40).replaceAll(" ", "a") + "!";\nreturn s.matches("(a|aa)+$");'
PROCESS = {"CONSOLE_SCRIPT_ISOLATION": "process", "CONSOLE_SCRIPT_WAIT_SECONDS": 20}


def save_and_execute(client: Client, topping, code: str, name: str = "f"):
    return client.post(
        url("function_create", topping), function_data(name, code, execute="1"), follow=True
    )


@override_settings(**PROCESS)
def test_save_and_execute_runs_in_a_child_and_shows_the_result(topping, owner, client_for):
    response = save_and_execute(client_for(owner), topping, 'info "hi";\nreturn 6 * 7;')
    execution = Execution.objects.get()
    assert execution.status == Execution.Status.SUCCEEDED
    assert execution.return_value == 42 and execution.info_lines == ["hi"]
    body = response.content.decode()
    assert 'data-state="finished"' in body and "Running…" not in body


@override_settings(**PROCESS, DELUGE_MAX_REGEX_SECONDS=30, CONSOLE_SCRIPT_HARD_SECONDS=1.5)
def test_a_runaway_script_is_killed_while_other_requests_are_served(topping, owner, client_for):
    client = client_for(owner)
    result = {}
    poster = threading.Thread(
        target=lambda: result.update(response=save_and_execute(client, topping, RUNAWAY))
    )
    started = time.monotonic()
    poster.start()
    time.sleep(0.5)  # the script is running now
    health_started = time.monotonic()
    health = Client().get("/api/v1/health")
    assert health.status_code == 200
    assert time.monotonic() - health_started < 1.0
    poster.join(15)
    assert not poster.is_alive()
    assert time.monotonic() - started < 10  # not the 30 s the pattern was allowed
    execution = Execution.objects.get()
    assert execution.status == Execution.Status.FAILED
    assert "stopped after 1.5 s" in execution.error["message"]
    assert "CONSOLE_SCRIPT_HARD_SECONDS" in result["response"].content.decode()


@override_settings(**PROCESS, DELUGE_MAX_REGEX_SECONDS=0.3)
def test_the_regex_limit_ends_the_run_inside_the_child(topping, owner, client_for):
    save_and_execute(client_for(owner), topping, RUNAWAY)
    execution = Execution.objects.get()
    assert execution.status == Execution.Status.FAILED
    assert execution.error["message"].endswith("(max_regex_seconds)")
    assert execution.error["line"] == 2


@override_settings(**PROCESS, CONSOLE_SCRIPT_MEMORY_MB=64)
def test_a_script_over_the_memory_cap_fails_and_the_console_goes_on(topping, owner, client_for):
    # 150 distinct strings of 4 MB each: about 600 MB against a 64 MB cap.
    code = (
        'big = leftpad("", 4000000);\nkept = List();\n'
        'for each c in leftpad("", 150).toList("") { kept.add(big + kept.size()); }\n'
        "return kept.size();"
    )
    save_and_execute(client_for(owner), topping, code)
    execution = Execution.objects.get()
    assert execution.status == Execution.Status.FAILED
    assert execution.return_value is None
    assert "memory" in execution.error["message"].lower()
    assert Client().get("/api/v1/health").status_code == 200


@override_settings(**{**PROCESS, "CONSOLE_SCRIPT_WAIT_SECONDS": 0}, DELUGE_MAX_REGEX_SECONDS=1)
def test_the_page_polls_a_run_that_is_still_going(topping, owner, client_for):
    client = client_for(owner)
    response = client.post(
        url("function_create", topping), function_data("slow", RUNAWAY, execute="1")
    )
    page = client.get(response["Location"]).content.decode()
    function = Function.objects.get()
    execution = Execution.objects.get()
    assert 'data-state="running"' in page and "Running…" in page
    assert f'hx-get="{function.get_absolute_url()}?run={execution.pk}"' in page
    deadline = time.monotonic() + 10
    partial = ""
    while time.monotonic() < deadline:
        partial = client.get(
            f"{function.get_absolute_url()}?run={execution.pk}", HTTP_HX_REQUEST="true"
        ).content.decode()
        if 'data-state="finished"' in partial:
            break
        time.sleep(0.2)
    assert '<section class="card" id="result"' in partial
    assert 'data-state="finished"' in partial and "max_regex_seconds" in partial
    assert "<html" not in partial


@override_settings(CONSOLE_SCRIPT_ISOLATION="process", CONSOLE_SCRIPT_WORKERS=1)
def test_runs_beyond_the_waiting_line_are_refused():
    slots = [isolation._pool.enter() for _ in range(5)]
    try:
        with pytest.raises(isolation.Busy):
            isolation._pool.enter()
    finally:
        for _ in slots:
            isolation._pool.leave()
    isolation._pool.enter()
    isolation._pool.leave()


@override_settings(CONSOLE_SCRIPT_ISOLATION="process", CONSOLE_SCRIPT_WORKERS=1)
def test_a_run_whose_transaction_rolls_back_holds_no_place_in_line():
    from django.db import transaction

    before = isolation._pool.waiting
    with pytest.raises(RuntimeError), transaction.atomic():
        isolation.start(2**40)  # never committed: never launched
        raise RuntimeError("rolled back")
    assert isolation._pool.waiting == before
