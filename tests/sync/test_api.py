"""The sync API: pairs, a pair's status and runs, and Sync Now, with a topping API key."""

from __future__ import annotations

import pytest
from django_q.models import OrmQ

from sync import services, tasks
from sync.models import SyncPair


@pytest.fixture
def pair(topping, owner, emulated_books):
    services.activate(topping, emulated_books, environment="sandbox",
                      scope={"organization_id": "10234695"}, user=owner)  # fmt: skip
    return SyncPair.objects.get(host_module="Companies")


def _get(client, path, key, method="get"):
    return getattr(client, method)(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_pairs_status_runs_and_sync_now(client, topping, pair, raw_key):
    ns = topping.namespace
    listed = _get(client, f"/toppings/{ns}/syncs", raw_key).json()["data"]
    assert {p["name"] for p in listed} == {
        "Companies & Contacts ↔ Books contacts & contact persons",
        "Products ↔ Books items",
    }
    queued = _get(client, f"/toppings/{ns}/syncs/{pair.pk}/run", raw_key, "post")
    assert queued.status_code == 202 and queued.json()["queued"] is True
    assert OrmQ.objects.count() == 1
    tasks.run_pair(pair.pk, True)
    status = _get(client, f"/toppings/{ns}/syncs/{pair.pk}", raw_key).json()
    assert status["latest_run"]["status"] == "succeeded" and status["last_sync_at"]
    history = _get(client, f"/toppings/{ns}/syncs/{pair.pk}/runs", raw_key).json()["data"]
    assert [r["manual"] for r in history] == [True]


def test_another_toppings_key_finds_nothing(client, topping, pair, other_topping, owner):
    from console.apikeys import create_api_key

    _, other_key = create_api_key(
        other_topping, name="x", user=other_topping.memberships.first().user
    )
    for path in (
        f"/toppings/{topping.namespace}/syncs",
        f"/toppings/{topping.namespace}/syncs/{pair.pk}",
    ):
        assert _get(client, path, other_key).status_code == 404
    own = f"/toppings/{other_topping.namespace}/syncs/{pair.pk}/run"
    assert _get(client, own, other_key, "post").status_code == 404
    assert OrmQ.objects.count() == 0
    assert client.get(f"/api/v1/toppings/{topping.namespace}/syncs").status_code == 401
