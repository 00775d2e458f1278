"""``manage.py emulate``: the emulated Books on loopback, authorized by a real console
connection (authorization code, refresh) and called through the broker; the command
serves until it is stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from connections.models import AuthType, Credential, Service
from connections.services import flows, manage, send
from console.processes import die_with_parent
from tests.sandbox.books_http import CLIENT_ID, CLIENT_SECRET, ORG

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def loopback_books(topping, books_server, loopback_allowed):
    """A custom service pointing at the loopback emulated Books, as a developer sets one up
    for `manage.py emulate`."""
    url = books_server.url
    return Service.objects.create(
        topping=topping, key="books_local", name="Books (loopback)", auth_type=AuthType.OAUTH2,
        grant_type="authorization_code", authorize_url=f"{url}/oauth/v2/auth",
        token_url=f"{url}/oauth/v2/token", refresh_url=f"{url}/oauth/v2/token",
        revoke_url=f"{url}/oauth/v2/token/revoke", api_base_url=books_server.base_urls[0],
        allowed_hosts=["127.0.0.1"], scope_delimiter=",", token_prefix="Zoho-oauthtoken",
        scopes=[{"name": "ZohoBooks.fullaccess.all", "description": "All"}],
        default_scopes=["ZohoBooks.fullaccess.all"],
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_auth_method="client_secret_post",
    )  # fmt: skip


def test_a_console_connection_authorizes_against_the_emulation_and_calls_it(
    topping, owner, make_connection, loopback_books, books_server
):
    connection = make_connection(loopback_books, "books")
    redirect = "http://testserver/connections/oauth/callback/"
    consent = flows.start(connection, user=owner, session_key="s", redirect_uri=redirect)
    page = requests.get(consent, timeout=5)
    assert "Allow" in page.text
    form = dict(parse_qsl(urlsplit(consent).query))
    answer = requests.post(consent.split("?")[0], data={**form, "decision": "allow"},
                           allow_redirects=False, timeout=5)  # fmt: skip
    params = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
    flows.finish(params, user=owner, session_key="s")
    credential = connection.credentials.get()
    assert credential.status == Credential.Status.CONNECTED and credential.secrets.refresh_token

    created = send.send("books", "POST", f"contacts?organization_id={ORG}", topping=topping,
                        body={"JSONString": '{"contact_name": "Through the broker"}'})  # fmt: skip
    assert (
        created.status == 201 and created.json()["contact"]["contact_name"] == "Through the broker"
    )

    books_server.auth.expire_all()  # the next call gets 401, refreshes once and retries
    listed = send.send("books", "GET", f"contacts?organization_id={ORG}", topping=topping)
    assert listed.status == 200 and len(listed.json()["contacts"]) == 1
    grants = [r["grant_type"] for r in books_server.auth.token_requests]
    assert grants == ["authorization_code", "refresh_token"]
    refreshed = Credential.objects.get(pk=credential.pk)
    assert refreshed.secrets.refresh_token == credential.secrets.refresh_token  # Zoho keeps it
    assert manage.revoke(connection, user=owner) == "revoked at the provider"
    assert not books_server.auth.valid(refreshed.secrets.access_token)
    again = requests.post(
        f"{books_server.url}/oauth/v2/token",
        data={"grant_type": "refresh_token", "refresh_token": credential.secrets.refresh_token,
              "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
        timeout=5,
    )  # fmt: skip
    assert again.json() == {"error": "invalid_code"}  # the revoked refresh token is gone


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_command_serves_until_stopped(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text('{"contacts": [{"contact_name": "Seeded"}]}')
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "emulate", "zoho_books", "--port", str(port),
         "--client-id", CLIENT_ID, "--client-secret", "s3cret", "--seed", str(seed)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=die_with_parent,  # a killed test run takes the server with it
    )  # fmt: skip
    try:
        banner = ""
        deadline = time.monotonic() + 30
        while "Ctrl-C" not in banner and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            banner += line
        assert f"http://127.0.0.1:{port}" in banner, banner
        assert "Seeded 1 records" in banner
        url = f"http://127.0.0.1:{port}"
        answer = requests.get(
            f"{url}/books/v3/contacts", params={"organization_id": ORG}, timeout=5
        )
        assert answer.status_code == 401 and answer.json()["code"] == 57
        consent = {"client_id": CLIENT_ID, "redirect_uri": "http://127.0.0.1:9/cb",
                   "response_type": "code", "scope": "ZohoBooks.contacts.READ",
                   "state": "x"}  # fmt: skip
        assert "Allow" in requests.get(f"{url}/oauth/v2/auth", params=consent, timeout=5).text
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert "Stopped." in process.stdout.read()


def test_the_command_names_the_described_services_when_asked_for_another(capsys):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=r"Described: .*zoho_books"):
        call_command("emulate", "zoho_crm")


def test_the_app_client_reaches_the_loopback_books_through_the_broker(
    topping, owner, make_connection, loopback_books, books_server
):
    from workflows.appclient import AppClient
    from workflows.host import WorkflowHost

    connection = make_connection(loopback_books, "books")
    redirect = "http://testserver/connections/oauth/callback/"
    consent = flows.start(connection, user=owner, session_key="s", redirect_uri=redirect)
    form = dict(parse_qsl(urlsplit(consent).query))
    answer = requests.post(consent.split("?")[0], data={**form, "decision": "allow"},
                           allow_redirects=False, timeout=5)  # fmt: skip
    flows.finish(dict(parse_qsl(urlsplit(answer.headers["Location"]).query)), user=owner,
                 session_key="s")  # fmt: skip
    host = WorkflowHost(topping, environment="production", user=owner)
    client = AppClient(host, "books", books_server.api, base_url=books_server.base_urls[0],
                       params={"organization_id": ORG})  # fmt: skip
    contacts = client.resource("contacts")
    for n in range(3):
        contacts.create({"contact_name": f"Broker {n}"})
    assert [c["contact_name"] for c in contacts.list(per_page=2)] == [
        "Broker 0", "Broker 1", "Broker 2",
    ]  # fmt: skip
    assert all(call["status"] in (200, 201) for call in host.calls)
    assert "emulated" not in host.calls[0]  # it went out, through the broker
