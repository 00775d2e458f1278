"""Benchmark: module sync to the emulated Zoho Books on loopback, through the broker.

A sandbox topping with ``--companies`` companies and ``--contacts`` contacts (spread over
the companies) syncs with the Companies & Contacts pair to the emulated Books served by
``manage.py emulate`` in a child process (its rate limit lifted: the engine is measured,
not Books' 100 calls a minute). Then ``--changes`` changes on each side (host contacts'
phones, Books contacts' phones) and an incremental run; the same changes on a data set of
``--changes`` contacts give the reference time. It prints records per second of the initial
sync, the incremental run's time divided by the reference (target: under 2: the cost follows
the changes, not the size) and the process's peak memory. Everything it creates is deleted.
"""

from __future__ import annotations

import copy
import json
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from connections.catalog.loader import CATALOG_PATH
from connections.models import AuthType, Credential, Service
from connections.schemas import Secrets
from connections.services import manage
from console import services as console_services
from console.models import Topping, User
from console.processes import die_with_parent
from sync import engine
from sync.models import Integration, SyncPair
from sync.presets import COMPANIES_AND_CONTACTS
from workflows.records import RecordCall

ORG = "10234695"
CLIENT = ("1000.BENCH", "bench-secret")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Command(BaseCommand):
    help = "Benchmark module sync against the emulated Zoho Books on loopback."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contacts", type=int, default=10_000)
        parser.add_argument("--companies", type=int, default=2_000)
        parser.add_argument("--changes", type=int, default=100)

    def handle(self, *args, **options) -> None:
        if "127.0.0.1" not in settings.CONSOLE_OUTBOUND_ALLOWLIST:
            raise CommandError("Set CONSOLE_OUTBOUND_ALLOWLIST=127.0.0.1 (the loopback Books).")
        with tempfile.TemporaryDirectory() as folder:
            catalog = Path(folder) / "services.json"
            data = json.loads(CATALOG_PATH.read_text())
            books = copy.deepcopy(data["apis"]["zoho_books"])
            books["request"]["rate_limit"]["per_minute"] = 0  # the engine is measured
            data["apis"]["zoho_books"] = books
            catalog.write_text(json.dumps(data))
            port = _free_port()
            server = subprocess.Popen(
                [sys.executable, "manage.py", "emulate", "zoho_books", "--port", str(port),
                 "--client-id", CLIENT[0], "--client-secret", CLIENT[1],
                 "--catalog", str(catalog)],
                cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True, preexec_fn=die_with_parent,
            )  # fmt: skip
            try:
                self._wait(server)
                self._bench(f"http://127.0.0.1:{port}", options)
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=10)

    def _wait(self, server: subprocess.Popen) -> None:
        deadline = time.monotonic() + 30
        assert server.stdout is not None
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if "Ctrl-C" in line:
                return
            if not line and server.poll() is not None:
                break
        raise CommandError("manage.py emulate did not start")

    def _token(self, url: str) -> tuple[str, str]:
        import requests

        form = {"client_id": CLIENT[0], "redirect_uri": "http://127.0.0.1:9/cb",
                "response_type": "code", "scope": "ZohoBooks.fullaccess.all",
                "state": "b", "decision": "allow"}  # fmt: skip
        answer = requests.post(f"{url}/oauth/v2/auth", data=form, allow_redirects=False,
                               timeout=10)  # fmt: skip
        code = answer.headers["Location"].split("code=")[1].split("&")[0]
        token = requests.post(f"{url}/oauth/v2/token", timeout=10, data={
            "grant_type": "authorization_code", "code": code, "client_id": CLIENT[0],
            "client_secret": CLIENT[1], "redirect_uri": form["redirect_uri"]}).json()  # fmt: skip
        return token["access_token"], token["refresh_token"]

    def _setup(self, url: str, user: User, name: str, contacts: int, companies: int):
        topping = console_services.create_topping(name=name, user=user)
        service = Service.objects.create(
            topping=topping, key="books_loopback", name="Books (loopback)",
            auth_type=AuthType.OAUTH2, grant_type="authorization_code",
            authorize_url=f"{url}/oauth/v2/auth", token_url=f"{url}/oauth/v2/token",
            api_base_url=f"{url}/books/v3", allowed_hosts=["127.0.0.1"], scope_delimiter=",",
            token_prefix="Zoho-oauthtoken", client_id=CLIENT[0], client_secret=CLIENT[1],
            api=Service.objects.default().get(key="zoho_books").api,
        )  # fmt: skip
        connection = manage.create_connection(
            topping, service, name="Books", link_name="books", scopes=[], user_level=False,
            url_values={}, user=user,
        )  # fmt: skip
        access, refresh = self._token(url)
        credential = Credential(
            connection=connection,
            environment="sandbox",
            status=Credential.Status.CONNECTED,
            token_lifetime=3600,
        )
        credential.set_secrets(Secrets(access_token=access, refresh_token=refresh))
        credential.save()
        integration = Integration.objects.create(
            topping=topping, environment="sandbox", service=service, connection=connection,
            scope={"organization_id": ORG}, created_by=user,
        )  # fmt: skip
        # Through the sandbox's record store (the sandbox app is not imported from here).
        records_store = engine.host_for(integration).store()

        def create(module: str, data: dict) -> str:
            answer = records_store.perform(RecordCall("bigin", "create", module, data=data))
            return str(answer["data"][0]["details"]["id"])

        company_ids = [
            create("Companies", {"Account_Name": f"Company {n:05d}"}) for n in range(companies)
        ]
        contact_ids = [
            create(
                "Contacts",
                {
                    "First_Name": "C",
                    "Last_Name": f"Contact {n:06d}",
                    "Account_Name": company_ids[n % len(company_ids)],
                },
            )
            for n in range(contacts)
        ]
        pair = SyncPair.objects.create(integration=integration, **COMPANIES_AND_CONTACTS)
        return topping, pair, contact_ids

    def _changes(self, topping: Topping, pair: SyncPair, contact_ids: list[str], count: int):
        """``count`` host contacts' phones, and ``count`` Books contacts' phones."""
        host = engine.host_for(pair.integration)
        for n, record_id in enumerate(contact_ids[:count]):
            # As an edit in the host would: an event the next run reads.
            change = RecordCall("bigin", "update", "Contacts", record_id=record_id,
                                data={"Phone": f"555-{n:04d}"}, trigger=["workflow"])  # fmt: skip
            host.store().perform(change)
        client = engine.client_for(pair.integration, host)
        books = client.resource("contacts")
        parents = pair.links.exclude(app_id__contains=":").values_list("app_id", flat=True)
        for n, app_id in enumerate(list(parents[:count])):
            books.update(app_id, {"phone": f"556-{n:04d}"})

    def _timed_run(self, pair: SyncPair) -> tuple[float, dict]:
        started = time.perf_counter()
        run = engine.run_pair(pair.pk)
        return time.perf_counter() - started, run.counts

    def _bench(self, url: str, options: dict) -> None:
        contacts, companies, changes = options["contacts"], options["companies"], options["changes"]
        user = User.objects.create_user(email="bench-sync@example.invalid", username="bench-sync")
        created: list[Topping] = []
        try:
            topping, pair, contact_ids = self._setup(url, user, "Bench sync", contacts, companies)
            created.append(topping)
            seconds, counts = self._timed_run(pair)
            records = companies + contacts
            self.stdout.write(
                f"initial sync: {records} records ({companies} companies, {contacts} contacts) "
                f"in {seconds:.1f} s = {records / seconds:.0f} records/s; {counts}"
            )
            self._changes(topping, pair, contact_ids, changes)
            big, counts = self._timed_run(pair)
            self.stdout.write(
                f"incremental, {changes} changes a side on {records}: {big:.2f} s; {counts}"
            )
            small_companies = max(1, changes // (contacts // max(companies, 1) or 1))
            topping2, pair2, ids2 = self._setup(
                url, user, "Bench sync small", changes, small_companies
            )
            created.append(topping2)
            self._timed_run(pair2)
            self._changes(topping2, pair2, ids2, changes)
            small, _ = self._timed_run(pair2)
            self.stdout.write(
                f"incremental, the same changes on {changes + small_companies} records: "
                f"{small:.2f} s; ratio {big / small:.2f} (target < 2)"
            )
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            self.stdout.write(f"peak memory of this process: {peak:.0f} MB")
        finally:
            for topping in created:
                # Integrations protect their connection, connections their service.
                Integration.objects.filter(topping=topping).delete()
                topping.connections.all().delete()
                topping.delete()
            user.delete()
