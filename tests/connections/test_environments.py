"""Two authorizations per connection: sandbox runs use the sandbox one, published versions
the production one, and neither ever falls back on the other."""

from __future__ import annotations

import pytest
from django.urls import reverse

from connections.models import AuthType, Credential
from connections.services import manage, send
from console.models import AuditEntry
from releases import services as releases
from tests.connections.fixtures import connect_by_code
from workflows.functions import save_function
from workflows.isolation import execute_now
from workflows.models import Execution, Function

SANDBOX_TOKEN = "sandbox-token-1f2e"
PRODUCTION_TOKEN = "production-token-9a8b"


@pytest.fixture
def books(make_service, make_connection, echo_server, loopback_allowed):
    return make_connection(make_service("books_api", AuthType.BEARER, echo_server.url), "books")


def _connect(connection, owner, environment, token):
    manage.connect_with_values(
        connection, values={"token": token}, user=owner, environment=environment
    )


def _bearer(echo_server) -> str:
    return echo_server.requests[-1]["headers"]["authorization"]


WHOAMI = 'return invokeurl [ url: "/me" type: GET connection: "books" ];'


def _function(topping, owner):
    return save_function(Function(topping=topping, name="whoami", code=WHOAMI), user=owner)


def _failure(execution) -> str:
    assert execution.status == Execution.Status.FAILED
    return execution.error["message"]


def test_each_environment_sends_its_own_token(books, owner, echo_server):
    _connect(books, owner, "sandbox", SANDBOX_TOKEN)
    _connect(books, owner, "production", PRODUCTION_TOKEN)
    assert books.credentials.count() == 2
    for environment, token in (("sandbox", SANDBOX_TOKEN), ("production", PRODUCTION_TOKEN)):
        send.send("books", "GET", "/me", topping=books.topping, environment=environment)
        assert _bearer(echo_server) == f"Bearer {token}"
    # Within the cache's life too: the cache is per environment.
    send.send("books", "GET", "/me", topping=books.topping, environment="sandbox")
    assert _bearer(echo_server) == f"Bearer {SANDBOX_TOKEN}"


def test_a_sandbox_run_never_uses_the_production_token(books, owner, topping, echo_server):
    _connect(books, owner, "production", PRODUCTION_TOKEN)
    result = execute_now(_function(topping, owner), {}, user=owner, environment="sandbox")
    assert "not connected in sandbox" in _failure(result)
    assert echo_server.requests == []  # nothing left the console


def test_a_production_run_never_uses_the_sandbox_token(books, owner, topping, echo_server):
    _connect(books, owner, "sandbox", SANDBOX_TOKEN)
    function = _function(topping, owner)
    sandbox = execute_now(function, {}, user=owner, environment="sandbox")
    assert sandbox.status == Execution.Status.SUCCEEDED, sandbox.error
    assert _bearer(echo_server) == f"Bearer {SANDBOX_TOKEN}"
    production = execute_now(function, {}, user=owner, environment="production")
    assert "not connected in production" in _failure(production)
    assert len(echo_server.requests) == 1


def test_revoking_one_environment_keeps_the_other(books, owner, echo_server):
    _connect(books, owner, "sandbox", SANDBOX_TOKEN)
    _connect(books, owner, "production", PRODUCTION_TOKEN)
    manage.revoke(books, user=owner, environment="sandbox")
    states = dict(books.credentials.values_list("environment", "status"))
    assert states == {
        "sandbox": Credential.Status.REVOKED,
        "production": Credential.Status.CONNECTED,
    }
    with pytest.raises(send.ConnectionUnusable, match="revoked in sandbox"):
        send.send("books", "GET", "/me", topping=books.topping, environment="sandbox")
    send.send("books", "GET", "/me", topping=books.topping, environment="production")
    assert _bearer(echo_server) == f"Bearer {PRODUCTION_TOKEN}"
    revoked = AuditEntry.objects.filter(action="connections.connection.revoked").get()
    assert revoked.data["environment"] == "sandbox"


