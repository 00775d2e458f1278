"""Actions of a rule: function with argument mapping, webhook, field update; their limits."""

from __future__ import annotations

import pytest

from connections.services.manage import Usage
from console.models import AuditEntry
from tests.workflows.pages import url
from workflows.models import Action
from workflows.usage import connection_usages


@pytest.fixture
def rule(make_rule):
    return make_rule(name="On contact")


@pytest.fixture
def sync(make_function):
    return make_function(
        "sync",
        "return 1;",
        params=[
            {"name": "contact", "type": "map"},
            {"name": "email", "type": "string"},
            {"name": "retries", "type": "int"},
        ],
    )


def post_action(client, topping, rule, kind, data):
    return client.post(url("action_create", topping, rule.pk, kind), data)


def test_function_action_saves_the_argument_mapping(topping, teammate, client_for, rule, sync):
    data = {
        "function": sync.pk,
        "map_contact_source": "record",
        "map_email_source": "field",
        "map_email_field": "Email",
        "map_retries_source": "constant",
        "map_retries_constant": "3",
        "delay": "0",
        "delay_unit": "minutes",
    }
    response = post_action(client_for(teammate), topping, rule, "function", data)
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.kind == "function" and action.function == sync
    assert action.config == {
        "arguments": {
            "contact": {"source": "record", "value": ""},
            "email": {"source": "field", "value": "Email"},
            "retries": {"source": "constant", "value": "3"},
        }
    }
    assert AuditEntry.objects.filter(action="workflows.action.created").exists()


def test_function_action_page_offers_a_row_per_parameter_with_a_guess(
    topping, owner, client_for, rule, sync
):
    page = url("action_create", topping, rule.pk, "function")
    body = client_for(owner).get(f"{page}?function={sync.pk}").content.decode()
    assert 'name="map_contact_source"' in body and 'name="map_retries_constant"' in body
    email_field = body.split('name="map_email_field"')[1].split("</select>")[0]
    assert 'value="Email" selected' in email_field  # a parameter named like a field gets it


def test_function_action_mapping_is_checked(topping, owner, client_for, rule, sync):
    data = {
        "function": sync.pk,
        "map_contact_source": "field",
        "map_contact_field": "",
        "map_email_source": "record",
        "map_retries_source": "constant",
        "map_retries_constant": "three",
        "delay": "0",
        "delay_unit": "minutes",
    }
    body = post_action(client_for(owner), topping, rule, "function", data).content.decode()
    assert "Choose a field for contact." in body
    assert "The record is a map; email is not." in body
    assert "retries must be a whole number." in body
    assert not Action.objects.exists()


def test_function_action_edit_shows_the_saved_mapping(topping, owner, client_for, rule, sync):
    action = Action.objects.create(
        rule=rule,
        kind="function",
        function=sync,
        config={"arguments": {"retries": {"source": "constant", "value": "7"}}},
    )
    body = client_for(owner).get(url("action_edit", topping, rule.pk, action.pk)).content.decode()
    assert 'name="map_retries_constant" value="7"' in body


def test_webhook_action_with_placeholders_headers_and_connection(
    topping, owner, client_for, rule, api_connection
):
    data = {
        "method": "POST",
        "url": "https://hooks.example.com/c/${Contacts.ID}",
        "headers": "X-Source: console\nX-Mail: ${Contacts.Email}",
        "body": '{"email": "${Contacts.Email}"}',
        "connection": "books",
        "delay": "2",
        "delay_unit": "hours",
    }
    assert post_action(client_for(owner), topping, rule, "webhook", data).status_code == 302
    action = Action.objects.get()
    assert action.config == {
        "method": "POST",
        "url": "https://hooks.example.com/c/${Contacts.ID}",
        "headers": [["X-Source", "console"], ["X-Mail", "${Contacts.Email}"]],
        "body": '{"email": "${Contacts.Email}"}',
        "connection": "books",
    }
    assert (action.delay, action.delay_unit, action.delay_seconds) == (2, "hours", 7200)


def test_the_connection_lists_the_rules_whose_actions_send_through_it(rule, api_connection):
    url = "https://x.example.com"
    Action.objects.create(rule=rule, kind="webhook", config={"url": url, "connection": "books"})
    Action.objects.create(rule=rule, kind="webhook", config={"url": url})
    Action.objects.create(rule=rule, kind="field_update", config={"field": "Title", "value": "x"})
    found = connection_usages(api_connection)
    assert found == [Usage("Webhook of rule", rule.name, rule.get_absolute_url())]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "ftp://x.example.com", "Start the URL with http:// or https://"),
        ("url", "https://x.example.com/${Deals.Amount}", "Unknown placeholder ${Deals.Amount}"),
        ("body", "${Contacts.Nope}", "Unknown placeholder ${Contacts.Nope}"),
        ("headers", "no colon here", "is not “Header-Name: value”"),
        ("connection", "missing", "Select a valid choice"),
    ],
)
def test_webhook_action_is_checked(topping, owner, client_for, rule, field, value, message):
    data = {"method": "POST", "url": "https://x.example.com", "delay": "0", "delay_unit": "minutes"}
    data[field] = value
    body = post_action(client_for(owner), topping, rule, "webhook", data).content.decode()
    assert message in body
    assert not Action.objects.exists()


