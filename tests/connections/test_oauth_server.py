"""Self-tests of the oauthlib-backed OAuth test server, driven by plain client libraries."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oauthlib.oauth2 import BackendApplicationClient
from requests_oauthlib import OAuth1, OAuth1Session, OAuth2Session

from tests.connections import oauth_server as srv
from tests.connections.oauth_server import (
    OAUTH1_CONSUMER_KEY,
    OAUTH1_CONSUMER_SECRET,
    OAUTH1_TOKEN,
    OAUTH1_TOKEN_SECRET,
)

CID, SECRET, REDIRECT = srv.DEFAULT_CLIENT_ID, srv.DEFAULT_CLIENT_SECRET, srv.DEFAULT_REDIRECT_URI
VERIFIER = "v" * 43 + "-verifier_0123456789"


@pytest.fixture(autouse=True)
def _http_loopback(monkeypatch):
    # requests-oauthlib refuses http:// URLs unless told otherwise; the server is loopback only
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def s256(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def authorize(server, **extra) -> dict:
    """GET /authorize?auto=1 with a PKCE S256 challenge; return the redirect's query, flat."""
    params = {"response_type": "code", "client_id": CID, "redirect_uri": REDIRECT,
              "scope": "read write", "state": "st-1", "code_challenge": s256(VERIFIER),
              "code_challenge_method": "S256", "auto": "1", **extra}  # fmt: skip
    resp = requests.get(server.url + "/authorize", params=params, allow_redirects=False)
    assert resp.status_code == 302, resp.text
    location = resp.headers["Location"]
    assert location.split("?")[0] == params["redirect_uri"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def exchange(server, code, verifier=VERIFIER, redirect_uri=REDIRECT, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": verifier, **extra}  # fmt: skip
    return requests.post(server.url + "/token", data=data, auth=(CID, SECRET))


def refresh(server, refresh_token):
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return requests.post(server.url + "/token", data=data, auth=(CID, SECRET))


def me(server, access_token):
    return requests.get(server.url + "/api/me", headers={"Authorization": f"Bearer {access_token}"})


def issue(server) -> dict:
    resp = exchange(server, authorize(server)["code"])
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_authorization_code_pkce_round_trip_with_requests_oauthlib(oauth_server):
    session = OAuth2Session(CID, redirect_uri=REDIRECT, scope=["read"], pkce="S256")
    url, state = session.authorization_url(oauth_server.url + "/authorize", auto="1")
    resp = requests.get(url, allow_redirects=False)
    assert resp.status_code == 302
    token = session.fetch_token(
        oauth_server.url + "/token", authorization_response=resp.headers["Location"],
        client_secret=SECRET,
    )  # fmt: skip
    assert token["token_type"] == "Bearer" and token["scope"] == ["read"]
    assert token["refresh_token"] and token["expires_in"] == 3600
    seen = oauth_server.authorization_requests[-1]
    assert seen["code_challenge_method"] == "S256" and seen["state"] == state
    assert len(seen["code_challenge"]) == 43
    request = oauth_server.token_requests[-1]
    assert request["grant_type"] == "authorization_code"
    assert request["auth_method"] == "client_secret_basic" and request["status"] == 200
    assert request["params"]["code_verifier"]
    resp = session.get(oauth_server.url + "/api/me")
    assert resp.status_code == 200
    assert resp.json() == {"sub": "alice", "client_id": CID, "scopes": ["read"]}
    assert oauth_server.issued[-1]["access_token"] == token["access_token"]
    assert oauth_server.counters["token"] == 1 and oauth_server.counters["authorize"] == 1


def test_wrong_or_missing_pkce_verifier_is_rejected(oauth_server):
    code = authorize(oauth_server)["code"]
    resp = exchange(oauth_server, code, verifier="w" * 50)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"
    resp = exchange(oauth_server, code, verifier=None)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_request"
    assert exchange(oauth_server, code).status_code == 200


def test_public_client_must_use_pkce(oauth_server):
    oauth_server.add_client("spa", None, [REDIRECT])
    resp = requests.get(oauth_server.url + "/authorize", allow_redirects=False, params={
        "response_type": "code", "client_id": "spa", "redirect_uri": REDIRECT, "auto": "1",
    })  # fmt: skip
    assert parse_qs(urlsplit(resp.headers["Location"]).query)["error"] == ["invalid_request"]
    code = authorize(oauth_server, client_id="spa")["code"]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": "spa", "code_verifier": VERIFIER}  # fmt: skip
    resp = requests.post(oauth_server.url + "/token", data=data)
    assert resp.status_code == 200 and resp.json()["access_token"]


def test_redirect_uri_must_match_exactly(oauth_server):
    for bad in (REDIRECT.rstrip("/"), REDIRECT + "?x=1", REDIRECT.replace("http", "https")):
        resp = requests.get(oauth_server.url + "/authorize", allow_redirects=False, params={
            "response_type": "code", "client_id": CID, "redirect_uri": bad, "auto": "1",
        })  # fmt: skip
        assert resp.status_code == 400 and "Location" not in resp.headers
        assert "invalid_request" in resp.text
    other = "http://127.0.0.1:9/other/callback/"
    oauth_server.add_redirect_uri(other)
    assert authorize(oauth_server, redirect_uri=other)["code"]
    code = authorize(oauth_server)["code"]
    resp = exchange(oauth_server, code, redirect_uri=other)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_request"


def test_code_is_single_use_and_reuse_revokes_its_tokens(oauth_server):
    code = authorize(oauth_server)["code"]
    first = exchange(oauth_server, code)
    assert first.status_code == 200
    assert me(oauth_server, first.json()["access_token"]).status_code == 200
    again = exchange(oauth_server, code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert me(oauth_server, first.json()["access_token"]).status_code == 401


def test_code_expires(oauth_server):
    oauth_server.code_ttl = 0
    resp = exchange(oauth_server, authorize(oauth_server)["code"])
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"


def test_refresh_without_rotation_keeps_the_refresh_token(oauth_server):
    token = issue(oauth_server)
    resp = refresh(oauth_server, token["refresh_token"])
    assert resp.status_code == 200
    new = resp.json()
    assert new["refresh_token"] == token["refresh_token"]
    assert new["access_token"] != token["access_token"] and new["scope"] == "read write"
    assert refresh(oauth_server, token["refresh_token"]).status_code == 200
    assert me(oauth_server, new["access_token"]).status_code == 200


def test_refresh_with_rotation_spends_the_old_refresh_token(oauth_server):
    oauth_server.rotate_refresh_tokens = True
    token = issue(oauth_server)
    new = refresh(oauth_server, token["refresh_token"]).json()
    assert new["refresh_token"] != token["refresh_token"]
    old = refresh(oauth_server, token["refresh_token"])
    assert old.status_code == 400 and old.json()["error"] == "invalid_grant"
    assert refresh(oauth_server, new["refresh_token"]).status_code == 200


def test_refresh_through_requests_oauthlib_session(oauth_server):
    oauth_server.rotate_refresh_tokens = True
    token = issue(oauth_server)
    session = OAuth2Session(CID, token=token)
    new = session.refresh_token(oauth_server.url + "/token", auth=(CID, SECRET))
    assert new["refresh_token"] != token["refresh_token"]
    assert session.get(oauth_server.url + "/api/me").status_code == 200


def test_injected_token_errors_apply_once(oauth_server):
    token = issue(oauth_server)
    oauth_server.next_token_error = "invalid_grant"
    resp = refresh(oauth_server, token["refresh_token"])
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"
    assert refresh(oauth_server, token["refresh_token"]).status_code == 200
    oauth_server.next_token_error = "temporarily_unavailable"
    assert refresh(oauth_server, token["refresh_token"]).status_code == 503
    oauth_server.next_token_error, oauth_server.next_token_error_status = "invalid_client", 400
    assert refresh(oauth_server, token["refresh_token"]).status_code == 400
    assert [r["status"] for r in oauth_server.token_requests] == [200, 400, 200, 503, 400]


def test_client_credentials_with_client_secret_post(oauth_server):
    session = OAuth2Session(client=BackendApplicationClient(client_id=CID))
    token = session.fetch_token(
        oauth_server.url + "/token", client_id=CID, client_secret=SECRET, include_client_id=True,
        scope=["read"],
    )  # fmt: skip
    assert "refresh_token" not in token and token["scope"] == ["read"]
    request = oauth_server.token_requests[-1]
    assert request["auth_method"] == "client_secret_post"
    assert request["params"]["client_secret"] == SECRET
    assert session.get(oauth_server.url + "/api/me").json()["sub"] is None
    data = {"grant_type": "client_credentials", "client_id": CID, "client_secret": "wrong"}
    resp = requests.post(oauth_server.url + "/token", data=data)
    assert resp.status_code == 401 and resp.json()["error"] == "invalid_client"


def test_grant_type_and_auth_method_restrictions(oauth_server):
    oauth_server.add_client("basic-only", "s3cret", [REDIRECT], grant_types=["client_credentials"],
                            auth_methods=["client_secret_basic"])  # fmt: skip
    post = {
        "grant_type": "client_credentials",
        "client_id": "basic-only",
        "client_secret": "s3cret",
    }
    assert requests.post(oauth_server.url + "/token", data=post).status_code == 401
    data = {"grant_type": "client_credentials"}
    ok = requests.post(oauth_server.url + "/token", data=data, auth=("basic-only", "s3cret"))
    assert ok.status_code == 200
    data = {"grant_type": "refresh_token", "refresh_token": "x"}
    resp = requests.post(oauth_server.url + "/token", data=data, auth=("basic-only", "s3cret"))
    assert resp.json()["error"] == "unauthorized_client"


def test_revocation_then_api_is_401(oauth_server):
    token = issue(oauth_server)
    assert me(oauth_server, token["access_token"]).status_code == 200
    data = {"token": token["access_token"], "token_type_hint": "access_token"}
    resp = requests.post(oauth_server.url + "/revoke", data=data, auth=(CID, SECRET))
    assert resp.status_code == 200
    resp = me(oauth_server, token["access_token"])
    assert resp.status_code == 401 and "invalid_token" in resp.headers["WWW-Authenticate"]
    assert oauth_server.revoked == [token["access_token"]]
    assert refresh(oauth_server, token["refresh_token"]).status_code == 200  # refresh survives


def test_revoking_the_refresh_token_kills_its_access_tokens(oauth_server):
    token = issue(oauth_server)
    data = {"token": token["refresh_token"], "client_id": CID, "client_secret": SECRET}
    assert requests.post(oauth_server.url + "/revoke", data=data).status_code == 200
    assert me(oauth_server, token["access_token"]).status_code == 401
    assert refresh(oauth_server, token["refresh_token"]).json()["error"] == "invalid_grant"
    wrong = {"token": token["access_token"], "client_id": CID, "client_secret": "nope"}
    assert requests.post(oauth_server.url + "/revoke", data=wrong).status_code == 401


def test_fail_revoke_answers_500_and_keeps_the_token(oauth_server):
    token = issue(oauth_server)
    oauth_server.fail_revoke = True
    data = {"token": token["access_token"]}
    resp = requests.post(oauth_server.url + "/revoke", data=data, auth=(CID, SECRET))
    assert resp.status_code == 500 and oauth_server.revoked == []
    assert oauth_server.counters["revoke"] == 1 and oauth_server.revoke_requests[0]["params"]
    assert me(oauth_server, token["access_token"]).status_code == 200


def test_iss_is_added_only_when_configured(oauth_server):
    assert "iss" not in authorize(oauth_server)
    oauth_server.issuer = "https://issuer.example"
    assert authorize(oauth_server)["iss"] == "https://issuer.example"
    oauth_server.deny_next = True
    denied = authorize(oauth_server)
    assert denied == {"error": "access_denied", "state": "st-1", "iss": "https://issuer.example"}
    bad_scope = authorize(oauth_server, scope="admin")
    assert bad_scope["error"] == "invalid_scope" and bad_scope["iss"] == "https://issuer.example"


def test_consent_page_allow_and_deny(oauth_server):
    params = {"response_type": "code", "client_id": CID, "redirect_uri": REDIRECT,
              "scope": "read", "state": "abc", "code_challenge": s256(VERIFIER),
              "code_challenge_method": "S256"}  # fmt: skip
    page = requests.get(oauth_server.url + "/authorize", params=params)
    assert page.status_code == 200
    assert 'id="allow"' in page.text and 'id="deny"' in page.text and CID in page.text
    form = {**params, "decision": "allow"}
    resp = requests.post(oauth_server.url + "/authorize", data=form, allow_redirects=False)
    query = parse_qs(urlsplit(resp.headers["Location"]).query)
    assert query["state"] == ["abc"] and exchange(oauth_server, query["code"][0]).status_code == 200
    form["decision"] = "deny"
    resp = requests.post(oauth_server.url + "/authorize", data=form, allow_redirects=False)
    assert resp.headers["Location"] == REDIRECT + "?error=access_denied&state=abc"
    oauth_server.auto_approve = True
    assert requests.get(oauth_server.url + "/authorize", params=params, allow_redirects=False).status_code == 302  # fmt: skip  # noqa: E501


def test_token_ttl_expiry_and_echo(oauth_server):
    oauth_server.access_token_ttl = 120
    token = issue(oauth_server)
    assert token["expires_in"] == 120
    headers = {"Authorization": f"Bearer {token['access_token']}", "X-Trace": "t1"}
    resp = requests.get(oauth_server.url + "/api/echo?page=2&q=a+b", headers=headers)
    data = resp.json()
    assert data["query"] == {"page": "2", "q": "a b"} and data["headers"]["X-Trace"] == "t1"
    assert "Authorization" not in data["headers"] and data["scopes"] == ["read", "write"]
    oauth_server.expire_access_tokens(token["access_token"])
    assert me(oauth_server, token["access_token"]).status_code == 401
    assert me(oauth_server, "made-up").status_code == 401


def test_token_delay_lets_concurrent_refreshes_race(oauth_server):
    oauth_server.rotate_refresh_tokens = True
    token = issue(oauth_server)
    oauth_server.token_delay = 0.4
    results = []

    def run():
        results.append(refresh(oauth_server, token["refresh_token"]).status_code)

    threads = [threading.Thread(target=run) for _ in range(2)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    assert 0.4 <= elapsed < 0.75  # both slept at once: the server is threaded
    assert sorted(results) == [200, 400]  # rotation: one winner, the other gets invalid_grant
    times = [r["time"] for r in oauth_server.token_requests[-2:]]
    assert abs(times[0] - times[1]) < 0.2


def test_oauth1_signed_requests_are_accepted(oauth1_server):
    url = oauth1_server.url + "/oauth1/resource"
    session = OAuth1Session(OAUTH1_CONSUMER_KEY, OAUTH1_CONSUMER_SECRET, OAUTH1_TOKEN,
                            OAUTH1_TOKEN_SECRET)  # fmt: skip
    assert session.get(url, params={"a": "1 2"}).json() == {"ok": True}
    assert session.post(url, data={"b": "x"}).status_code == 200
    two_legged = OAuth1(OAUTH1_CONSUMER_KEY, OAUTH1_CONSUMER_SECRET)
    assert requests.get(url, auth=two_legged).status_code == 200
    sha256 = OAuth1(OAUTH1_CONSUMER_KEY, OAUTH1_CONSUMER_SECRET, OAUTH1_TOKEN,
                    OAUTH1_TOKEN_SECRET, signature_method="HMAC-SHA256")  # fmt: skip
    assert requests.get(url, auth=sha256).status_code == 200
    assert [r["valid"] for r in oauth1_server.oauth1_requests] == [True] * 4
    assert (
        'oauth_signature_method="HMAC-SHA1"'
        in oauth1_server.oauth1_requests[0]["headers"]["Authorization"]
    )


def test_oauth1_tampered_or_wrongly_keyed_requests_are_rejected(oauth1_server):
    url = oauth1_server.url + "/oauth1/resource"
    auth = OAuth1(OAUTH1_CONSUMER_KEY, OAUTH1_CONSUMER_SECRET, OAUTH1_TOKEN, OAUTH1_TOKEN_SECRET)
    with requests.Session() as http:
        signed = requests.Request("GET", url, params={"amount": "10"}, auth=auth).prepare()
        assert http.send(signed).status_code == 200
        assert http.send(signed).status_code == 401  # replayed nonce
        tampered = requests.Request("GET", url, params={"amount": "10"}, auth=auth).prepare()
        tampered.prepare_url(url, {"amount": "1000"})  # keeps the signed Authorization header
        assert http.send(tampered).status_code == 401
        body = requests.Request("POST", url, data={"amount": "10"}, auth=auth).prepare()
        body.prepare_body({"amount": "1000"}, None)
        assert http.send(body).status_code == 401
    wrong = OAuth1(OAUTH1_CONSUMER_KEY, "not-the-secret", OAUTH1_TOKEN, OAUTH1_TOKEN_SECRET)
    assert requests.get(url, auth=wrong).status_code == 401
    stranger = OAuth1("someone-else", OAUTH1_CONSUMER_SECRET, OAUTH1_TOKEN, OAUTH1_TOKEN_SECRET)
    assert requests.get(url, auth=stranger).status_code == 401
    assert requests.get(url).status_code == 401
