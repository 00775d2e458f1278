"""Publishing checks the link names that ``zoho.books.*`` / ``zoho.bigin.*`` / ``zoho.crm.*``
tasks name, as it checks invokeurl ones."""

from __future__ import annotations

import pytest
from django.urls import reverse

from connections.models import AuthType
from connections.services import manage
from releases import services
from releases.models import Version
from tests.connections.fixtures import (  # noqa: F401  (fixtures)
    echo_server,
    loopback_allowed,
    make_connection,
    make_service,
)
from workflows.models import Function

NOTES = "Syncs contacts to Books."
BOOKS = 'r = zoho.books.createRecord("contacts", "123", {"contact_name": "A"}, "books");'


def publish_url(topping) -> str:
    return reverse("releases:publish", args=[topping.namespace])


def messages(topping) -> list[str]:
    return [f"{p.component} {p.message}" for p in services.problems(topping)]


def test_a_missing_link_name_used_only_in_a_books_task_blocks_publishing(
    client_for, owner, topping, make_function, catalog_connection
):
    connection = catalog_connection("zoho_books", "books")
    make_function("sync", BOOKS)
    connection.delete()  # behind the console's back: the function still names it
    assert services.components(topping).connections == ["books"]
    assert "Connection books is referenced but does not exist" in messages(topping)

    client = client_for(owner)
    page = client.get(publish_url(topping)).content.decode()
    assert "Connection books is referenced but does not exist" in page
    response = client.post(publish_url(topping), {"notes": NOTES})
    assert response.status_code == 200
    assert "Connection books is referenced but does not exist" in response.content.decode()
    assert not Version.objects.exists()


def test_a_books_task_connection_that_is_not_connected_blocks_publishing(
    client_for, owner, topping, make_function, catalog_connection
):
    connection = catalog_connection("zoho_books", "books")  # created, never authorized
    make_function("sync", BOOKS)
    assert "Connection books is referenced but not connected in production" in messages(topping)

    client = client_for(owner)
    page = client.get(publish_url(topping)).content.decode()
    assert "Connection books is referenced but not connected in production" in page
    assert connection.get_absolute_url() in page
    client.post(publish_url(topping), {"notes": NOTES})
    assert not Version.objects.exists()


def test_a_draft_saved_before_tasks_were_counted_is_checked_from_its_code(topping):
    Function.objects.create(topping=topping, name="old", code=BOOKS, connections=[])
    assert services.components(topping).connections == ["books"]
    assert "Connection books is referenced but does not exist" in messages(topping)
    code = 'r = zoho.bigin.getRecordById("Contacts", 1, "bigin");'
    Function.objects.create(topping=topping, name="older", code=code, connections=[])
    assert services.components(topping).connections == ["bigin", "books"]
    assert "Connection bigin is referenced but does not exist" in messages(topping)


@pytest.fixture
def books(make_service, make_connection, echo_server, loopback_allowed, owner):  # noqa: F811
    """A bearer connection ``books`` to the echo server, connected."""
    connection = make_connection(
        make_service("books_api", AuthType.BEARER, echo_server.url), "books"
    )
    manage.connect_with_values(connection, values={"token": "t0ken"}, user=owner)
    return connection


def test_a_connected_link_name_publishes_and_the_version_remembers_it(
    owner, topping, make_function, books
):
    make_function("sync", BOOKS)
    Function.objects.filter(name="sync").update(connections=[])  # as if saved long ago
    assert services.problems(topping) == []

    version = services.publish(topping, notes=NOTES, user=owner)
    copy = Function.all_versions.get(topping=topping, version=version.number)
    assert copy.connections == ["books"]
