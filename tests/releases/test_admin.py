"""Operators see versions and release settings in the admin; versions are read-only there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from releases import services
from releases.models import ReleaseSettings, Version


@pytest.fixture
def filled(topping, owner, make_function):
    make_function("hello", 'info "hi";')
    ReleaseSettings.objects.create(topping=topping, install_function="hello")
    services.publish(topping, notes="First.", user=owner)
    return topping


@pytest.mark.parametrize("model", [ReleaseSettings, Version])
def test_every_releases_model_has_an_admin_list_and_page(open_admin_pages, filled, model):
    assert open_admin_pages(model) == (200, 200)


def test_versions_cannot_be_changed_in_the_admin(admin_client, filled):
    version = Version.objects.get()
    url = reverse("admin:releases_version_change", args=[version.pk])
    admin_client.post(url, {"notes": "rewritten", "number": 9})
    version.refresh_from_db()
    assert (version.notes, version.number) == ("First.", 1)
    assert admin_client.get(reverse("admin:releases_version_add")).status_code == 403
