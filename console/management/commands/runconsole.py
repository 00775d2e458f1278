"""Serve the console and a django-q2 cluster together; Ctrl-C (or either exiting) stops both."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from console.processes import die_with_parent


class Command(BaseCommand):
    help = "Run the web console and a django-q2 worker cluster in one command."

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options) -> None:
        manage = [sys.executable, "manage.py"]
        # Each child dies with this command, even when it is killed with SIGKILL.
        children = [
            subprocess.Popen([*manage, "qcluster"], preexec_fn=die_with_parent),
            subprocess.Popen([*manage, "runserver", addrport], preexec_fn=die_with_parent),
        ]
        stopping = False

        def stop(*_signal_args) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Console on http://{addrport}/ and a task worker; Ctrl-C stops both.")
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.3)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write("Stopped.")
