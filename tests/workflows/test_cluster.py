"""Reliability with a real django-q2 cluster: a worker killed mid-run, re-delivery."""

from __future__ import annotations

import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from workflows import dispatch, tasks
from workflows.management import cluster
from workflows.models import Action, Execution, Rule

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = 3


class _Hook(BaseHTTPRequestHandler):
    """Records each request's idempotency key; the first request hangs (the worker dies)."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.keys.append(self.headers.get("Idempotency-Key"))
        if len(self.server.keys) == 1:
            self.server.first_arrived.set()
            time.sleep(30)  # the worker is killed meanwhile
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def hook_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.daemon_threads = True
    server.keys, server.first_arrived = [], threading.Event()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_worker_killed_mid_run_is_completed_after_the_lease_exactly_once(
    topping, owner, hook_server, tmp_path, settings
):
    settings.WORKFLOW_LEASE_SECONDS = LEASE
    rule = Rule.objects.create(topping=topping, module="Contacts", name="Hook")
    Action.objects.create(
        rule=rule,
        kind=Action.Kind.WEBHOOK,
        config={"url": f"http://127.0.0.1:{hook_server.server_port}/hook"},
    )
    env = {
        "WORKFLOW_LEASE_SECONDS": str(LEASE),
        "CONSOLE_OUTBOUND_ALLOWLIST": "127.0.0.1",
        "Q_WORKERS": "1",
        "Q_TIMEOUT": "60",
        "Q_RETRY": "61",
    }
    log = tmp_path / "cluster.log"
    first = cluster.start(env, log)
    try:
        dispatch.record_event(
            topping, module="Contacts", operation="create", record={"ID": "1", "Last_Name": "A"}
        )
        execution = Execution.objects.get()
        assert hook_server.first_arrived.wait(30), log.read_text()
        execution.refresh_from_db()
        assert execution.status == "running" and execution.attempts == 1
    finally:
        cluster.kill(first)
    second = cluster.start(env, log)
    try:
        time.sleep(LEASE + 0.5)
        assert tasks.pump(now=timezone.now())["reclaimed"] == 1
        wait_for(
            lambda: Execution.objects.filter(status="succeeded").exists(), 40, "the second attempt"
        )
        execution.refresh_from_db()
        assert execution.attempts == 2
        assert [entry["attempt"] for entry in execution.log] == [2]  # one finished attempt
        # The receiver saw the same idempotency key twice and can drop the repeat.
        assert hook_server.keys == [execution.idempotency_key] * 2
        # A late duplicate delivery of the same task does nothing.
        assert tasks.run(execution.pk) is None
        assert len(hook_server.keys) == 2
        finished = execution.finished_at
        time.sleep(1)
        execution.refresh_from_db()
        assert execution.finished_at == finished and execution.status == "succeeded"
    finally:
        cluster.stop(second)
    assert execution.due_at <= execution.created_at + dt.timedelta(seconds=1)
