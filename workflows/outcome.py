"""What performing an action returns, and the helpers every kind's ``run`` shares.

It sits below both the runner and the action kinds (``runner -> actions -> outcome``), so
that neither imports the other for these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deluge import DelugeRuntimeError
from workflows.hooks import ENVIRONMENT_HOSTS
from workflows.host import TransientError, WorkflowHost
from workflows.models import Execution
from workflows.schemas import ErrorInfo


@dataclass
class Outcome:
    ok: bool
    transient: bool = False  # a failure worth retrying (timeouts, 429, 5xx)
    error: ErrorInfo | None = None
    return_value: Any = None
    info_lines: list = field(default_factory=list)
    calls: list = field(default_factory=list)


def failure(message: str, **outcome: Any) -> Outcome:
    return Outcome(False, error=ErrorInfo(message), **outcome)


def new_host(execution: Execution) -> WorkflowHost:
    """The host the run talks through: its environment's (the sandbox's emulation, say)."""
    factory = ENVIRONMENT_HOSTS.get(execution.environment, WorkflowHost)
    return factory(
        execution.topping,
        environment=execution.environment,
        user=execution.user,
        idempotency_key=execution.idempotency_key,
    )


def host_failure(error: DelugeRuntimeError, host: WorkflowHost) -> Outcome:
    """A call the host refused or that failed on the way (transient ones are retried)."""
    transient = isinstance(error, TransientError)
    return failure(error.message, transient=transient, calls=host.calls)
