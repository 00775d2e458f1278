"""Start and stop django-q2 cluster processes (the benchmark and the reliability tests).

A cluster runs ``manage.py qcluster`` in a session of its own, so that stopping it (or
killing it with SIGKILL, as a crash would) takes its worker processes with it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from console.processes import die_with_parent

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def database_url() -> str:
    """The URL of the database this process is using (the test database in tests)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def start(
    env: dict[str, str] | None = None,
    log: Path | None = None,
    command: tuple[str, ...] = ("qcluster",),
) -> subprocess.Popen:
    """``manage.py <command>`` (a cluster by default) on this process's database."""
    environ = {**os.environ, "DATABASE_URL": database_url(), **(env or {})}
    environ.pop("PYTEST_XDIST_WORKER", None)
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, str(MANAGE), *command],
        env=environ,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=die_with_parent,  # a killed benchmark takes its clusters with it
    )


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the whole cluster at once, as a crash or an OOM kill would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def stop(process: subprocess.Popen, timeout: float = 15.0) -> None:
    """Ask the cluster to finish its tasks and stop; kill it if it will not."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    if process.poll() is None:
        kill(process)
