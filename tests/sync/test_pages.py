"""The sync pages: activate (Administrators), the pair page with Sync Now and its runs,
deleting an integration after a confirmation; strangers see nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_q.models import OrmQ

from sandbox import store
from sync import tasks
from sync.models import Integration, Link, SyncPair, SyncRun


@pytest.fixture
def books_connection(emulated_books):
    return emulated_books


def _url(name, topping, *args):
    return reverse(f"sync:{name}", args=[topping.namespace, *args])


def _activate(client, topping, connection):
    return client.post(_url("integrations", topping),
                       {"connection": connection.pk, "environment": "sandbox"})  # fmt: skip


def test_an_administrator_activates_books_with_its_organization_and_preset_pairs(
    topping, owner, client_for, books_connection
):
    response = _activate(client_for(owner), topping, books_connection)
    assert response.status_code == 302
    integration = Integration.objects.get()
    assert integration.scope == {"organization_id": "10234695"}  # read from GET /organizations
    assert [p.name for p in integration.pairs.all()] == [
        "Companies & Contacts ↔ Books contacts & contact persons", "Products ↔ Books items",
    ]  # fmt: skip
    assert topping.audit_entries.filter(action="sync.integration.activated").exists()
    page = client_for(owner).get(_url("integrations", topping)).content.decode()
    assert "Companies &amp; Contacts" in page and "10234695" in page
    again = _activate(client_for(owner), topping, books_connection)
    assert "already synced in the sandbox" in again.content.decode()


def test_a_developer_cannot_activate(topping, teammate, client_for, books_connection):
    assert _activate(client_for(teammate), topping, books_connection).status_code == 403
    assert not Integration.objects.exists()


def test_sync_now_queues_a_run_that_the_page_then_shows(
    topping, owner, client_for, books_connection
):
    _activate(client_for(owner), topping, books_connection)
    pair = SyncPair.objects.get(host_module="Companies")
    store.create_record(topping, "Contacts", {"Last_Name": "Ada", "Email": "ada@example.com"})
    response = client_for(owner).post(_url("pair_run", topping, pair.pk))
    assert response.status_code == 302 and OrmQ.objects.count() == 1
    followed = client_for(owner).get(response["Location"]).content.decode()
    assert 'data-state="running"' in followed and "every 1s" in followed  # it polls
    runs_url = followed.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    assert tasks.run_pair(pair.pk, True) == "succeeded"  # what the worker runs
    fragment = client_for(owner).get(runs_url).content.decode()
    assert 'data-state="idle"' in fragment and "created_app 1" in fragment  # it stops
    page = client_for(owner).get(_url("pair", topping, pair.pk)).content.decode()
    assert "Sync Now" in page and "created_app 1" in page and "1 linked records" in page
    assert SyncRun.objects.get().manual is True


def test_due_pairs_are_queued_every_minute(topping, owner, client_for, books_connection):
    _activate(client_for(owner), topping, books_connection)
    assert tasks.run_due() == 2  # both pairs are due at once after activation
    assert OrmQ.objects.count() == 2


def test_deleting_an_integration_asks_then_removes_what_it_stored(
    topping, owner, client_for, books_connection
):
    _activate(client_for(owner), topping, books_connection)
    pair = SyncPair.objects.get(host_module="Companies")
    store.create_record(topping, "Contacts", {"Last_Name": "Ada", "Email": "ada@example.com"})
    tasks.run_pair(pair.pk)
    integration = Integration.objects.get()
    url = _url("integration_delete", topping, integration.pk)
    assert "Delete the Zoho Books sync" in client_for(owner).get(url).content.decode()
    assert Link.objects.exists()
    client_for(owner).post(url)
    assert not Integration.objects.exists() and not Link.objects.exists()
    assert not SyncRun.objects.exists()


def test_strangers_see_nothing(topping, owner, stranger, client_for, books_connection):
    _activate(client_for(owner), topping, books_connection)
    pair = SyncPair.objects.first()
    client = client_for(stranger)
    for url in (_url("integrations", topping), _url("pair", topping, pair.pk),
                _url("pair_runs", topping, pair.pk),
                _url("integration_delete", topping, pair.integration.pk)):  # fmt: skip
        assert client.get(url).status_code == 404
    assert client.post(_url("pair_run", topping, pair.pk)).status_code == 404
    assert OrmQ.objects.count() == 0
