"""The rule editor: triggers, criteria with operators per field type, patterns, limits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from console.models import AuditEntry
from tests.workflows.pages import rule_data, url
from workflows.models import Action, Rule

EMAIL_SET = {"field": "Email", "operator": "is_not_empty", "value": ""}
SOURCE_WEB = {"field": "Lead_Source", "operator": "is", "value": "Web Download"}
OPT_OUT = {"field": "Email_Opt_Out", "operator": "is", "value": "false"}


def post_rule(client, topping, **fields):
    return client.post(url("rule_create", topping), rule_data(**fields))


def test_developer_creates_a_rule_with_conditions_and_pattern(topping, teammate, client_for):
    response = post_rule(
        client_for(teammate),
        topping,
        trigger="create_or_edit",
        repeat_on_every_edit="on",
        conditions=[EMAIL_SET, SOURCE_WEB, OPT_OUT],
        pattern="(1 and 2) or 3",
    )
    rule = Rule.objects.get()
    assert response.status_code == 302 and response["Location"] == rule.get_absolute_url()
    assert rule.module == "Contacts" and rule.trigger == "create_or_edit"
    assert rule.repeat_on_every_edit is True
    assert rule.pattern == "(1 and 2) or 3"
    assert [c["field"] for c in rule.conditions] == ["Email", "Lead_Source", "Email_Opt_Out"]
    assert rule.conditions[1] == {
        "field": "Lead_Source",
        "operator": "is",
        "value": "Web Download",
        "value2": "",
    }
    assert AuditEntry.objects.filter(action="workflows.rule.created").exists()


def test_empty_pattern_defaults_to_all_conditions(topping, owner, client_for):
    post_rule(client_for(owner), topping, conditions=[EMAIL_SET, SOURCE_WEB])
    assert Rule.objects.get().pattern == "1 and 2"


def test_all_records_clears_conditions(topping, owner, client_for):
    data = rule_data(conditions=[EMAIL_SET], criteria="all", pattern="1")
    client_for(owner).post(url("rule_create", topping), data)
    rule = Rule.objects.get()
    assert rule.conditions == [] and rule.pattern == ""


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("1 and", "The pattern ends too early."),
        ("(1 or 2", "A “(” is not closed."),
        ("1 and 2 or 3", "Use parentheses to combine “and” with “or”."),
        ("1 and 2", "The pattern does not use condition 3."),
        ("1 and 2 and 4", "There is no condition 4."),
        ("1 + 2", "Unexpected “+” in the pattern."),
    ],
)
def test_bad_patterns_are_form_errors(topping, owner, client_for, pattern, message):
    response = post_rule(
        client_for(owner), topping, conditions=[EMAIL_SET, SOURCE_WEB, OPT_OUT], pattern=pattern
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Rule.objects.exists()


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"field": "Amount", "operator": "contains", "value": "5"}, "does not apply to Amount"),
        ({"field": "Stage", "operator": "gt", "value": "x"}, "does not apply to Stage"),
        ({"field": "Closing_Date", "operator": "starts_with", "value": "2"}, "does not apply"),
        ({"field": "Amount", "operator": "between", "value": "1"}, "both ends of the range"),
        ({"field": "Amount", "operator": "gt", "value": "lots"}, "compares with a number"),
        ({"field": "Stage", "operator": "is", "value": "Nope"}, "is not a value of Stage"),
        ({"field": "Nope", "operator": "is", "value": "x"}, "is not a field of Deals"),
    ],
)
def test_conditions_are_checked_against_the_field_type(
    topping, owner, client_for, condition, message
):
    response = post_rule(client_for(owner), topping, module="Deals", conditions=[condition])
    assert message in response.content.decode()
    assert not Rule.objects.exists()


def test_operator_select_offers_only_the_operators_of_the_field_type(
    topping, owner, client_for, make_rule
):
    rule = make_rule(
        module="Deals",
        conditions=[{"field": "Amount", "operator": "gt", "value": "100", "value2": ""}],
        pattern="1",
    )
    body = client_for(owner).get(url("rule_edit", topping, rule.pk)).content.decode()
    select = body.split('name="cond-0-operator"')[1].split("</select>")[0]
    assert 'value="gt" selected' in select and 'value="between"' in select
    assert 'value="contains"' not in select and 'value="starts_with"' not in select
    # The page carries each field's type and the operators per type for its script.
    assert '"by_type"' in body and '"Amount", "label": "Amount", "type": "decimal"' in body


def test_edit_trigger_with_specific_fields_modified_to_a_value(topping, owner, client_for):
    post_rule(
        client_for(owner),
        topping,
        module="Deals",
        trigger="edit",
        fields=[{"field": "Stage", "to": "Closed Won"}, {"field": "Amount", "to": ""}],
    )
    rule = Rule.objects.get()
    assert rule.trigger_fields == [
        {"field": "Stage", "to": "Closed Won"},
        {"field": "Amount", "to": ""},
    ]


def test_edit_trigger_on_specific_fields_needs_a_field(topping, owner, client_for):
    data = rule_data(trigger="edit", edit_scope="specific")
    body = client_for(owner).post(url("rule_create", topping), data).content.decode()
    assert "Choose the fields whose change fires the rule." in body


def test_date_trigger_stores_the_offset_in_minutes(topping, owner, client_for):
    post_rule(
        client_for(owner),
        topping,
        module="Deals",
        trigger="date_field",
        date_field="Closing_Date",
        offset_amount="2",
        offset_unit="days",
        offset_direction="before",
    )
    rule = Rule.objects.get()
    assert rule.date_field == "Closing_Date" and rule.offset_minutes == -2880
    body = client_for(owner).get(rule.get_absolute_url()).content.decode()
    assert "2 days before Closing_Date" in body


def test_date_trigger_needs_a_date_field_of_the_module(topping, owner, client_for):
    body = post_rule(
        client_for(owner), topping, trigger="date_field", date_field="Email"
    ).content.decode()
    assert "Choose a date field of Contacts." in body


def test_schedule_trigger_plans_its_first_run(topping, owner, client_for):
    when = timezone.now() + dt.timedelta(days=1)
    post_rule(
        client_for(owner),
        topping,
        trigger="schedule",
        schedule_at=when.strftime("%Y-%m-%dT%H:%M"),
        recurrence="weekly",
    )
    rule = Rule.objects.get()
    assert rule.recurrence == "weekly"
    assert rule.next_run_at == rule.schedule_at


def test_schedule_once_in_the_past_is_refused(topping, owner, client_for):
    body = post_rule(
        client_for(owner), topping, trigger="schedule", schedule_at="2001-01-01T09:00"
    ).content.decode()
    assert "needs a time in the future" in body


def test_rules_per_module_limit_is_enforced(topping, owner, client_for, make_rule, settings):
    settings.WORKFLOW_MAX_RULES_PER_MODULE = 2
    make_rule(name="One")
    make_rule(name="Two")
    body = post_rule(client_for(owner), topping, name="Three").content.decode()
    assert "at most 2 rules on Contacts" in body
    assert Rule.objects.count() == 2
    post_rule(client_for(owner), topping, name="Three", module="Deals")
    assert Rule.objects.filter(module="Deals").exists()


def test_rule_names_are_unique_per_module(topping, owner, client_for, make_rule):
    make_rule(name="Welcome")
    body = post_rule(client_for(owner), topping, name="Welcome").content.decode()
    assert "There is already a rule named “Welcome” on Contacts." in body


def test_edit_keeps_the_module_and_changes_the_rest(topping, owner, client_for, make_rule):
    rule = make_rule(name="Old")
    data = rule_data(name="New", module="Deals", trigger="delete")
    response = client_for(owner).post(url("rule_edit", topping, rule.pk), data)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.name == "New" and rule.module == "Contacts" and rule.trigger == "delete"


def test_a_rule_with_field_updates_cannot_become_a_delete_rule(
    topping, owner, client_for, make_rule
):
    rule = make_rule(actions=[{"kind": "field_update", "config": {"field": "Title", "value": "x"}}])
    body = (
        client_for(owner)
        .post(url("rule_edit", topping, rule.pk), rule_data(name=rule.name, trigger="delete"))
        .content.decode()
    )
    assert "A rule on Delete cannot update fields" in body
    rule.refresh_from_db()
    assert rule.trigger == "create"


def test_rule_list_groups_by_module_and_toggles(topping, owner, client_for, make_rule):
    make_rule(name="Contact rule")
    deal = make_rule(name="Deal rule", module="Deals")
    client = client_for(owner)
    body = client.get(url("rule_list", topping)).content.decode()
    assert (
        body.index("<h2>Contacts</h2>") < body.index("Contact rule") < body.index("<h2>Deals</h2>")
    )
    response = client.post(url("rule_toggle", topping, deal.pk), HTTP_HX_REQUEST="true")
    deal.refresh_from_db()
    assert deal.active is False
    assert "Activate</button>" in response.content.decode()
    assert "<html" not in response.content.decode()  # only the toggle is swapped
    client.post(url("rule_toggle", topping, deal.pk))
    deal.refresh_from_db()
    assert deal.active is True
    assert AuditEntry.objects.filter(action="workflows.rule.deactivated").count() == 1


def test_rule_detail_summarises_trigger_criteria_and_actions(
    topping, owner, client_for, make_rule, make_function
):
    function = make_function("sync", "return 1;")
    rule = make_rule(
        trigger="edit",
        trigger_fields=[{"field": "Email", "to": ""}],
        conditions=[EMAIL_SET | {"value2": ""}],
        pattern="1",
        actions=[
            {"kind": Action.Kind.FUNCTION, "function": function, "delay": 2, "delay_unit": "hours"}
        ],
    )
    body = client_for(owner).get(rule.get_absolute_url()).content.decode()
    assert "Edit of Email" in body
    assert "Email is not empty" in body
    assert "sync" in body and "after 2 hours" in body


def test_delete_rule(topping, owner, client_for, make_rule):
    rule = make_rule()
    client_for(owner).post(url("rule_delete", topping, rule.pk))
    assert not Rule.objects.exists()
    assert AuditEntry.objects.filter(action="workflows.rule.deleted").exists()
