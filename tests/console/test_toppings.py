import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from console import services
from console.models import AuditEntry, Membership, Topping, namespace_from_name


@pytest.mark.parametrize(
    ("name", "namespace"),
    [
        ("Bigin and Books Connection", "biginandbooksconnection"),
        ("  My-App_2 (beta)! ", "myapp2beta"),
        ("Ünïcode Café", "ncodecaf"),
        ("x" * 80, "x" * 50),
    ],
)
def test_namespace_is_derived_from_name(name, namespace):
    assert namespace_from_name(name) == namespace


def test_create_topping_makes_creator_administrator_and_audits(owner):
    topping = services.create_topping(name="Bigin and Books Connection", user=owner)
    assert topping.namespace == "biginandbooksconnection"
    assert topping.role_of(owner) == Membership.Role.ADMINISTRATOR
    entry = AuditEntry.objects.get(action="console.topping.created")
    assert entry.topping == topping
    assert entry.actor == owner
    assert entry.data == {"name": topping.name, "namespace": "biginandbooksconnection"}


def test_namespaces_are_unique(owner, stranger):
    first = services.create_topping(name="Sync", user=owner)
    second = services.create_topping(name="SYNC!", user=stranger)
    third = services.create_topping(name="sync", user=owner)
    assert [first.namespace, second.namespace, third.namespace] == ["sync", "sync2", "sync3"]


def test_name_without_letters_is_refused(owner):
    with pytest.raises(ValidationError):
        services.create_topping(name="123 !!!", user=owner)
    assert not Topping.objects.exists()


def test_namespace_cannot_change(topping):
    topping.namespace = "other"
    with pytest.raises(ValidationError):
        topping.save()
    topping.refresh_from_db()
    assert topping.namespace == "biginandbooksconnection"


def test_renaming_keeps_namespace(topping, owner, client_for):
    client = client_for(owner)
    response = client.post(
        reverse("console:topping_settings", args=[topping.namespace]),
        {"name": "Renamed", "description": "new"},
    )
    assert response.status_code == 302
    topping.refresh_from_db()
    assert (topping.name, topping.namespace) == ("Renamed", "biginandbooksconnection")
    assert AuditEntry.objects.filter(action="console.topping.updated").get().data == {
        "fields": ["name", "description"]
    }


def test_create_view_shows_namespace_on_dashboard(owner, client_for):
    client = client_for(owner)
    response = client.post(reverse("console:topping_create"), {"name": "Desk Sync"}, follow=True)
    assert response.status_code == 200
    assert "desksync" in response.content.decode()
    assert Topping.objects.get().namespace == "desksync"


def test_create_view_reports_underivable_name(owner, client_for):
    response = client_for(owner).post(reverse("console:topping_create"), {"name": "!!!"})
    assert response.status_code == 200
    assert "namespace" in response.content.decode()
    assert not Topping.objects.exists()


def test_list_shows_only_my_toppings(topping, stranger, client_for):
    services.create_topping(name="Stranger Thing", user=stranger)
    page = client_for(topping.memberships.first().user).get(reverse("console:topping_list"))
    body = page.content.decode()
    assert "Bigin and Books Connection" in body
    assert "Stranger Thing" not in body


def test_dashboard_has_every_section(topping, teammate, client_for):
    body = client_for(teammate).get(topping.get_absolute_url()).content.decode()
    for section in ("Connections", "Functions", "Workflows", "Test your topping", "Publish"):
        assert section in body
