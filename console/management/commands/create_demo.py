"""Create the demo operator, developer and topping (idempotent).

Passwords are generated on the first run and kept in the git-ignored local folder, so every
run prints the same sign-in and nothing is overwritten.
"""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from console import services
from console.models import Membership, Topping, User

OPERATOR_EMAIL = "operator@example.com"
DEVELOPER_EMAIL = "developer@example.com"
DEMO_TOPPING = "Demo Topping"


def _credentials() -> dict[str, str]:
    path = settings.LOCAL_DIR / "demo-credentials.json"
    if path.exists():
        return json.loads(path.read_text())
    creds = {OPERATOR_EMAIL: secrets.token_urlsafe(12), DEVELOPER_EMAIL: secrets.token_urlsafe(12)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(creds))
    path.chmod(0o600)
    return creds


def _ensure_user(email: str, password: str, *, staff: bool) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, username=email.split("@")[0])
        user.set_password(password)
        user.is_staff = user.is_superuser = staff
        user.save()
    return user


class Command(BaseCommand):
    help = "Create a demo operator, a demo developer and a demo topping (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        creds = _credentials()
        operator = _ensure_user(OPERATOR_EMAIL, creds[OPERATOR_EMAIL], staff=True)
        developer = _ensure_user(DEVELOPER_EMAIL, creds[DEVELOPER_EMAIL], staff=False)
        topping = Topping.objects.filter(created_by=developer, name=DEMO_TOPPING).first()
        if topping is None:
            topping = services.create_topping(
                name=DEMO_TOPPING,
                description="A demo integration to explore the console.",
                user=developer,
            )
        Membership.objects.get_or_create(
            topping=topping, user=operator, defaults={"role": Membership.Role.ADMINISTRATOR}
        )
        self.stdout.write(
            "Demo sign-in (http://127.0.0.1:8000/):\n"
            f"  developer  {DEVELOPER_EMAIL} / {creds[DEVELOPER_EMAIL]}\n"
            f"  operator   {OPERATOR_EMAIL} / {creds[OPERATOR_EMAIL]}  (Django admin at /admin/)\n"
            f"  demo topping: {topping.name} ({topping.namespace})"
        )
