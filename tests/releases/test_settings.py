"""The release settings on the versions page: the "On installation" function."""

from __future__ import annotations

import pytest
from django.urls import reverse

from releases.models import ReleaseSettings

pytestmark = pytest.mark.django_db


def settings_url(topping) -> str:
    return reverse("releases:settings", args=[topping.namespace])


def versions_url(topping) -> str:
    return reverse("releases:versions", args=[topping.namespace])


def test_settings_are_saved(client_for, owner, topping, make_function):
    make_function("on_install", 'info "installed";')
    client = client_for(owner)
    page = client.get(versions_url(topping)).content.decode()
    assert '<option value="on_install">on_install</option>' in page
    response = client.post(settings_url(topping), {"install_function": "on_install"})
    assert response.status_code == 302 and response.url == versions_url(topping)
    assert ReleaseSettings.of(topping).install_function == "on_install"
    entry = topping.audit_entries.get(action="releases.settings.changed")
    assert (entry.actor, entry.data) == (owner, {"install_function": "on_install"})
    assert (
        "On installation runs <code>on_install</code>"
        in client.get(versions_url(topping)).content.decode()
    )


def test_the_install_function_must_be_one_of_the_toppings(client_for, owner, topping):
    response = client_for(owner).post(settings_url(topping), {"install_function": "missing"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert ReleaseSettings.of(topping).install_function == ""
    assert not ReleaseSettings.objects.exists()


def test_a_developer_sets_the_install_function(client_for, teammate, topping, make_function):
    make_function("on_install", 'info "installed";')
    response = client_for(teammate).post(settings_url(topping), {"install_function": "on_install"})
    assert response.status_code == 302
    assert ReleaseSettings.of(topping).install_function == "on_install"


def test_reading_the_settings_writes_nothing(client_for, owner, topping):
    assert client_for(owner).get(versions_url(topping)).status_code == 200
    assert not ReleaseSettings.objects.exists()


def test_the_settings_need_a_post(client_for, owner, topping):
    assert client_for(owner).get(settings_url(topping)).status_code == 405


def test_a_stranger_gets_404_and_changes_nothing(client_for, stranger, topping, make_function):
    make_function("on_install", 'info "installed";')
    response = client_for(stranger).post(settings_url(topping), {"install_function": "on_install"})
    assert response.status_code == 404
    assert not ReleaseSettings.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, topping):
    response = client.post(settings_url(topping), {"install_function": ""})
    assert response.status_code == 302 and "login" in response.url
