"""Benchmark: host events through the API to finished executions, with real clusters.

One topping, one rule on Contacts create with one condition (Email is not empty), one
function action that makes one ``invokeurl`` through an OAuth connection to a loopback
server. Events are posted over HTTP to the console's API (served from this process on
loopback) by a few client threads; django-q2 clusters run the executions. It prints
executions per second end to end and the latency from event to finished execution.
Everything it creates is deleted afterwards.
"""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application
from django.db import connection as db_connection

from connections.management import benchkit
from connections.models import Connection
from console import services as console_services
from console.apikeys import create_api_key
from console.models import Topping, User
from workflows.management import cluster
from workflows.models import Action, Execution, Function, Rule

CODE = """r = invokeurl
[
  url: "/contacts/search"
  type: GET
  parameters: {"email": contact.get("Email")}
  connection: "books"
];
info r.get("data").size();
return r.get("data").get(0).get("id");
"""


class _QuietHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass


class _PooledWSGIServer(WSGIServer):
    """Serves requests on a fixed pool of threads, as a WSGI server with N threads would
    (a thread per request would leave a database connection behind per thread)."""

    pool = ThreadPoolExecutor(8)

    def process_request(self, request, client_address) -> None:
        self.pool.submit(self._handle, request, client_address)

    def _handle(self, request, client_address) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


def _serve(server) -> None:
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()


def _teardown() -> None:
    toppings = Topping.objects.filter(namespace__startswith="workflowbench")
    Action.objects.filter(rule__topping__in=toppings).delete()
    Connection.objects.filter(topping__in=toppings).delete()
    toppings.delete()
    User.objects.filter(username="bench-workflows").delete()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_web() -> tuple[subprocess.Popen, int]:
    """A separate single-threaded web process, as one worker of a WSGI server would be."""
    port = _free_port()
    command = ("runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading", "--skip-checks")
    return cluster.start(command=command), port


def _wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise CommandError(f"the web process on port {port} did not start")


class Command(BaseCommand):
    help = "Events per second and latency from host event to finished execution."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--events", type=int, default=1000)
        parser.add_argument("--clusters", type=int, default=1)
        parser.add_argument("--workers", type=int, default=2, help="workers per cluster")
        parser.add_argument("--clients", type=int, default=4, help="threads posting events")
        parser.add_argument(
            "--batch", type=int, default=1, help="events per request (1: one event a request)"
        )
        parser.add_argument(
            "--web",
            type=int,
            default=0,
            help="serve the API from N separate web processes (0: a thread pool in this one)",
        )
        parser.add_argument("--timeout", type=float, default=600.0)

    def handle(
        self, *args, events: int, clusters: int, workers: int, clients: int, batch: int, **options
    ):
        if events < 1:
            raise CommandError("--events must be at least 1")
        api = benchkit.json_api_server()
        ingress = make_server(
            "127.0.0.1", 0, get_wsgi_application(), _PooledWSGIServer, _QuietHandler
        )
        _serve(ingress)
        web = [_start_web() for _ in range(options["web"])]
        ports = [port for _, port in web] or [ingress.server_port]
        topping, raw_key = self._setup(f"http://127.0.0.1:{api.server_port}")
        env = {
            "CONSOLE_OUTBOUND_ALLOWLIST": "127.0.0.1",
            "Q_WORKERS": str(workers),
            "Q_CLUSTER_NAME": "console",
        }
        processes = [cluster.start(env) for _ in range(clusters)]
        try:
            time.sleep(3)  # clusters start their workers
            for port in ports:
                _wait_for_port(port)
            posted, started = self._post(ports, topping, raw_key, events, clients, max(1, batch))
            finished = self._wait(topping, events, options["timeout"])
            self._report(topping, events, clusters, workers, posted, started, finished)
        finally:
            for process in processes + [process for process, _ in web]:
                cluster.stop(process)
            api.shutdown()
            ingress.shutdown()
            _teardown()

    def _setup(self, api_url: str) -> tuple[Topping, str]:
        _teardown()
        user = User.objects.create(
            email="bench-workflows@example.invalid", username="bench-workflows"
        )
        topping = console_services.create_topping(name="Workflow Bench", user=user)
        benchkit.oauth_connection(topping, user, api_url, "books")
        function = Function.objects.create(
            topping=topping,
            name="find_customer",
            params=[{"name": "contact", "type": "map"}],
            code=CODE,
            connections=["books"],
        )
        rule = Rule.objects.create(
            topping=topping,
            module="Contacts",
            name="Sync new contacts",
            trigger=Rule.Trigger.CREATE,
            conditions=[{"field": "Email", "operator": "is_not_empty", "value": ""}],
        )
        Action.objects.create(
            rule=rule,
            kind=Action.Kind.FUNCTION,
            function=function,
            config={"arguments": {"contact": {"source": "record"}}},
        )
        _, raw = create_api_key(topping, name="bench", user=user)
        return topping, raw

    def _post(self, ports, topping, raw_key: str, events: int, clients: int, batch: int):
        path = f"/api/v1/toppings/{topping.namespace}/events"
        local = threading.local()

        def event(i: int) -> dict:
            record = {"ID": str(i + 1), "Last_Name": f"B{i}", "Email": f"c{i}@example.com"}
            return {"module": "Contacts", "operation": "create", "record": record}

        def post(first: int) -> None:
            session = getattr(local, "session", None)
            if session is None:
                session = local.session = requests.Session()
                session.trust_env = False
                session.headers["Authorization"] = f"Bearer {raw_key}"
            numbers = range(first, min(first + batch, events))
            payload = event(first) if batch == 1 else {"events": [event(i) for i in numbers]}
            port = ports[(first // batch) % len(ports)]
            url = f"http://127.0.0.1:{port}{path}"
            response = session.post(url, data=json.dumps(payload), timeout=60)
            if response.status_code != 202:
                raise CommandError(f"event {first}: {response.status_code} {response.text[:200]}")

        started = time.monotonic()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(post, range(0, events, batch)))
        posted = time.monotonic() - started
        self.stdout.write(
            f"posted {events} events ({batch} a request) in {posted:.2f} s "
            f"({events / posted:.0f}/s)"
        )
        return posted, started

    def _wait(self, topping: Topping, events: int, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        last = -1
        while time.monotonic() < deadline:
            done = Execution.objects.filter(
                topping=topping, status__in=("succeeded", "failed")
            ).count()
            if done >= events:
                return time.monotonic()
            if done != last:
                self.stdout.write(f"  finished {done}/{events}")
                last = done
            time.sleep(0.5)
        raise CommandError(f"only {last} of {events} executions finished in {timeout:.0f} s")

    def _report(self, topping, events, clusters, workers, posted, started, finished) -> None:
        rows = list(
            Execution.objects.filter(topping=topping).values_list(
                "status", "event__occurred_at", "finished_at"
            )
        )
        failed = sum(1 for status, _, _ in rows if status != "succeeded")
        latencies = sorted((end - begin).total_seconds() for _, begin, end in rows)
        elapsed = finished - started
        p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
        vendor = db_connection.vendor
        self.stdout.write(
            f"database            {vendor}, {clusters} cluster(s) x {workers} workers"
        )
        self.stdout.write(f"executions          {len(rows)} ({failed} failed)")
        self.stdout.write(
            f"end to end          {elapsed:.2f} s -> {events / elapsed:.0f} executions/s"
        )
        self.stdout.write(f"latency median      {statistics.median(latencies) * 1000:.0f} ms")
        self.stdout.write(f"latency p95         {p95 * 1000:.0f} ms")
