"""``manage.py emulate zoho_books --port 8765``: serve a described app on loopback."""

from __future__ import annotations

import json
import secrets
import signal
import threading
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from connections.catalog.description import DescriptionError, parse
from connections.catalog.loader import CATALOG_PATH, CatalogError, read_catalog
from sandbox.emulation.server import EmulatedServer


class Command(BaseCommand):
    help = (
        "Serve a catalog service's emulated app (its API and OAuth endpoints) over HTTP on "
        "loopback, with records in memory, until stopped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "service", help="The catalog key of a described service, e.g. zoho_books"
        )
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--client-id", default="1000.EMULATED")
        parser.add_argument("--client-secret", default="", help="Default: a new random one.")
        parser.add_argument("--seed", type=Path, help='A JSON file {"<resource>": [records]}.')
        parser.add_argument(
            "--catalog",
            type=Path,
            default=CATALOG_PATH,
            help="The catalog file to read the description from (default: the console's).",
        )

    def handle(self, *args, **options) -> None:
        # The catalog file, not the database: it serves on a fresh clone, before migrating.
        try:
            entries = {entry["key"]: entry for entry in read_catalog(options["catalog"])}
        except (OSError, ValueError, CatalogError) as error:
            raise CommandError(f"Cannot read {options['catalog']}: {error}") from None
        entry = entries.get(options["service"])
        if entry is None or not entry.get("api"):
            described = ", ".join(key for key, e in entries.items() if e.get("api"))
            raise CommandError(
                f"No described service {options['service']!r}. Described: {described or 'none'}."
            )
        try:
            description = parse(entry["key"], entry["api"])
        except DescriptionError as error:
            raise CommandError(str(error)) from None
        secret = options["client_secret"] or secrets.token_urlsafe(16)
        server = EmulatedServer(
            description,
            host=options["host"],
            port=options["port"],
            clients={options["client_id"]: secret},
        )
        if options["seed"]:
            try:
                count = server.emulator.seed(json.loads(options["seed"].read_text()))
            except (OSError, ValueError) as error:
                server.stop()
                raise CommandError(f"Seed file refused: {error}") from None
            self.stdout.write(f"Seeded {count} records from {options['seed']}.")
        stopped = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopped.set())
        server.start()
        auth = description.auth
        self.stdout.write(
            f"Emulated {entry['name']} on {server.url}\n"
            f"  API:       {', '.join(server.base_urls)}\n"
            f"  authorize: {server.url}{auth.authorize_path}\n"
            f"  token:     {server.url}{auth.token_path}\n"
            f"  client id: {options['client_id']}\n"
            f"  secret:    {secret}\n"
            "Ctrl-C stops it."
        )
        self.stdout.flush()
        stopped.wait()
        server.stop()
        self.stdout.write("Stopped.")
