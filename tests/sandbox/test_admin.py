"""Operators see every sandbox model in the admin; versions are read-only there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandbox import publishing, store
from sandbox.models import EmulatedCollection, SandboxRecord, SandboxSettings, Stub, Version


@pytest.fixture
def filled(topping, owner, make_function):
    SandboxSettings.of(topping)
    store.create_record(topping, "Contacts", {"Last_Name": "Admin"}, user=owner, fire=False)
    Stub.objects.create(topping=topping, url_pattern="https://api.example.com/*", body="{}")
    collection = EmulatedCollection.objects.create(
        topping=topping, name="Books", url_prefix="https://books.example.com/contacts"
    )
    collection.items.create(item_id="1", data={"email": "a@example.com"})
    make_function("hello", 'info "hi";')
    publishing.publish(topping, notes="First.", user=owner)
    return topping


@pytest.mark.parametrize(
    "model", [SandboxSettings, SandboxRecord, Stub, EmulatedCollection, Version]
)
def test_every_sandbox_model_has_an_admin_list_and_page(admin_client, filled, model):
    meta = model._meta
    listing = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert listing.status_code == 200
    obj = model.objects.first()
    page = admin_client.get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    )
    assert page.status_code == 200


def test_versions_cannot_be_changed_in_the_admin(admin_client, filled):
    version = Version.objects.get()
    url = reverse("admin:sandbox_version_change", args=[version.pk])
    admin_client.post(url, {"notes": "rewritten", "number": 9})
    version.refresh_from_db()
    assert (version.notes, version.number) == ("First.", 1)
    assert admin_client.get(reverse("admin:sandbox_version_add")).status_code == 403
