"""The only way views load toppings and memberships: strangers get 404, not 403.

A 404 tells a non-member nothing about whether a topping exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from console.models import Membership, Topping

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from console.models import User


def get_topping_for_user(user: User | AnonymousUser, namespace: str) -> Topping:
    topping = Topping.objects.for_user(user).filter(namespace=namespace).first()
    if topping is None:
        raise Http404("No such topping.")
    return topping


def get_topping_for_admin(user: User | AnonymousUser, namespace: str) -> Topping:
    """A topping the user administers; members without the role get 403."""
    topping = get_topping_for_user(user, namespace)
    if not topping.is_admin(user):
        raise PermissionDenied("Only the topping's Administrators can do this.")
    return topping


def get_part_or_404(topping: Topping, related: str, what: str, **lookup: Any) -> Any:
    """One object of the topping's ``related`` set matching ``lookup``; 404 otherwise."""
    found = getattr(topping, related).filter(**lookup).first()
    if found is None:
        raise Http404(f"No such {what}.")
    return found


def get_membership_for_admin(
    user: User | AnonymousUser, namespace: str, membership_id: int
) -> Membership:
    topping = get_topping_for_admin(user, namespace)
    return get_part_or_404(topping, "memberships", "member", pk=membership_id)
