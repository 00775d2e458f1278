"""The broker refuses server-side request forgery before any socket is opened."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from connections.broker import (
    BrokerError,
    Injection,
    clear_dns_cache,
    is_public,
    parse_ip_literal,
    send,
)
from connections.broker.addresses import host_matches, parse_allowlist

from .test_broker_client import LoopbackServer

PUBLIC = "93.184.216.34"


@pytest.fixture(autouse=True)
def _fresh_dns():
    clear_dns_cache()
    yield
    clear_dns_cache()


@pytest.fixture
def loopback():
    srv = LoopbackServer()
    yield srv
    srv.close()


@pytest.fixture
def connects(monkeypatch):
    """Record every connect; refuse non-loopback ones as the network would in a sandbox."""
    calls: list[tuple] = []
    guarded = socket.socket.connect

    def recording(sock, address):
        calls.append(address)
        if not str(address[0]).startswith("127."):
            raise ConnectionRefusedError(f"test refused {address!r}")
        return guarded(sock, address)

    monkeypatch.setattr(socket.socket, "connect", recording)
    return calls


def fake_dns(monkeypatch, table):
    """Make getaddrinfo answer from ``table`` (name -> list of addresses, or a callable)."""
    real = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in table:
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        answer = table[host]
        answer = answer() if callable(answer) else answer
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port or 0, 0, 0) if ":" in a else (a, port or 0),
            )
            for a in answer
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


REFUSED = [
    ("http://127.0.0.1/", "refused_address"),
    ("https://127.0.0.1/", "refused_address"),
    ("http://localhost/", "refused_scheme"),
    ("https://localhost/", "refused_address"),
    ("https://[::1]/", "refused_address"),
    ("https://10.0.0.1/", "refused_address"),
    ("https://172.16.0.1/", "refused_address"),
    ("https://192.168.1.1/", "refused_address"),
    ("http://169.254.169.254/latest/meta-data/", "refused_address"),
    ("https://100.64.0.1/", "refused_address"),
    ("https://[fd00::1]/", "refused_address"),
    ("https://[fe80::1]/", "refused_address"),
    ("https://[::ffff:127.0.0.1]/", "refused_address"),
    ("https://[::ffff:7f00:1]/", "refused_address"),
    ("https://[64:ff9b::a9fe:a9fe]/", "refused_address"),
    ("https://[2002:7f00:1::]/", "refused_address"),
    ("https://0.0.0.0/", "refused_address"),
    ("https://[::]/", "refused_address"),
    ("http://2130706433/", "refused_address"),
    ("https://0177.0.0.1/", "refused_address"),
    ("https://0x7f.0.0.1/", "refused_address"),
    ("https://0x7f000001/", "refused_address"),
    ("https://127.1/", "refused_address"),
    ("https://224.0.0.1/", "refused_address"),
    ("https://255.255.255.255/", "refused_address"),
    ("ftp://example.com/file", "refused_scheme"),
    ("file:///etc/passwd", "refused_scheme"),
    ("gopher://127.0.0.1:70/_GET", "refused_scheme"),
    ("https://user:pw@example.com/", "refused_url"),
    ("https://evil.example.com/", "refused_address"),
    ("https://mixed.example.com/", "refused_address"),
    ("http://public.example.com/", "refused_scheme"),
]


@pytest.mark.parametrize(("url", "code"), REFUSED, ids=[u for u, _ in REFUSED])
def test_refused_before_any_connection(url, code, monkeypatch, connects):
    lookups = fake_dns(
        monkeypatch,
        {
            "evil.example.com": ["127.0.0.1"],
            "mixed.example.com": [PUBLIC, "127.0.0.1"],
            "public.example.com": [PUBLIC],
        },
    )
    with pytest.raises(BrokerError) as info:
        send("GET", url, allowlist=[])
    assert info.value.code == code
    assert info.value.record.error == info.value.message
    assert connects == []
    if url.startswith("http://public"):
        assert lookups == []  # plain http to an unlisted name is refused before DNS


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/", "http://10.0.0.1/admin"])
def test_redirect_to_private_address_refused(target, loopback, connects):
    loopback.route("/go", LoopbackServer.redirect_to(target))
    with pytest.raises(BrokerError) as info:
        send("GET", loopback.url("/go"), allowlist=["127.0.0.1"])
    assert info.value.code == "refused_address"
    assert info.value.record.redirects == [target]
    assert {address[0] for address in connects} == {"127.0.0.1"}


@pytest.mark.parametrize("entry", ["127.0.0.1", "127.0.0.0/8", "localhost"])
def test_allowlist_lets_loopback_through(entry, loopback):
    host = "localhost" if entry == "localhost" else "127.0.0.1"
    resp = send("GET", loopback.url("/", host=host), allowlist=[entry])
    assert resp.status == 200


def test_allowlisted_name_still_needs_its_addresses(monkeypatch, connects):
    fake_dns(monkeypatch, {"crm.internal": ["10.1.2.3"], "other.internal": ["10.1.2.4"]})
    with pytest.raises(BrokerError) as info:
        send("GET", "https://other.internal/", allowlist=["crm.internal"])
    assert info.value.code == "refused_address"
    assert connects == []


def test_pinning_connects_only_to_the_checked_address(monkeypatch, connects):
    answers = iter([[PUBLIC]])
    lookups = fake_dns(monkeypatch, {"rebind.example.com": lambda: next(answers, ["127.0.0.1"])})
    with pytest.raises(BrokerError) as info:
        send("GET", "https://rebind.example.com/", allowlist=[])
    assert info.value.code == "connection"
    assert lookups == ["rebind.example.com"]
    assert [address[0] for address in connects] == [PUBLIC]


def test_pinning_keeps_host_name_for_the_server(monkeypatch, loopback, connects):
    answers = iter([["127.0.0.1"]])
    fake_dns(monkeypatch, {"rebind.test": lambda: next(answers, ["10.0.0.1"])})
    for _ in range(2):  # the second call uses the cached, re-checked resolution
        resp = send("GET", loopback.url("/", host="rebind.test"), allowlist=["127.0.0.1"])
        assert resp.json()["headers"]["Host"] == f"rebind.test:{loopback.port}"
    assert {address[0] for address in connects} == {"127.0.0.1"}


def test_cached_resolution_is_rechecked_against_policy(monkeypatch, loopback, connects):
    fake_dns(monkeypatch, {"cached.test": ["127.0.0.1"]})
    url = loopback.url("/", host="cached.test")
    assert send("GET", url, allowlist=["127.0.0.0/8"]).status == 200
    with pytest.raises(BrokerError) as info:
        send("GET", url.replace("http:", "https:"), allowlist=[])
    assert info.value.code == "refused_address"


def test_approved_destination_still_checks_each_credentials_hosts(monkeypatch, loopback):
    fake_dns(monkeypatch, {"approved.test": ["127.0.0.1"]})
    url = loopback.url("/", host="approved.test")
    mine = Injection(headers={"Authorization": "Bearer a"}, allowed_hosts=("approved.test",))
    other = Injection(headers={"Authorization": "Bearer b"}, allowed_hosts=("crm.example",))
    assert send("GET", url, injection=mine, allowlist=["127.0.0.1"]).status == 200
    with pytest.raises(BrokerError) as info:  # the approval is for the address, not the token
        send("GET", url, injection=other, allowlist=["127.0.0.1"])
    assert info.value.code == "refused_host"
    assert len(loopback.seen) == 1


def test_forgetting_dns_drops_approvals_too(monkeypatch, loopback, connects):
    table = {"moving.test": ["127.0.0.1"]}
    lookups = fake_dns(monkeypatch, table)
    url = loopback.url("/", host="moving.test")
    assert send("GET", url, allowlist=["127.0.0.1"]).status == 200
    assert send("GET", url, allowlist=["127.0.0.1"]).status == 200
    assert lookups == ["moving.test"]  # approved once, reused
    table["moving.test"] = ["10.9.9.9"]
    clear_dns_cache()
    with pytest.raises(BrokerError) as info:
        send("GET", url, allowlist=["127.0.0.1"])
    assert info.value.code == "refused_address"
    assert lookups == ["moving.test", "moving.test"]
    assert {address[0] for address in connects} == {"127.0.0.1"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("[::1]", "::1"),
        ("1.2.3.256", None),
        ("08.0.0.1", None),
        ("example.com", None),
        ("1.2.3.4.5", None),
    ],
)
def test_ip_literals_read_like_inet_aton(text, expected):
    parsed = parse_ip_literal(text)
    assert (str(parsed) if parsed else None) == expected


NON_PUBLIC = [
    "0.1.2.3",
    "192.0.0.8",
    "192.0.2.1",
    "198.18.0.1",
    "198.51.100.1",
    "203.0.113.1",
    "240.0.0.1",
    "::127.0.0.1",
    "64:ff9b::7f00:1",
    "64:ff9b:1::1",
    "2001:db8::1",
    "2001::1",
    "fec0::1",
    "ff02::1",
    "100::1",
]


@pytest.mark.parametrize("text", NON_PUBLIC)
def test_non_public_addresses(text):
    assert not is_public(ipaddress.ip_address(text))


@pytest.mark.parametrize(
    "text", ["8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses(text):
    assert is_public(ipaddress.ip_address(text))


def test_allowlist_networks_cover_ipv4_mapped_forms():
    allow = parse_allowlist(["10.0.0.0/8", "Crm.Internal."])
    assert allow.allows_address(ipaddress.ip_address("::ffff:10.1.2.3"))
    assert not allow.allows_address(ipaddress.ip_address("11.0.0.1"))
    assert allow.allows_name("crm.internal")


def test_wildcard_host_patterns():
    assert host_matches("api.zoho.com", ["*.zoho.com"])
    assert host_matches("a.b.zoho.com", ["*.zoho.com"])
    assert not host_matches("zoho.com", ["*.zoho.com"])
    assert not host_matches("evilzoho.com", ["*.zoho.com"])
    assert host_matches("ZOHO.com.", ["zoho.com"])


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS loopback server with a self-signed certificate for ``pinned.test``."""
    import datetime
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pinned.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("pinned.test")]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server_names: list[str | None] = []
    context.sni_callback = lambda sock, server_name, ctx: server_names.append(server_name)
    srv = LoopbackServer()
    srv.httpd.socket = context.wrap_socket(srv.httpd.socket, server_side=True)
    srv.ca_file, srv.server_names = str(cert_file), server_names
    srv.tls_url = lambda host: f"https://{host}:{srv.port}/"
    yield srv
    srv.close()


def test_tls_uses_host_name_for_sni_and_verification(tls_server, monkeypatch, connects):
    import requests.adapters

    fake_dns(monkeypatch, {"pinned.test": ["127.0.0.1"], "wrong.test": ["127.0.0.1"]})
    with pytest.raises(BrokerError) as info:  # certificate not trusted: verification is on
        send("GET", tls_server.tls_url("pinned.test"), allowlist=["127.0.0.1"])
    assert info.value.code == "connection"

    monkeypatch.setattr(requests.adapters, "DEFAULT_CA_BUNDLE_PATH", tls_server.ca_file)
    resp = send("GET", tls_server.tls_url("pinned.test"), allowlist=["127.0.0.1"])
    assert resp.json()["headers"]["Host"] == f"pinned.test:{tls_server.port}"
    assert "pinned.test" in tls_server.server_names

    with pytest.raises(BrokerError) as info:  # trusted certificate, wrong name
        send("GET", tls_server.tls_url("wrong.test"), allowlist=["127.0.0.1"])
    assert info.value.code == "connection"
    assert {address[0] for address in connects} == {"127.0.0.1"}
