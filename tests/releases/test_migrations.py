"""Moving versions out of the sandbox app keeps their rows and each topping's "On
installation" function, and can be undone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("sandbox", "0002_version_install_function")]


def migrate(targets=None):
    """Migrate to ``targets`` (the latest migrations when None); the models as they were."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_versions_and_install_functions_survive_the_move():
    old = migrate(BEFORE)
    Topping = old.get_model("console", "Topping")
    one = Topping.objects.create(name="One", namespace="one")
    two = Topping.objects.create(name="Two", namespace="two")
    old.get_model("sandbox", "SandboxSettings").objects.create(
        topping=one, install_function="on_install", unmatched="fail"
    )
    old.get_model("sandbox", "SandboxSettings").objects.create(topping=two)
    old.get_model("sandbox", "Version").objects.create(
        topping=one, number=1, notes="First.", current=True, install_function="on_install"
    )

    new = migrate()
    versions = new.get_model("releases", "Version").objects.values_list(
        "topping__namespace", "number", "notes", "current", "install_function"
    )
    assert list(versions) == [("one", 1, "First.", True, "on_install")]
    release_settings = new.get_model("releases", "ReleaseSettings").objects.values_list(
        "topping__namespace", "install_function"
    )
    assert list(release_settings) == [("one", "on_install")]
    sandbox_settings = new.get_model("sandbox", "SandboxSettings").objects.get(topping_id=one.pk)
    assert sandbox_settings.unmatched == "fail"
    assert not hasattr(sandbox_settings, "install_function")

    back = migrate(BEFORE)
    restored = back.get_model("sandbox", "SandboxSettings").objects.get(topping_id=one.pk)
    assert restored.install_function == "on_install"
    assert back.get_model("sandbox", "Version").objects.get().notes == "First."
    migrate()
