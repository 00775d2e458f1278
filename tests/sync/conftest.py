"""Fixtures for the sync tests: the workflow and sandbox fixtures."""

from tests.sandbox.conftest import catalog_connection, emulated_books  # noqa: F401
from tests.workflows.conftest import drain, make_connection, make_service  # noqa: F401
