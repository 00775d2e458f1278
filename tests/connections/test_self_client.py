"""Self-client codes (Zoho's Self Client): paste a client and a grant code, no redirect.

Every exchange goes to the loopback OAuth server; the self client there is a second client
(``self-client-id``) so a refresh can show which client it authenticated with.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from connections.models import AuthType, Credential, Service
from connections.services import selfclient, send
from console.models import AuditEntry

SELF_ID = "1000.SELFCLIENTID"
SELF_SECRET = "self-client-SECRET-4b9d2e"


@pytest.fixture
def self_client_service(oauth_service, oauth_server, monkeypatch):
    """The loopback service, treated like a Zoho accounts server, with a self client there."""
    monkeypatch.setattr(
        selfclient, "SELF_CLIENT_TOKEN_HOSTS", selfclient.SELF_CLIENT_TOKEN_HOSTS | {"127.0.0.1"}
    )
    oauth_server.add_client(SELF_ID, SELF_SECRET, redirect_uris=())
    return oauth_service


@pytest.fixture
def connection(self_client_service, make_connection):
    return make_connection(self_client_service, "books", scopes=["read"])


def _url(connection, name="connections:self_client"):
    return reverse(name, args=[connection.topping.namespace, connection.link_name])


def _post(client, connection, code, client_id=SELF_ID, client_secret=SELF_SECRET):
    data = {"client_id": client_id, "client_secret": client_secret, "code": code}
    return client.post(_url(connection), data)


def _credential(connection) -> Credential | None:
    return Credential.objects.filter(connection=connection, user=None).first()


def test_valid_code_connects_and_refresh_uses_pasted_client(
    connection, oauth_server, owner, client_for
):
    code = oauth_server.issue_self_client_code(SELF_ID, scopes=["read"])
    response = _post(client_for(owner), connection, code)
    assert response.status_code == 302
    assert response["Location"] == connection.get_absolute_url()

    credential = _credential(connection)
    assert credential is not None and credential.status == Credential.Status.CONNECTED
    assert credential.connected_by == owner
    exchange = oauth_server.token_requests[-1]
    assert exchange["grant_type"] == "authorization_code"
    assert "redirect_uri" not in exchange["params"]
    assert exchange["params"]["client_id"] == SELF_ID
    entry = AuditEntry.objects.get(action="connections.connection.connected")
    assert entry.data["method"] == "self_client"
    assert SELF_SECRET not in str(entry.data)

    # A later call with an expired access token refreshes with the pasted client.
    oauth_server.expire_access_tokens()
    answer = send.send("books", "GET", "me", topping=connection.topping)
    assert answer.status == 200
    refresh = oauth_server.token_requests[-1]
    assert refresh["grant_type"] == "refresh_token"
    assert refresh["params"]["client_id"] == SELF_ID
    assert refresh["params"]["client_secret"] == SELF_SECRET
    assert refresh["status"] == 200
    connection.refresh_from_db()
    assert connection.client_id == SELF_ID and connection.client_secret == SELF_SECRET


def test_expired_code_is_explained_and_leaves_not_connected(
    connection, oauth_server, owner, client_for
):
    oauth_server.zoho_code_errors = True  # 200 {"error": "invalid_code"}, as Zoho answers
    code = oauth_server.issue_self_client_code(SELF_ID, scopes=["read"], ttl=-1)
    response = _post(client_for(owner), connection, code)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The grant code is invalid, expired or was already used" in page
    assert "{" not in page.split("flash-error")[1].split("</div>")[0]  # words, not a raw object
    assert oauth_server.token_requests[-1]["status"] == 400  # refused by the server
    assert connection.status_for(owner) == Credential.Status.NOT_CONNECTED
    connection.refresh_from_db()
    assert connection.client_id == "" and connection.client_secret == ""  # nothing kept
    assert SELF_SECRET not in page and code not in page


def test_used_code_is_refused_the_second_time(connection, oauth_server, owner, client_for):
    oauth_server.zoho_code_errors = True
    client = client_for(owner)
    code = oauth_server.issue_self_client_code(SELF_ID, scopes=["read"])
    assert _post(client, connection, code).status_code == 302
    again = _post(client, connection, code)
    assert again.status_code == 200
    assert "already used" in again.content.decode()


def test_client_of_another_data_centre_is_explained(connection, oauth_server, owner, client_for):
    # The accounts server of another data centre does not know the client: invalid_client.
    code = oauth_server.issue_self_client_code(SELF_ID, scopes=["read"])
    response = _post(client_for(owner), connection, code, client_id="1000.OTHERDC")
    page = response.content.decode()
    assert response.status_code == 200
    assert "does not recognise this client ID and secret" in page
    assert "data centre" in page and "127.0.0.1" in page
    assert connection.status_for(owner) == Credential.Status.NOT_CONNECTED


def test_secret_never_appears_on_any_page(connection, oauth_server, owner, client_for):
    client = client_for(owner)
    code = oauth_server.issue_self_client_code(SELF_ID, scopes=["read"])
    assert _post(client, connection, code).status_code == 302
    ns = connection.topping.namespace
    pages = [
        _url(connection),
        _url(connection, "connections:detail"),
        _url(connection, "connections:edit"),
        reverse("connections:list", args=[ns]),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SELF_SECRET not in body, url
        assert code not in body, url
    form_page = client.get(_url(connection)).content.decode()
    assert f'value="{SELF_ID}"' in form_page  # the id is not secret and is offered again


def test_detail_page_links_to_self_client_only_where_offered(
    connection, make_connection, make_service, owner, client_for
):
    client = client_for(owner)
    detail = client.get(_url(connection, "connections:detail")).content.decode()
    assert "Connect with a self-client code" in detail
    assert _url(connection) in detail

    bearer = make_service("plain", AuthType.BEARER, "http://127.0.0.1:9/api")
    other = make_connection(bearer, "plain")
    assert "self-client" not in client.get(_url(other, "connections:detail")).content.decode()
    assert client.get(_url(other)).status_code == 404


def test_stranger_gets_404(connection, stranger, client_for):
    client = client_for(stranger)
    assert client.get(_url(connection)).status_code == 404
    assert _post(client, connection, "whatever").status_code == 404


def test_developer_who_may_connect_may_use_a_code(connection, oauth_server, teammate, client_for):
    code = oauth_server.issue_self_client_code(SELF_ID, scopes=["read"])
    assert _post(client_for(teammate), connection, code).status_code == 302
    assert connection.status_for(teammate) == Credential.Status.CONNECTED


def test_user_level_connection_is_refused_in_words(
    self_client_service, make_connection, oauth_server, owner, client_for
):
    connection = make_connection(self_client_service, "mine", user_level=True)
    code = oauth_server.issue_self_client_code(SELF_ID, scopes=["read"])
    response = _post(client_for(owner), connection, code)
    assert response.status_code == 200
    assert "shared by the topping" in response.content.decode()
    assert oauth_server.counters["token"] == 0


@pytest.mark.parametrize("key", ["zoho_crm", "zoho_books", "zoho_desk"])
def test_zoho_catalog_services_offer_self_client(db, key):
    assert selfclient.allows_self_client(Service.objects.get(topping=None, key=key))


def test_other_catalog_services_do_not(db):
    others = Service.objects.default().exclude(key__startswith="zoho_")
    assert others.exists()
    assert not any(selfclient.allows_self_client(s) for s in others)
