"""Fixtures for releases tests: the sandbox and workflow fixtures they share."""

from __future__ import annotations

from tests.sandbox.conftest import catalog_connection, open_admin_pages  # noqa: F401
from tests.workflows.conftest import (  # noqa: F401  (fixtures)
    api,
    drain,
    make_function,
    make_rule,
    other_topping,
    raw_key,
)
