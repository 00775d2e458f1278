"""django-q2 entry points, thin on purpose: they take ids and call a service.

``run`` runs executions; ``pump`` (scheduled every minute by migration 0002) is
``workflows.pump.pump``.
"""

from __future__ import annotations

import datetime as dt

from workflows import pump as pumping
from workflows.runner import run_executions


def run(*execution_ids: int) -> list[str | None] | str | None:
    """Run executions by id; each is claimed on its own, so a re-delivery does nothing."""
    statuses = list(run_executions(list(execution_ids)).values())
    return statuses[0] if len(statuses) == 1 else statuses


def pump(now: dt.datetime | None = None) -> dict:
    """Queue whatever is due or stranded; returns counts (for logs and tests)."""
    return pumping.pump(now)
