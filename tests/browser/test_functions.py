import pytest

from tests.browser.helpers import sign_in
from workflows.models import Execution, Function

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_write_a_function_and_save_and_execute_it(page, topping, teammate):
    sign_in(page, teammate)
    page.goto(f"/t/{topping.namespace}/")
    page.click("nav.toppingnav >> text=Functions")
    page.click("text=New function")
    page.fill("#id_name", "greet")
    page.fill("#id_param-0-name", "who")
    page.click("text=Add parameter")  # a second row, added by the page's script
    page.fill("#id_param-1-name", "times")
    page.select_option("#id_param-1-type", "int")
    page.click("#id_code")
    page.keyboard.type("for each i in {1, 2} {\n")
    page.keyboard.press("Tab")  # inserts a tab instead of leaving the box
    page.keyboard.type('info "Hello " + who + " x" + times;\n}\nreturn times * 2;')
    assert "\tinfo" in page.input_value("#id_code")
    page.click("button[name=save]")
    page.wait_for_selector("#id_arg-who")
    page.fill("#id_arg-who", "Ada")
    page.fill("#id_arg-times", "3")
    page.click("text=Save & Execute")
    output = page.wait_for_selector("#info-output")
    assert output.text_content() == "Hello Ada x3\nHello Ada x3\n"
    assert page.text_content("#return-value").strip() == "6"
    function = Function.objects.get()
    assert function.params == [{"name": "who", "type": "string"}, {"name": "times", "type": "int"}]
    assert Execution.objects.get().status == Execution.Status.SUCCEEDED


def test_a_syntax_error_is_marked_on_its_line(page, topping, owner):
    sign_in(page, owner)
    page.goto(f"/t/{topping.namespace}/functions/new/")
    page.fill("#id_name", "broken")
    page.fill("#id_code", "a = 1;\nb = (;\n")
    page.click("button[name=save]")
    marked = page.wait_for_selector("#error-line")
    assert marked.text_content().startswith("2")
    assert "Line 2, column" in page.text_content("#code-error")
