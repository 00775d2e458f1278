"""Fixtures for the sync tests: the workflow and sandbox fixtures."""

from tests.sandbox.conftest import catalog_connection, emulated_books  # noqa: F401
from tests.workflows.conftest import (  # noqa: F401
    drain,
    make_connection,
    make_service,
    other_topping,
    raw_key,
)
