"""The Copy button next to a redirect URI puts it on the clipboard (copy.js, no inline JS)."""

import pytest

from connections.models import AuthType, Service
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clipboard_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/toppings/")


def _copy_and_read(page, key: str) -> str:
    expected = page.input_value(f"#redirect-uri-{key}")
    button = page.locator(f'button[data-copy-input="redirect-uri-{key}"]')
    button.click()
    page.wait_for_function(
        "key => document.querySelector(`button[data-copy-input='redirect-uri-${key}']`)"
        ".textContent === 'Copied'",
        arg=key,
    )
    assert page.evaluate("navigator.clipboard.readText()") == expected
    return expected


def test_copy_redirect_uris_on_form_and_connection_page(
    clipboard_page, live_server, topping, owner
):
    page = clipboard_page
    _sign_in(page, owner)
    page.goto(f"/t/{topping.namespace}/connections/custom-services/new/")
    assert _copy_and_read(page, "oauth2") == f"{live_server.url}/connections/oauth/callback/"
    assert _copy_and_read(page, "oauth1") == f"{live_server.url}/connections/oauth1/callback/"

    service = Service.objects.create(
        topping=topping,
        key="acme",
        name="Acme",
        auth_type=AuthType.OAUTH2,
        grant_type="authorization_code",
        authorize_url="https://acme.example.com/authorize",
        token_url="https://acme.example.com/token",
        api_base_url="https://acme.example.com/api",
        client_id="cid",
        client_secret="secret",
    )
    topping.connections.create(service=service, name="Acme", link_name="acme", created_by=owner)
    page.goto(f"/t/{topping.namespace}/connections/acme/")
    assert _copy_and_read(page, "oauth2") == f"{live_server.url}/connections/oauth/callback/"
    # Nothing on the page was refused by the Content-Security-Policy.
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
