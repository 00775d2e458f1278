import pytest
from django.test import override_settings

from connections.models import AuthType, Service
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(CONSOLE_OUTBOUND_ALLOWLIST=["127.0.0.1"])
def test_create_and_connect_to_local_oauth_server(page, live_server, oauth_server, topping, owner):
    oauth_server.add_redirect_uri(f"{live_server.url}/connections/oauth/callback/")
    url = oauth_server.url
    Service.objects.create(
        topping=topping,
        key="local_oauth",
        name="Local OAuth",
        auth_type=AuthType.OAUTH2,
        grant_type="authorization_code",
        authorize_url=f"{url}/authorize",
        token_url=f"{url}/token",
        revoke_url=f"{url}/revoke",
        api_base_url=f"{url}/api",
        allowed_hosts=["127.0.0.1"],
        scopes=[{"name": "read", "description": "Read"}],
        default_scopes=["read"],
        client_id="console-client",
        client_secret="console-secret",
    )
    sign_in(page, owner)
    page.goto(f"/t/{topping.namespace}/connections/new/local_oauth/")
    page.fill("#id_name", "Books Sync")
    assert page.input_value("#id_link_name") == "books_sync"
    page.click("text=Create and Connect")
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"**/t/{topping.namespace}/connections/books_sync/")
    assert page.is_visible(".badge-ok")
    assert page.text_content(".badge-ok") == "Connected"
    for tab in ("Deluge", "JSON", "Python", "cURL"):
        assert page.get_by_role("tab", name=tab).is_visible()
    page.get_by_role("tab", name="JSON").click()
    assert '"connectionLinkName": "books_sync"' in page.text_content("#code-json")
