import pytest

from tests.browser.helpers import sign_in
from workflows.functions import save_function
from workflows.models import Action, Function, Rule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def options(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(f"{selector} option", "nodes => nodes.map(n => n.value)")


def test_rule_form_offers_the_operators_of_each_field_type(page, topping, owner):
    sign_in(page, owner)
    page.goto(f"/t/{topping.namespace}/workflows/new/?module=Deals")
    page.fill("#id_name", "Big deals")
    assert page.is_hidden("[data-criteria-section]")
    page.check("input[name=criteria][value=conditions]")
    page.select_option("#id_cond-0-field", "Amount")
    assert "gt" in options(page, "#id_cond-0-operator")
    assert "contains" not in options(page, "#id_cond-0-operator")
    page.select_option("#id_cond-0-operator", "gt")
    page.fill("#id_cond-0-value", "1000")
    page.click("text=Add condition")
    page.select_option("#id_cond-1-field", "Stage")
    assert options(page, "#id_cond-1-operator") == ["is", "is_not", "is_empty", "is_not_empty"]
    page.fill("#id_cond-1-value", "Closed Won")
    assert page.get_attribute("#id_pattern", "placeholder") == "1 and 2"
    page.fill("#id_pattern", "1 or 2")
    page.select_option("#id_trigger", "date_field")
    assert page.is_visible("#id_date_field")
    assert options(page, "#id_date_field") == ["", "Closing_Date", "Created_Time", "Modified_Time"]
    page.select_option("#id_date_field", "Closing_Date")
    page.click("button:text-is('Save')")
    page.wait_for_selector("#trigger-summary")
    rule = Rule.objects.get()
    assert rule.pattern == "1 or 2" and rule.date_field == "Closing_Date"
    assert [c["operator"] for c in rule.conditions] == ["gt", "is"]


def test_choosing_a_function_shows_its_parameters_to_map(page, topping, owner):
    function = save_function(
        Function(
            topping=topping,
            name="sync",
            code="return 1;",
            params=[{"name": "contact", "type": "map"}, {"name": "note", "type": "string"}],
        ),
        user=owner,
    )
    rule = Rule.objects.create(topping=topping, module="Contacts", name="On create")
    sign_in(page, owner)
    page.goto(f"/t/{topping.namespace}/workflows/{rule.pk}/actions/new/function/")
    page.select_option("#id_function", str(function.pk))
    page.wait_for_selector("select[name=map_note_source]")  # swapped in by htmx
    page.select_option("select[name=map_note_source]", "constant")
    page.fill("input[name=map_note_constant]", "from the console")
    page.click("button:text-is('Save')")
    page.wait_for_selector("#actions")
    action = Action.objects.get()
    assert action.config["arguments"]["note"] == {"source": "constant", "value": "from the console"}
    assert action.config["arguments"]["contact"]["source"] == "record"