def test_publishing_needs_the_production_authorization(books, owner, topping):
    _function(topping, owner)
    _connect(books, owner, "sandbox", SANDBOX_TOKEN)
    found = [f"{p.component} {p.message}" for p in releases.problems(topping)]
    assert "Connection books is referenced but not connected in production" in found
    _connect(books, owner, "production", PRODUCTION_TOKEN)
    found = [f"{p.component} {p.message}" for p in releases.problems(topping)]
    assert not any("Connection books" in problem for problem in found)


def _page(client, connection) -> str:
    return client.get(connection.get_absolute_url()).content.decode()


def _card(body: str, environment: str) -> str:
    return body.split(f'id="auth-{environment}"')[1].split("</section>")[0]


def test_the_details_page_shows_both_authorizations_each_with_its_buttons(books, owner, client_for):
    client = client_for(owner)
    _connect(books, owner, "production", PRODUCTION_TOKEN)
    body = _page(client, books)
    sandbox, production = _card(body, "sandbox"), _card(body, "production")
    assert "Not connected" in sandbox and "Connected" in production
    args = [books.topping.namespace, "books"]
    for environment, card in (("sandbox", sandbox), ("production", production)):
        connect = reverse("connections:connect", args=args) + f"?environment={environment}"
        assert f'action="{connect}"' in card
    revoke = reverse("connections:revoke", args=args)
    assert f"{revoke}?environment=production" in production
    assert revoke not in sandbox  # nothing to revoke there


def test_connecting_from_the_page_fills_only_the_chosen_environment(books, owner, client_for):
    client = client_for(owner)
    args = [books.topping.namespace, "books"]
    response = client.post(reverse("connections:connect", args=args) + "?environment=sandbox")
    values_url = reverse("connections:credentials", args=args) + "?environment=sandbox"
    assert response["Location"] == values_url
    client.post(values_url, {"token": SANDBOX_TOKEN})
    credential = books.credentials.get()
    assert (credential.environment, credential.status) == ("sandbox", Credential.Status.CONNECTED)
    assert books.status_for(owner, "production") == Credential.Status.NOT_CONNECTED
    connected = AuditEntry.objects.filter(action="connections.connection.connected").get()
    assert connected.data["environment"] == "sandbox"


def test_an_unknown_environment_is_refused(books, owner, client_for):
    client = client_for(owner)
    args = [books.topping.namespace, "books"]
    for name in ("connect", "credentials", "revoke"):
        url = reverse(f"connections:{name}", args=args) + "?environment=staging"
        assert client.post(url, {"token": "x"}).status_code == 404
    assert not books.credentials.exists()


def test_the_oauth_flow_stores_the_environment_it_was_started_for(
    oauth_service, make_connection, oauth_server, owner
):
    connection = make_connection(oauth_service, "local", scopes=["read"])
    connect_by_code(connection, oauth_server, owner, environment="sandbox")
    credential = connection.credentials.get()
    assert credential.environment == "sandbox" and credential.status == Credential.Status.CONNECTED
    assert connection.status_for(owner, "production") == Credential.Status.NOT_CONNECTED


def test_a_user_level_connection_keeps_two_credentials_per_user(
    make_service, make_connection, echo_server, loopback_allowed, owner, teammate
):
    service = make_service("mine", AuthType.BEARER, echo_server.url)
    connection = make_connection(service, "mine", user_level=True)
    _connect(connection, owner, "sandbox", "owner-sandbox")
    _connect(connection, owner, "production", "owner-production")
    _connect(connection, teammate, "sandbox", "teammate-sandbox")
    assert connection.credentials.count() == 3
    send.send("mine", "GET", "/", topping=connection.topping, user=owner, environment="sandbox")
    assert _bearer(echo_server) == "Bearer owner-sandbox"
    send.send("mine", "GET", "/", topping=connection.topping, user=teammate, environment="sandbox")
    assert _bearer(echo_server) == "Bearer teammate-sandbox"
    with pytest.raises(send.ConnectionUnusable, match=r"teammate@example\.com in production"):
        send.send("mine", "GET", "/", topping=connection.topping, user=teammate)
