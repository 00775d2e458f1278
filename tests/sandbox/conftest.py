"""Fixtures for sandbox tests: the workflow fixtures, catalog connections, admin pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from connections.models import Service
from connections.services import manage
from sandbox.emulation.server import EmulatedServer
from sandbox.models import SandboxSettings
from tests.sandbox.books_http import CLIENT_ID, CLIENT_SECRET, Books, authorize, books_description
from tests.sandbox.scripting import settings_for
from tests.workflows.conftest import (  # noqa: F401  (fixtures)
    CANARY,
    api_connection,
    drain,
    echo_server,
    loopback_allowed,
    make_connection,
    make_function,
    make_rule,
    make_service,
    other_topping,
    raw_key,
)

BOOKS = "https://www.zohoapis.com/books/v3"


@pytest.fixture
def catalog_connection(topping, owner):
    """A connection to a catalog service (created, not authorized: stubs answer for it)."""

    def make(service_key: str, link_name: str):
        service = Service.objects.default().get(key=service_key)
        return manage.create_connection(
            topping, service, name=link_name.title(), link_name=link_name,
            scopes=list(service.default_scopes), user_level=False, url_values={}, user=owner,
        )  # fmt: skip

    return make


@pytest.fixture
def failing(topping):
    """The topping's sandbox refuses calls no stub answers."""
    return settings_for(topping, unmatched=SandboxSettings.Unmatched.FAIL)


@pytest.fixture
def open_admin_pages(admin_client):
    """The status codes of a model's admin list and of its first object's admin page."""

    def open_pages(model) -> tuple[int, int]:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        listing = admin_client.get(reverse(f"{prefix}_changelist"))
        page = admin_client.get(reverse(f"{prefix}_change", args=[model.objects.first().pk]))
        return listing.status_code, page.status_code

    return open_pages


@pytest.fixture
def books_server(db):
    """The emulated Zoho Books on loopback (``manage.py emulate``'s server), one per test."""
    with EmulatedServer(books_description(), clients={CLIENT_ID: CLIENT_SECRET}) as server:
        yield server


@pytest.fixture
def books(books_server) -> Books:
    return Books(books_server, authorize(books_server)["access_token"])


@pytest.fixture
def emulated_books(owner, catalog_connection):
    """A Zoho Books connection ``books`` authorized for the sandbox against the emulated
    Books (no client ID, as a developer connects one)."""
    from sandbox.emulation import apps

    connection = catalog_connection("zoho_books", "books")
    apps.authorize(connection, user=owner)
    return connection
