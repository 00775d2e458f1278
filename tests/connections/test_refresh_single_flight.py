"""One token request per expiry, whatever the token's lifetime (issue 12).

The loopback OAuth server (tests/connections/oauth_server.py) issues 60-second access tokens
and rotates the refresh token on every refresh. Callers go through ``send.send`` to the
server's ``/api/me``, which checks the bearer token, so every call that reached the API
shows which token it carried. The concurrent tests run 20 callers: 10 threads in each of 2
child processes (``python -c`` running Django against this test's database), several rounds,
each round expiring the token again; within a round the callers start over 0.4 s, so some
wait for the refresh in flight and some come after it.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections as db_connections
from django.utils import timezone

from connections.models import Credential
from connections.services import send, tokens
from tests.connections.fixtures import connect_by_code

pytestmark = pytest.mark.django_db(transaction=True)  # children must see committed rows

LIFETIME = 60  # seconds: shorter than the 5-minute longest margin
PROCESSES = 2
THREADS = 10  # per process
CALLERS = PROCESSES * THREADS
ROUNDS = 5
TOKEN_DELAY = 0.2  # seconds the token endpoint takes: the leader holds the lease that long
STAGGER = 0.1  # callers start 0, 0.1 ... 0.4 s after their round begins
ROOT = Path(__file__).resolve().parents[2]

# A child: Django on the test database, then for each "go" line, THREADS concurrent calls.
CHILD = r"""
import json, os, sys, threading, time
from django.conf import settings
settings.DATABASES["default"]["NAME"] = os.environ["SINGLE_FLIGHT_DB"]
import django
django.setup()
settings.CONSOLE_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
from django.db import connections
from connections.services import send
ref, threads, stagger = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
print("READY", flush=True)
for line in sys.stdin:
    if line.strip() != "go":
        break
    # The test moved the expiry in the database, where real time would have moved the clock:
    # this process's cached copy must not outlive it.
    send.forget()
    barrier = threading.Barrier(threads)
    results = [None] * threads
    def call(i):
        try:
            barrier.wait(timeout=30)
            time.sleep(stagger * (i % 5))  # some arrive during the refresh, some after it
            results[i] = send.send(ref, "GET", "me").status
        except Exception as error:
            results[i] = f"{type(error).__name__}: {error}"
        finally:
            connections.close_all()
    workers = [threading.Thread(target=call, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print("RESULT " + json.dumps(results), flush=True)
"""


@pytest.fixture
def short_lived(oauth_server, oauth_service, make_connection, owner):
    """A shared connection whose tokens come from a real code exchange: 60-second access
    tokens, refresh tokens rotated on every refresh."""
    oauth_server.access_token_ttl = LIFETIME
    oauth_server.rotate_refresh_tokens = True
    connection = make_connection(oauth_service, "books", scopes=["read"])
    connect_by_code(connection, oauth_server, owner)
    credential = _credential(connection)
    assert credential.token_lifetime == LIFETIME
    return connection


def _credential(connection) -> Credential:
    return Credential.objects.get(connection=connection, user=None)


def _token_count(oauth_server) -> int:
    return len(oauth_server.token_requests)


class _Children:
    """PROCESSES child processes, each ready to make THREADS concurrent calls per round."""

    def __init__(self, ref: str, logs: Path) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "SINGLE_FLIGHT_DB": str(settings.DATABASES["default"]["NAME"]),
        }
        self.logs = [logs / f"child-{n}.log" for n in range(PROCESSES)]
        fds = [os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC) for log in self.logs]
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-c", CHILD, ref, str(THREADS), str(STAGGER)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=fd,
                text=True,
            )
            for fd in fds
        ]
        for fd in fds:
            os.close(fd)  # the children hold their own copies
        self.lines: dict[int, queue.Queue[str]] = {}
        for proc in self.procs:
            self.lines[proc.pid] = queue.Queue()
            reader = threading.Thread(target=self._read, args=(proc,), daemon=True)
            reader.start()
        for proc in self.procs:
            assert self._line(proc, "READY", 60) == ""

    def _read(self, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines[proc.pid].put(line)

    def _line(self, proc: subprocess.Popen, prefix: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines[proc.pid].get(timeout=left)
            except queue.Empty:
                break
            if line.startswith(prefix):
                return line[len(prefix) :].strip()
        raise AssertionError(f"child {proc.pid} said no {prefix}:\n{self.stderr()}")

    def stderr(self) -> str:
        return "\n---\n".join(log.read_text()[-4000:] for log in self.logs)

    def round(self) -> list[object]:
        for proc in self.procs:  # both at once: each child's threads then start on a barrier
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results: list[object] = []
        for proc in self.procs:
            results += json.loads(self._line(proc, "RESULT ", 120))
        return results

    def close(self) -> None:
        for proc in self.procs:
            if proc.stdin is not None:
                proc.stdin.close()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def children(short_lived, tmp_path):
    db_connections.close_all()  # nothing of this process's is held open on the rows
    group = _Children(short_lived.qualified_name, tmp_path)
    yield group
    group.close()


@pytest.mark.parametrize("expiry", ["clock", "401"])
def test_twenty_callers_in_two_processes_make_one_token_request_per_round(
    short_lived, children, oauth_server, expiry
):
    """``clock``: the stored expiry has just passed (the refresh before the call).
    ``401``: the stored token looks fresh but the provider refuses it (the forced refresh
    after a 401, which must not repeat once someone has replaced the refused token)."""
    oauth_server.token_delay = TOKEN_DELAY
    for number in range(ROUNDS):
        before = _credential(short_lived)
        old = before.secrets
        oauth_server.expire_access_tokens()  # the provider's side of the expiry
        if expiry == "clock":
            Credential.objects.filter(pk=before.pk).update(
                expires_at=timezone.now() - timedelta(seconds=1)
            )
        tokens_before = _token_count(oauth_server)
        api_before = len(oauth_server.api_requests)

        results = children.round()

        new = _credential(short_lived).secrets
        made = oauth_server.token_requests[tokens_before:]
        assert results == [200] * CALLERS, (number, results, children.stderr())
        assert len(made) == 1, f"round {number}: {len(made)} token requests"
        assert made[0]["grant_type"] == "refresh_token"
        assert made[0]["params"]["refresh_token"] == old.refresh_token
        assert new.access_token != old.access_token
        assert new.refresh_token != old.refresh_token  # rotated, and the new one stored
        reached = [r for r in oauth_server.api_requests[api_before:] if r["valid"]]
        assert len(reached) == CALLERS
        assert {r["headers"]["Authorization"] for r in reached} == {f"Bearer {new.access_token}"}
        refused = [r for r in oauth_server.api_requests[api_before:] if not r["valid"]]
        assert {r["headers"]["Authorization"] for r in refused} <= {f"Bearer {old.access_token}"}
        if expiry == "clock":
            assert refused == []  # everyone refreshed (or waited) before calling


def test_call_right_after_a_refresh_makes_no_token_request(short_lived, oauth_server):
    credential = tokens.refresh(_credential(short_lived), force=True)
    assert tokens.refresh_margin(credential) == LIFETIME / 10
    assert not tokens.needs_refresh(credential)
    before = _token_count(oauth_server)
    for _ in range(3):
        assert send.send("books", "GET", "me", topping=short_lived.topping).status == 200
    send.forget()  # not only the per-process cache: the margin itself lets the token be used
    for _ in range(3):
        assert send.send("books", "GET", "me", topping=short_lived.topping).status == 200
    assert _token_count(oauth_server) == before


def test_token_within_a_tenth_of_its_lifetime_is_refreshed_once(short_lived, oauth_server):
    credential = _credential(short_lived)
    Credential.objects.filter(pk=credential.pk).update(
        expires_at=timezone.now() + timedelta(seconds=LIFETIME / 10 - 1)
    )
    before = _token_count(oauth_server)
    for _ in range(3):
        assert send.send("books", "GET", "me", topping=short_lived.topping).status == 200
    assert _token_count(oauth_server) == before + 1
    assert _credential(short_lived).secrets.access_token != credential.secrets.access_token


def test_401_after_someone_else_refreshed_uses_their_token(short_lived, oauth_server):
    topping = short_lived.topping
    assert send.send("books", "GET", "me", topping=topping).status == 200  # cached here now
    # Another process refreshes (it holds the row's copy): this process's cache still has
    # the old token, which the provider now refuses.
    tokens.refresh(_credential(short_lived), force=True)
    before = _token_count(oauth_server)
    old_seen = len(oauth_server.api_requests)
    new = _credential(short_lived).secrets.access_token
    _expire_all_but(oauth_server, new)
    response = send.send("books", "GET", "me", topping=topping)
    assert response.status == 200
    assert _token_count(oauth_server) == before  # the 401 found the token replaced already
    calls = oauth_server.api_requests[old_seen:]
    assert [c["valid"] for c in calls] == [False, True]
    assert calls[1]["headers"]["Authorization"] == f"Bearer {new}"


def _expire_all_but(oauth_server, keep: str) -> None:
    for token in list(oauth_server.access_tokens):
        if token != keep:
            oauth_server.expire_access_tokens(token)


def test_scheduled_and_on_demand_refresh_share_one_lease(short_lived, oauth_server):
    """The schedule's forced refresh holds the lease; callers whose token expired meanwhile
    wait for it and use its token instead of refreshing again."""
    from connections.tasks import refresh_expiring_tokens

    oauth_server.token_delay = 0.5
    credential = _credential(short_lived)
    Credential.objects.filter(pk=credential.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    oauth_server.expire_access_tokens()
    before = _token_count(oauth_server)
    outcome: dict[str, object] = {}
    results: list[object] = []

    def scheduled() -> None:
        try:
            outcome["count"] = refresh_expiring_tokens()
        finally:
            db_connections.close_all()

    def caller() -> None:
        try:
            results.append(send.send("books", "GET", "me", topping=short_lived.topping).status)
        except Exception as error:  # collected and asserted below
            results.append(repr(error))
        finally:
            db_connections.close_all()

    task = threading.Thread(target=scheduled)
    task.start()
    deadline = time.monotonic() + 10
    while _token_count(oauth_server) == before and time.monotonic() < deadline:
        time.sleep(0.01)  # until the schedule's token request is in flight
    callers = [threading.Thread(target=caller) for _ in range(10)]
    for thread in callers:
        thread.start()
    for thread in [task, *callers]:
        thread.join(timeout=60)
    assert outcome == {"count": 1}
    assert results == [200] * 10
    assert _token_count(oauth_server) == before + 1
