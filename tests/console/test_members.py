import pytest
from django.urls import reverse

from console.models import AuditEntry, Membership


def _url(name, topping, *args):
    return reverse(f"console:{name}", args=[topping.namespace, *args])


def test_admin_adds_member_and_it_is_audited(topping, owner, make_user, client_for):
    newcomer = make_user("new@example.com")
    response = client_for(owner).post(
        _url("member_add", topping), {"email": "NEW@example.com", "role": "developer"}
    )
    assert response.status_code == 200
    assert topping.role_of(newcomer) == "developer"
    entry = AuditEntry.objects.get(action="console.membership.added")
    assert entry.data == {"member": "new@example.com", "role": "developer"}
    assert entry.actor == owner


def test_add_unknown_email_shows_error(topping, owner, client_for):
    response = client_for(owner).post(
        _url("member_add", topping), {"email": "nobody@example.com", "role": "developer"}
    )
    assert "No user has signed up" in response.content.decode()
    assert topping.memberships.count() == 2


def test_htmx_add_returns_partial(topping, owner, make_user, client_for):
    make_user("partial@example.com")
    response = client_for(owner).post(
        _url("member_add", topping),
        {"email": "partial@example.com", "role": "admin"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "partial@example.com" in body
    assert "<html" not in body


def test_admin_changes_role_and_it_is_audited(topping, owner, teammate, client_for):
    membership = Membership.objects.get(topping=topping, user=teammate)
    client_for(owner).post(_url("member_role", topping, membership.pk), {"role": "admin"})
    assert topping.role_of(teammate) == "admin"
    entry = AuditEntry.objects.get(action="console.membership.role_changed")
    assert entry.data == {"member": teammate.email, "from": "developer", "to": "admin"}


def test_admin_removes_member_and_it_is_audited(topping, owner, teammate, client_for):
    membership = Membership.objects.get(topping=topping, user=teammate)
    client_for(owner).post(_url("member_remove", topping, membership.pk))
    assert topping.role_of(teammate) is None
    assert AuditEntry.objects.filter(action="console.membership.removed").count() == 1


def test_last_administrator_cannot_leave_or_be_demoted(topping, owner, client_for):
    membership = Membership.objects.get(topping=topping, user=owner)
    client = client_for(owner)
    response = client.post(_url("member_role", topping, membership.pk), {"role": "developer"})
    assert "at least one Administrator" in response.content.decode()
    client.post(_url("member_remove", topping, membership.pk))
    assert topping.role_of(owner) == "admin"


@pytest.mark.parametrize("action", ["add", "role", "remove", "settings"])
def test_developer_cannot_change_membership_or_settings(
    topping, owner, teammate, make_user, client_for, action
):
    make_user("victim@example.com")
    owner_membership = Membership.objects.get(topping=topping, user=owner)
    client = client_for(teammate)
    if action == "add":
        response = client.post(
            _url("member_add", topping), {"email": "victim@example.com", "role": "admin"}
        )
    elif action == "role":
        response = client.post(
            _url("member_role", topping, owner_membership.pk), {"role": "developer"}
        )
    elif action == "remove":
        response = client.post(_url("member_remove", topping, owner_membership.pk))
    else:
        response = client.post(_url("topping_settings", topping), {"name": "Hijacked"})
    assert response.status_code == 403
    topping.refresh_from_db()
    assert topping.name == "Bigin and Books Connection"
    assert topping.memberships.count() == 2
    assert topping.role_of(owner) == "admin"
    assert not AuditEntry.objects.exclude(action="console.topping.created").exists()


def test_developer_sees_members_read_only(topping, teammate, client_for):
    body = client_for(teammate).get(_url("members", topping)).content.decode()
    assert "owner@example.com" in body
    assert "Only Administrators can change membership" in body
    assert "Remove" not in body


def test_membership_of_another_topping_is_404(topping, owner, stranger, client_for):
    from console import services

    other = services.create_topping(name="Elsewhere", user=stranger)
    foreign = Membership.objects.get(topping=other, user=stranger)
    response = client_for(owner).post(_url("member_remove", topping, foreign.pk))
    assert response.status_code == 404
    assert other.memberships.count() == 1
