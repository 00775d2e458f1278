"""The emulated Zoho Books on loopback, and a client that speaks to it as the docs say."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import requests

from connections.catalog.description import parse
from connections.models import Service
from sandbox.emulation.server import EmulatedServer

ORG = "10234695"
CLIENT_ID, CLIENT_SECRET = "1000.TESTCLIENT", "test-client-secret"
REDIRECT = "http://127.0.0.1:9/callback"


def books_description():
    service = Service.objects.default().get(key="zoho_books")
    return parse(service.key, service.api_description())


def authorize(server: EmulatedServer, scope: str = "ZohoBooks.fullaccess.all") -> dict:
    """The authorization-code flow against the emulated accounts server: consent page,
    Allow, then the token exchange; returns the token response."""
    params = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code",
              "scope": scope, "state": "s1", "access_type": "offline"}  # fmt: skip
    page = requests.get(f"{server.url}/oauth/v2/auth", params=params, timeout=5)
    assert page.status_code == 200 and "Allow" in page.text
    answer = requests.post(
        f"{server.url}/oauth/v2/auth", data={**params, "decision": "allow"},
        allow_redirects=False, timeout=5,
    )  # fmt: skip
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["s1"]
    token = requests.post(
        f"{server.url}/oauth/v2/token",
        data={"grant_type": "authorization_code", "code": query["code"][0],
              "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uri": REDIRECT},
        timeout=5,
    )  # fmt: skip
    assert token.status_code == 200, token.text
    return token.json()


class Books:
    """Calls as the Books API documentation shows them: ``organization_id`` in the query,
    ``Authorization: Zoho-oauthtoken``, bodies in the ``JSONString`` form field."""

    def __init__(self, server: EmulatedServer, token: str) -> None:
        self.base = server.base_urls[0]
        self.token = token

    def call(self, method: str, path: str, data: dict | None = None, *, org: str | None = ORG,
             as_json: bool = False, **query):  # fmt: skip
        if org is not None:
            query["organization_id"] = org
        options: dict = {"params": query, "timeout": 5,
                         "headers": {"Authorization": f"Zoho-oauthtoken {self.token}"}}  # fmt: skip
        if data is not None:
            if as_json:
                options["json"] = data
            else:
                options["data"] = {"JSONString": json.dumps(data)}
        return requests.request(method, f"{self.base}/{path}", **options)
