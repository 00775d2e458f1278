"""The sync engine against the emulated Books served on loopback, through the broker and a
real OAuth authorization: a 429 storm postpones the run, the next one finishes it, and
nothing is duplicated or lost."""

from __future__ import annotations

import copy
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from connections.catalog.description import parse
from connections.models import AuthType, Service
from connections.services import flows, manage
from sandbox import store
from sandbox.emulation.server import EmulatedServer
from sync import engine
from sync.models import Integration, Link, SyncPair
from tests.sync.test_engine import CONTACT_MAP

ORG = "10234695"
CLIENT = ("1000.SYNC", "sync-secret")


@pytest.fixture
def limited_books(db):
    """Books on loopback allowing 20 calls a minute (the real one allows 100)."""
    books = Service.objects.default().get(key="zoho_books").api_description()
    described = copy.deepcopy(books)
    described["request"]["rate_limit"]["per_minute"] = 20
    with EmulatedServer(parse("zoho_books", described), clients=dict([CLIENT])) as server:
        yield server


@pytest.fixture
def integration(topping, owner, limited_books, settings):
    settings.CONSOLE_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    url = limited_books.url
    service = Service.objects.create(
        topping=topping, key="books_local", name="Books (loopback)", auth_type=AuthType.OAUTH2,
        grant_type="authorization_code", authorize_url=f"{url}/oauth/v2/auth",
        token_url=f"{url}/oauth/v2/token", api_base_url=limited_books.base_urls[0],
        allowed_hosts=["127.0.0.1"], scope_delimiter=",", token_prefix="Zoho-oauthtoken",
        client_id=CLIENT[0], client_secret=CLIENT[1], token_auth_method="client_secret_post",
        api=json.dumps(Service.objects.default().get(key="zoho_books").api_description()),
    )  # fmt: skip
    connection = manage.create_connection(
        topping, service, name="Books", link_name="books", scopes=[], user_level=False,
        url_values={}, user=owner,
    )  # fmt: skip
    consent = flows.start(connection, user=owner, session_key="s",
                          redirect_uri="http://testserver/cb/", environment="sandbox")  # fmt: skip
    answer = requests.post(consent.split("?")[0],
                           data={**dict(parse_qsl(urlsplit(consent).query)), "decision": "allow"},
                           allow_redirects=False, timeout=5)  # fmt: skip
    flows.finish(dict(parse_qsl(urlsplit(answer.headers["Location"]).query)), user=owner,
                 session_key="s")  # fmt: skip
    return Integration.objects.create(
        topping=topping,
        environment="sandbox",
        service=service,
        connection=connection,
        scope={"organization_id": ORG},
    )


def test_a_429_storm_postpones_the_run_and_the_next_finishes_without_duplicates(
    topping, integration, limited_books
):
    pair = SyncPair.objects.create(
        integration=integration, name="Contacts", host_module="Contacts",
        app_resource="contacts", field_map=CONTACT_MAP, direction="to_app",
    )  # fmt: skip
    for n in range(30):
        store.create_record(topping, "Contacts", {"Last_Name": f"C{n:02d}", "Email": f"c{n}@x.io"})
    first = engine.run_pair(pair.pk)
    assert first.status == "postponed" and "asked to wait" in first.message
    pair.refresh_from_db()
    assert pair.lease_until is None and pair.next_run_at is not None
    done = Link.objects.filter(pair=pair).count()
    assert 0 < done < 30
    limited_books.store.calls.clear()  # the next minute
    second = engine.run_pair(pair.pk)
    assert second.status in ("succeeded", "postponed")
    limited_books.store.calls.clear()
    for _ in range(10):  # each run gets a fresh minute; it ends within a few
        if engine.run_pair(pair.pk).status != "postponed":
            break
        limited_books.store.calls.clear()
    names = sorted(r["contact_name"] for r in limited_books.store.all("contacts"))
    assert names == [f"C{n:02d}" for n in range(30)]  # each once: nothing duplicated or lost
    assert Link.objects.filter(pair=pair).count() == 30
