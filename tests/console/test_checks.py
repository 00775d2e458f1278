from django.core.checks import run_checks
from django.test import override_settings

from console.checks import check_task_queue


def test_default_settings_pass_checks(db):
    assert [e for e in run_checks() if e.id and e.id.startswith("console.")] == []


@override_settings(Q_CLUSTER={"timeout": 120, "retry": 120})
def test_retry_not_above_timeout_fails_check():
    errors = check_task_queue()
    assert [e.id for e in errors] == ["console.E001"]
    assert "retry" in errors[0].msg


@override_settings(Q_CLUSTER={"timeout": 60, "retry": 90})
def test_retry_above_timeout_passes():
    assert check_task_queue() == []
