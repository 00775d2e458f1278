"""Shared fixtures: the three personas (owner, teammate, stranger) and a network guard."""

from __future__ import annotations

import socket

import pytest
from django.core.cache import cache

from console import services
from console.models import Membership, User

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    """Fail any connection to a non-loopback address: tests never reach the internet."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("::1", "localhost") or sock.family == socket.AF_UNIX
        ):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(email: str | None = None, **extra) -> User:
        n = next(counter)
        email = email or f"user{n}@example.com"
        user = User(email=email, username=email.split("@")[0], **extra)
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def owner(make_user) -> User:
    return make_user("owner@example.com")


@pytest.fixture
def teammate(make_user) -> User:
    return make_user("teammate@example.com")


@pytest.fixture
def stranger(make_user) -> User:
    return make_user("stranger@example.com")


@pytest.fixture
def topping(owner, teammate):
    """A topping administered by ``owner`` with ``teammate`` as a Developer."""
    topping = services.create_topping(name="Bigin and Books Connection", user=owner)
    Membership.objects.create(topping=topping, user=teammate, role=Membership.Role.DEVELOPER)
    return topping


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login
