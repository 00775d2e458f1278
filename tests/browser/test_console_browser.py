import pytest

from console.models import Topping
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_and_create_topping(page, make_user):
    make_user("dev@example.com")
    page.goto("/")
    page.fill("input[name=login]", "dev@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/toppings/")
    page.click("text=Create your first topping")
    page.fill("#id_name", "Bigin and Books Connection")
    assert page.text_content("#namespace-preview") == "biginandbooksconnection"
    page.click("text=Create topping")
    page.wait_for_url("**/t/biginandbooksconnection/")
    assert "Test your topping" in page.content()
    assert page.is_visible("text=Namespace")
    assert Topping.objects.get().namespace == "biginandbooksconnection"
