"""Operations on toppings and their members; each runs in a transaction and is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from console.audit import log_action
from console.models import NAMESPACE_MAX_LENGTH, Membership, Topping, User, namespace_from_name


def unique_namespace(name: str) -> str:
    base = namespace_from_name(name)
    if not base or not base[0].isalpha():
        raise ValidationError(
            {"name": "The name must contain a letter before any digit, to derive a namespace."}
        )
    candidate, n = base, 1
    while Topping.objects.filter(namespace=candidate).exists():
        n += 1
        suffix = str(n)
        candidate = base[: NAMESPACE_MAX_LENGTH - len(suffix)] + suffix
    return candidate


def create_topping(*, name: str, description: str = "", user: User) -> Topping:
    """Create a topping with ``user`` as its first Administrator."""
    for _ in range(3):
        try:
            with transaction.atomic():
                topping = Topping.objects.create(
                    name=name,
                    namespace=unique_namespace(name),
                    description=description,
                    created_by=user,
                )
                Membership.objects.create(
                    topping=topping, user=user, role=Membership.Role.ADMINISTRATOR
                )
                log_action(
                    topping,
                    "console.topping.created",
                    user=user,
                    data={"name": name, "namespace": topping.namespace},
                )
                return topping
        except IntegrityError:
            # Two creations raced for the same namespace; derive again.
            continue
    raise ValidationError({"name": "Could not derive a free namespace; try another name."})


@transaction.atomic
def update_topping(topping: Topping, *, name: str, description: str, user: User) -> Topping:
    # Compare with the stored row: a bound ModelForm has already copied the new values.
    stored = Topping.objects.select_for_update().get(pk=topping.pk)
    changed = [
        field
        for field, value in (("name", name), ("description", description))
        if getattr(stored, field) != value
    ]
    topping.name, topping.description = name, description
    topping.save(update_fields=["name", "description", "updated_at"])
    if changed:
        log_action(topping, "console.topping.updated", user=user, data={"fields": changed})
    return topping


@transaction.atomic
def add_member(topping: Topping, *, email: str, role: str, user: User) -> Membership:
    member = User.objects.filter(email__iexact=email.strip()).first()
    if member is None:
        raise ValidationError({"email": "No user has signed up with this e-mail address."})
    if Membership.objects.filter(topping=topping, user=member).exists():
        raise ValidationError({"email": "This user is already a member."})
    membership = Membership.objects.create(topping=topping, user=member, role=role)
    log_action(
        topping,
        "console.membership.added",
        user=user,
        data={"member": member.email, "role": role},
    )
    return membership


def _ensure_another_admin(membership: Membership) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(topping=membership.topping, role=Membership.Role.ADMINISTRATOR)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError("A topping needs at least one Administrator.")


@transaction.atomic
def change_role(membership: Membership, *, role: str, user: User) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Unknown role."})
    if membership.role == role:
        return membership
    if membership.role == Membership.Role.ADMINISTRATOR:
        _ensure_another_admin(membership)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    log_action(
        membership.topping,
        "console.membership.role_changed",
        user=user,
        data={"member": membership.user.email, "from": old, "to": role},
    )
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, user: User) -> None:
    if membership.role == Membership.Role.ADMINISTRATOR:
        _ensure_another_admin(membership)
    topping, email = membership.topping, membership.user.email
    membership.delete()
    log_action(topping, "console.membership.removed", user=user, data={"member": email})
