from io import StringIO

from django.core.management import call_command

from console.models import AuditEntry, Membership, Topping, User


def _run() -> str:
    out = StringIO()
    call_command("create_demo", stdout=out)
    return out.getvalue()


def test_demo_is_created_once_and_prints_credentials(db, settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    first = _run()
    second = _run()
    assert first == second
    assert "developer@example.com" in first
    assert User.objects.count() == 2
    assert Topping.objects.count() == 1
    assert Membership.objects.count() == 2
    assert AuditEntry.objects.count() == 1
    developer = User.objects.get(email="developer@example.com")
    password = first.split("developer@example.com / ")[1].split()[0]
    assert developer.check_password(password)
    assert User.objects.get(email="operator@example.com").is_superuser
