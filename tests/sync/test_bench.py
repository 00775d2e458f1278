"""``manage.py bench_sync`` at a tiny size: it runs end to end, prints its figures and
leaves nothing behind (the figures themselves are in docs/BENCHMARKS.md)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from console.models import Topping
from sync.models import Integration


def test_the_benchmark_runs_and_cleans_up(transactional_db, settings):
    from connections.catalog.loader import load_services
    from connections.models import Service

    load_services(Service)  # a transactional test starts without the migrated catalog
    settings.CONSOLE_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    out = StringIO()
    call_command("bench_sync", contacts=12, companies=3, changes=4, stdout=out)
    text = out.getvalue()
    assert "initial sync: 15 records" in text and "records/s" in text
    assert "ratio" in text and "peak memory" in text
    assert not Topping.objects.exists() and not Integration.objects.exists()
