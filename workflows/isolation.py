"""Running a user's script away from the web process: a bounded pool of child processes.

A script started from a web request (Save & Execute, a version's installation hook) must
never stall the process that serves other requests, whatever it does. Each such run is a
forked child of the web process:

* at most ``CONSOLE_SCRIPT_WORKERS`` children run at once; up to four times as many runs
  wait for a slot, and a run beyond that is refused (``Busy``);
* the child's address space may grow by at most ``CONSOLE_SCRIPT_MEMORY_MB``
  (``resource.setrlimit``), and it dies with its parent (``PR_SET_PDEATHSIG``);
* a watchdog thread in the parent kills the child (SIGKILL) when ``CONSOLE_SCRIPT_HARD_SECONDS``
  pass, and records the run as failed if the child did not finish it.

The child claims and finishes the execution itself (``runner.run_execution``), exactly as a
django-q2 worker does, so the stored row is the one truth for the page, which polls it.
Rule runs from events never come here: django-q2's worker processes run them.

``CONSOLE_SCRIPT_ISOLATION = "inline"`` runs in the calling thread instead. The test suite
uses it, because its tests run inside a transaction that a child process cannot see; the
system check ``workflows.W001`` warns about it anywhere else.
"""

from __future__ import annotations

import logging
import os
import resource
import select
import signal
import threading
import time

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from console.processes import die_with_parent
from workflows.models import Execution
from workflows.runner import run_execution, storable

logger = logging.getLogger(__name__)

RUNNING = (Execution.Status.QUEUED, Execution.Status.RUNNING)


class Busy(Exception):
    """Every slot is taken and the waiting line is full: try again in a moment."""


class _Pool:
    """Slots for children, created on first use with the size the settings give then."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.size = 0
        self.slots: threading.BoundedSemaphore | None = None
        self.waiting = 0

    def _refuse_when_full(self) -> None:
        if self.waiting >= settings.CONSOLE_SCRIPT_WORKERS * 5:
            raise Busy("Too many scripts are running at once. Try again in a moment.")

    def check(self) -> None:
        """Raise ``Busy`` when the waiting line is full."""
        with self.lock:
            self._refuse_when_full()

    def enter(self) -> threading.BoundedSemaphore:
        """Take a place in line (``Busy`` when it is full); ``leave`` gives it back."""
        with self.lock:
            self._refuse_when_full()
            size = settings.CONSOLE_SCRIPT_WORKERS
            if self.slots is None or self.size != size:
                self.slots, self.size = threading.BoundedSemaphore(size), size
            self.waiting += 1
            return self.slots

    def leave(self) -> None:
        with self.lock:
            self.waiting -= 1


_pool = _Pool()


def start(execution_id: int) -> threading.Event:
    """Run the execution in a child process once the current transaction commits; the
    returned event is set when the run has ended, one way or another. Raises ``Busy``."""
    done = threading.Event()
    if settings.CONSOLE_SCRIPT_ISOLATION == "inline":
        run_execution(execution_id)
        done.set()
        return done
    _pool.check()  # refuse now, while the caller can still say so

    def launch() -> None:
        # The place in line is taken only once the row is committed: a transaction that
        # rolls back never launches, and so never holds a place.
        try:
            slots = _pool.enter()
        except Busy as busy:
            _settle(execution_id, str(busy))
            done.set()
            return
        watchdog = threading.Thread(
            target=_watch, args=(execution_id, slots, done), name=f"script-{execution_id}"
        )
        watchdog.daemon = True
        watchdog.start()

    transaction.on_commit(launch)
    return done


def _watch(execution_id: int, slots: threading.BoundedSemaphore, done: threading.Event) -> None:
    try:
        with slots:
            _run_child(execution_id)
    except Exception:  # the parent must always settle the row and set the event
        logger.exception("isolated run of execution %s failed to start", execution_id)
        _settle(execution_id, "The run could not be started.")
    finally:
        _pool.leave()
        connections.close_all()  # this thread's own connection, if settling opened one
        done.set()


def _run_child(execution_id: int) -> None:
    hard = settings.CONSOLE_SCRIPT_HARD_SECONDS
    memory = settings.CONSOLE_SCRIPT_MEMORY_MB * 1024 * 1024
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        _child(execution_id, memory)
    status = _wait(pid, started + hard)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        logger.warning("execution %s killed after %s s", execution_id, hard)
        _settle(
            execution_id, f"The run was stopped after {hard:g} s (CONSOLE_SCRIPT_HARD_SECONDS)."
        )
    elif status != 0:
        if os.WIFSIGNALED(status):
            reason = f"signal {os.WTERMSIG(status)}"
        else:
            reason = f"exit code {os.waitstatus_to_exitcode(status)}"
        _settle(
            execution_id,
            f"The run ended unexpectedly ({reason}); it may have used more than "
            f"{settings.CONSOLE_SCRIPT_MEMORY_MB} MB (CONSOLE_SCRIPT_MEMORY_MB).",
        )
    else:
        _settle(execution_id, "The run ended without a result.")


def _wait(pid: int, deadline: float) -> int | None:
    """The child's wait status, or None if it is still running at ``deadline``."""
    fd = os.pidfd_open(pid)
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if poller.poll(left * 1000):
                return os.waitpid(pid, 0)[1]
    finally:
        os.close(fd)


def _child(execution_id: int, memory: int) -> None:
    code = 1
    try:
        die_with_parent(signal.SIGKILL)
        size = os.sysconf("SC_PAGE_SIZE") * int(open("/proc/self/statm").read().split()[0])  # noqa: SIM115
        resource.setrlimit(resource.RLIMIT_AS, (size + memory, size + memory))
        # This thread is new in the parent, so its database connection is too: the other
        # threads' connections were copied with the fork and are never touched here.
        run_execution(execution_id)
        code = 0
    except BaseException:
        logger.exception("isolated run of execution %s crashed", execution_id)
    finally:
        try:
            connections.close_all()
        finally:
            os._exit(code)  # no atexit handlers or finalizers of the parent's objects


def _settle(execution_id: int, message: str) -> None:
    """Record a run the child did not finish as failed (nothing if it did finish)."""
    now = timezone.now()
    Execution.objects.filter(pk=execution_id, status__in=RUNNING).update(
        status=Execution.Status.FAILED,
        finished_at=now,
        lease_until=None,
        error={"type": "Limit exceeded", "message": message},
    )


def execute_now(
    function, arguments: dict, *, user, environment: str = "sandbox", kind: str = "test"
) -> Execution:
    """Run a function at once with the given arguments, stored like any run: Save & Execute
    (kind "test") or a published version's installation hook (kind "install").

    The run happens in a child process (workflows/isolation.py); this waits for it up to
    ``CONSOLE_SCRIPT_WAIT_SECONDS`` and returns the row, finished or still running (the page
    then polls it). Raises ``Busy`` when too many runs are under way."""
    now = timezone.now()
    label = {"test": "Save & Execute", "install": "On installation"}[kind]
    execution = Execution.objects.create(
        topping=function.topping,
        environment=environment,
        function=function,
        kind=kind,
        label=f"{label}: {function.name}"[:200],
        user=user,
        idempotency_key=f"{kind}:{function.pk}:{now.timestamp()}:{user.pk if user else 0}",
        max_attempts=1,
        due_at=now,
        arguments=storable(arguments),
    )
    done = start(execution.pk)
    if not transaction.get_connection().in_atomic_block:
        done.wait(settings.CONSOLE_SCRIPT_WAIT_SECONDS)
    execution.refresh_from_db()
    return execution