def test_field_update_stores_a_typed_value(topping, owner, client_for, make_rule):
    deal_rule = make_rule(module="Deals")
    client = client_for(owner)
    for field, value in (("Probability", "90"), ("Stage", "Closed Won")):
        data = {"field": field, "value": value, "delay": "0", "delay_unit": "minutes"}
        assert post_action(client, topping, deal_rule, "field_update", data).status_code == 302
    assert [a.config for a in Action.objects.order_by("position")] == [
        {"field": "Probability", "value": 90},
        {"field": "Stage", "value": "Closed Won"},
    ]


def test_field_update_value_must_fit_the_field(topping, owner, client_for, make_rule):
    deal_rule = make_rule(module="Deals")
    data = {"field": "Stage", "value": "Won-ish", "delay": "0", "delay_unit": "minutes"}
    body = post_action(client_for(owner), topping, deal_rule, "field_update", data)
    assert "Stage must be one of" in body.content.decode()
    data = {"field": "ID", "value": "1", "delay": "0", "delay_unit": "minutes"}
    body = post_action(client_for(owner), topping, deal_rule, "field_update", data)
    assert "Select a valid choice" in body.content.decode()  # read-only fields are not offered
    assert not Action.objects.exists()


def test_at_most_three_field_updates_per_rule(topping, owner, client_for, rule):
    client = client_for(owner)
    for title in ("a", "b", "c", "d"):
        data = {"field": "Title", "value": title, "delay": "0", "delay_unit": "minutes"}
        response = post_action(client, topping, rule, "field_update", data)
    assert "A rule can update at most 3 fields." in response.content.decode()
    assert Action.objects.count() == 3
    assert "Add field update" not in client.get(rule.get_absolute_url()).content.decode()


def test_no_field_update_on_a_delete_rule(topping, owner, client_for, make_rule):
    rule = make_rule(trigger="delete")
    data = {"field": "Title", "value": "x", "delay": "0", "delay_unit": "minutes"}
    body = post_action(client_for(owner), topping, rule, "field_update", data).content.decode()
    assert "A rule on Delete cannot update fields" in body
    assert not Action.objects.exists()
    assert "Add field update" not in client_for(owner).get(rule.get_absolute_url()).content.decode()


def test_the_rule_page_offers_each_kind_or_says_why_not(topping, owner, client_for, make_rule):
    body = client_for(owner).get(make_rule(trigger="delete").get_absolute_url()).content.decode()
    assert "Add function" in body and "Add webhook" in body
    assert "A rule on Delete cannot update fields: the record is gone." in body


def test_actions_per_rule_limit(topping, owner, client_for, rule, settings):
    settings.WORKFLOW_MAX_ACTIONS_PER_RULE = 2
    client = client_for(owner)
    data = {"method": "POST", "url": "https://x.example.com", "delay": "0", "delay_unit": "minutes"}
    for _ in range(3):
        response = post_action(client, topping, rule, "webhook", data)
    assert "A rule can have at most 2 actions." in response.content.decode()
    assert Action.objects.count() == 2
    assert (
        "the most actions a rule may have" in client.get(rule.get_absolute_url()).content.decode()
    )


def test_unknown_action_kind_is_404(topping, owner, client_for, rule):
    assert client_for(owner).get(url("action_create", topping, rule.pk, "email")).status_code == 404


def test_edit_and_delete_an_action(topping, owner, client_for, rule):
    action = Action.objects.create(
        rule=rule, kind="webhook", config={"method": "POST", "url": "https://a.example.com"}
    )
    client = client_for(owner)
    data = {"method": "PUT", "url": "https://b.example.com", "delay": "0", "delay_unit": "minutes"}
    client.post(url("action_edit", topping, rule.pk, action.pk), data)
    action.refresh_from_db()
    assert action.config["method"] == "PUT" and action.config["url"] == "https://b.example.com"
    client.post(url("action_delete", topping, rule.pk, action.pk))
    assert not Action.objects.exists()
    assert AuditEntry.objects.filter(action="workflows.action.deleted").exists()
