"""The Copy button next to a redirect URI puts it on the clipboard (copy.js, no inline JS)."""

import pytest

from connections.models import AuthType, Service
from tests.browser.helpers import copy_and_read, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_copy_redirect_uris_on_form_and_connection_page(
    clipboard_page, live_server, topping, owner
):
    page = clipboard_page
    sign_in(page, owner)
    page.goto(f"/t/{topping.namespace}/connections/custom-services/new/")
    assert copy_and_read(page, "oauth2") == f"{live_server.url}/connections/oauth/callback/"
    assert copy_and_read(page, "oauth1") == f"{live_server.url}/connections/oauth1/callback/"

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
    assert copy_and_read(page, "oauth2") == f"{live_server.url}/connections/oauth/callback/"
    # Nothing on the page was refused by the Content-Security-Policy.
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
