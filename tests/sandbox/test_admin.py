"""Operators see every sandbox model in the admin."""

from __future__ import annotations

import pytest

from sandbox import store
from sandbox.models import EmulatedCollection, SandboxRecord, SandboxSettings, Stub


@pytest.fixture
def filled(topping, owner):
    SandboxSettings.of(topping)
    store.create_record(topping, "Contacts", {"Last_Name": "Admin"}, user=owner, fire=False)
    Stub.objects.create(topping=topping, url_pattern="https://api.example.com/*", body="{}")
    collection = EmulatedCollection.objects.create(
        topping=topping, name="Books", url_prefix="https://books.example.com/contacts"
    )
    collection.items.create(item_id="1", data={"email": "a@example.com"})
    return topping


@pytest.mark.parametrize("model", [SandboxSettings, SandboxRecord, Stub, EmulatedCollection])
def test_every_sandbox_model_has_an_admin_list_and_page(open_admin_pages, filled, model):
    assert open_admin_pages(model) == (200, 200)
