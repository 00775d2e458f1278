"""Fixtures for the connections tests."""

from __future__ import annotations

import pytest

from tests.connections.oauth_server import OAuthTestServer

# --- OAuth test server (tests/connections/oauth_server.py) ------------------------------------


@pytest.fixture
def oauth_server():
    """A started oauthlib-backed OAuth 2.0 server on 127.0.0.1, one per test.

    Default client: ``console-client`` / ``console-secret``, scopes ``read write``, grant types
    authorization_code, refresh_token, client_credentials, redirect URI
    ``http://testserver/connections/oauth/callback/``. Add more with
    ``oauth_server.add_redirect_uri(...)`` or replace it with ``oauth_server.add_client(...)``.
    The teardown fails the test if the server itself crashed (see ``oauth_server.errors``).
    """
    with OAuthTestServer() as server:
        yield server
    assert not server.errors, "the OAuth test server crashed:\n" + "\n".join(server.errors)


@pytest.fixture
def oauth1_server(oauth_server):
    """The same server: ``/oauth1/resource`` checks OAuth 1.0a HMAC signatures."""
    return oauth_server


# --- end of OAuth test server fixtures ---------------------------------------------------------

# --- connection fixtures (tests/connections/fixtures.py) --------------------------------------
from tests.connections.fixtures import (  # noqa: E402, F401
    canary_connection,
    echo_server,
    loopback_allowed,
    make_connection,
    make_service,
    oauth_service,
)
