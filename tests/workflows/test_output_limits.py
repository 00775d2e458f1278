"""What one run may store and send is bounded: info output, return value, call records, and
the recipients of sendmail per run and per hour."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from tests.workflows.pages import url
from workflows import isolation
from workflows.models import Execution

FLOOD = (
    's = leftpad("", 5000000);\n'
    'for each c in leftpad("", 20).toList("") { info s; }\n'  # 100 MB of info
    'return "done";'
)


def test_a_100_mb_info_loop_stores_and_shows_at_most_the_cap(make_function, owner, client_for):
    function = make_function("flood", FLOOD)
    execution = isolation.execute_now(function, {}, user=owner)
    assert execution.status == Execution.Status.SUCCEEDED and execution.return_value == "done"
    stored = sum(len(line) for line in execution.info_lines)
    assert stored <= 1_000_000 + 100
    assert execution.info_lines[-1] == (
        "… output truncated at 1,000,000 characters (max_info_chars)"
    )
    page = client_for(owner).get(f"{function.get_absolute_url()}?run={execution.pk}")
    assert page.status_code == 200
    assert len(page.content) < 2_000_000
    assert "output truncated at 1,000,000 characters" in page.content.decode()


@override_settings(DELUGE_MAX_INFO_CHARS=1000)
def test_the_info_cap_is_a_setting(make_function, owner):
    execution = isolation.execute_now(make_function("flood", FLOOD), {}, user=owner)
    assert sum(len(line) for line in execution.info_lines[:-1]) == 1000
    assert "truncated at 1,000 characters" in execution.info_lines[-1]


def test_a_huge_return_value_is_stored_cut_with_a_marker(make_function, owner):
    function = make_function("big", 'return leftpad("x", 1000000);')
    execution = isolation.execute_now(function, {}, user=owner)
    stored = execution.return_value["truncated"]
    assert len(stored) < 70_000
    assert stored.endswith("… output truncated at 65,536 characters")


@override_settings(WORKFLOW_MAX_STORED_CALLS=5)
def test_call_records_are_capped_with_a_count_of_the_rest(
    make_function, owner, echo_server, loopback_allowed
):
    code = (
        f'for each c in leftpad("", 8).toList("") {{\n'
        f'  r = invokeurl [ url: "{echo_server.url}/x?q=" + leftpad("", 5000) type: GET ];\n}}'
    )
    execution = isolation.execute_now(make_function("calls", code), {}, user=owner)
    assert execution.status == Execution.Status.SUCCEEDED, execution.error
    assert len(execution.calls) == 6
    assert all(len(call["url"]) < 2100 for call in execution.calls[:5])
    assert execution.calls[0]["url"].endswith("… output truncated at 2,000 characters")
    assert execution.calls[-1] == {"kind": "truncated", "error": "… 3 more calls not stored"}


def mail_to(count: int) -> str:
    recipients = ",".join(f"u{i}@example.com" for i in range(count))
    return f'sendmail [ from: zoho.adminuserid to: "{recipients}" subject: "s" message: "m" ];'


@override_settings(WORKFLOW_MAIL_PER_RUN=3)
def test_sendmail_refuses_more_recipients_than_a_run_may_reach(make_function, owner):
    execution = isolation.execute_now(make_function("blast", mail_to(4)), {}, user=owner)
    assert execution.status == Execution.Status.FAILED
    assert execution.error["message"] == "sendmail may reach at most 3 recipients in one run"
    assert mail.outbox == []


@override_settings(WORKFLOW_MAIL_PER_RUN=10, WORKFLOW_MAIL_PER_HOUR=5)
def test_sendmail_counts_recipients_per_topping_and_hour(make_function, owner):
    function = make_function("notify", mail_to(3))
    assert isolation.execute_now(function, {}, user=owner).status == Execution.Status.SUCCEEDED
    second = isolation.execute_now(function, {}, user=owner)
    assert second.status == Execution.Status.FAILED
    assert "at most 5 recipients an hour" in second.error["message"]
    assert len(mail.outbox) == 1
    # the refused run did not use up the hour: two more recipients still go out
    assert isolation.execute_now(make_function("two", mail_to(2)), {}, user=owner).status == (
        Execution.Status.SUCCEEDED
    )
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("huge", ["1" * 25, "99999999999999999999"])
def test_a_huge_run_id_on_the_function_page_is_not_an_error(make_function, owner, client_for, huge):
    function = make_function("f", "return 1;")
    response = client_for(owner).get(f"{function.get_absolute_url()}?run={huge}")
    assert response.status_code == 200
    assert url("function_list", function.topping) in response.content.decode()
