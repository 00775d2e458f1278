"""A new user's path with a provider the catalog does not know: create a custom service from
its issuer URL, see only the OAuth fields, copy the redirect URI, connect in the sandbox and
press Test connection, in a real browser against the loopback OAuth/OpenID provider."""

import pytest
from django.test import override_settings

from connections.models import Credential, Service
from tests.browser.helpers import copy_and_read, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shown(page, field: str) -> bool:
    return page.locator(f"#id_{field}").is_visible()


@override_settings(CONSOLE_OUTBOUND_ALLOWLIST=["127.0.0.1"])
def test_discover_a_service_connect_it_and_test_the_connection(
    clipboard_page, live_server, oauth_server, topping, owner
):
    page = clipboard_page
    callback = f"{live_server.url}/connections/oauth/callback/"
    oauth_server.add_redirect_uri(callback)
    sign_in(page, owner)

    page.goto(f"/t/{topping.namespace}/connections/custom-services/new/")
    page.fill("#id_issuer_url", oauth_server.url)
    page.click("button[name=discover]")
    page.wait_for_selector("text=Filled in from")
    assert page.input_value("#id_token_url") == f"{oauth_server.url}/token"
    assert page.input_value("#id_verify_url") == f"{oauth_server.url}/api/me"
    # Only the chosen type's fields: OAuth 2.0 shows no OAuth 1.0a or API-key fields.
    assert page.input_value("#id_auth_type") == "oauth2"
    assert _shown(page, "authorize_url") and _shown(page, "token_auth_method")
    assert not _shown(page, "request_token_url") and not _shown(page, "key_params_text")
    page.select_option("#id_auth_type", "api_key")
    assert _shown(page, "key_params_text") and not _shown(page, "token_url")
    page.select_option("#id_auth_type", "oauth2")
    assert _shown(page, "token_url")
    assert copy_and_read(page, "oauth2") == callback

    page.fill("#id_name", "Loopback IdP")
    page.fill("#id_key", "idp")
    page.fill("#id_client_id", "console-client")
    page.fill("#id_client_secret_input", "console-secret")
    page.fill("#id_api_base_url", f"{oauth_server.url}/api")
    page.fill("#id_default_scopes_text", "read")
    page.click("button[name=save]")
    page.wait_for_url(f"**/t/{topping.namespace}/connections/new/")
    service = Service.objects.get(topping=topping, key="idp")
    assert service.issuer == oauth_server.url and service.verify["url"].endswith("/api/me")

    page.goto(f"/t/{topping.namespace}/connections/new/idp/")
    page.fill("#id_name", "IdP")
    page.click("text=Create and Connect sandbox")
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"**/t/{topping.namespace}/connections/idp/")
    sandbox = page.locator("#auth-sandbox")
    assert sandbox.locator(".badge-ok").text_content() == "Connected"
    assert page.locator("#auth-production").locator(".badge").text_content() == "Not connected"
    assert copy_and_read(page, "oauth2") == callback

    sandbox.get_by_role("button", name="Test connection").click()
    page.wait_for_selector("#auth-sandbox .test-ok")
    result = page.locator("#auth-sandbox .test-result").text_content()
    assert "It works: HTTP 200" in result and f"GET {oauth_server.url}/api/me" in result
    assert '"client_id": "console-client"' in result
    credential = Credential.objects.get(connection__link_name="idp")
    assert credential.environment == "sandbox"
    assert credential.secrets.access_token not in page.content()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
