"""Host and address policy: which addresses an outbound call may connect to.

Every host is turned into the exact list of addresses the operating system would
connect to, and the call is refused if any of them is non-public and not allowlisted.
The transport then connects only to an address checked here (see ``transport``).
"""

from __future__ import annotations

import functools
import ipaddress
import os
import socket
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DNS_TTL = 30.0
DNS_CACHE_SIZE = 2048

# Python's is_global has changed between patch releases; this list pins the policy down
# so the answer does not depend on which 3.11.x the console runs on.
_BLOCKED = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, including cloud metadata 169.254.169.254
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",  # reserved, includes 255.255.255.255
        "::/128",
        "::1/128",
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",
        "2001::/23",  # IETF protocol assignments, including Teredo
        "2001:db8::/32",
        "3fff::/20",
        "fc00::/7",  # unique local
        "fe80::/10",
        "fec0::/10",  # deprecated site-local
        "ff00::/8",
    )
)

# IPv6 forms that carry an IPv4 address a gateway may forward to; the IPv4 decides.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


class AddressRefused(Exception):
    """A host or address is not allowed; ``code`` is a ``BrokerError`` code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class ResolutionFailed(Exception):
    """The host name did not resolve to any address."""


@dataclass(frozen=True)
class Allowlist:
    """The operator's allowlist, parsed once: exact host names and IP networks."""

    names: frozenset[str]
    networks: tuple[IPNetwork, ...]

    def allows_name(self, host: str) -> bool:
        return normalize_host(host) in self.names

    def allows_address(self, addr: IPAddress) -> bool:
        candidates = [addr]
        embedded = embedded_ipv4(addr)
        if embedded is not None:
            candidates.append(embedded)
        return any(
            c in net for c in candidates for net in self.networks if c.version == net.version
        )


@functools.lru_cache(maxsize=64)
def _parse_allowlist(items: tuple[str, ...]) -> Allowlist:
    names: set[str] = set()
    networks: list[IPNetwork] = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item.strip("[]"), strict=False))
        except ValueError:
            names.add(normalize_host(item))
    return Allowlist(frozenset(names), tuple(networks))


def parse_allowlist(items: Iterable[str]) -> Allowlist:
    """Parse allowlist entries (host names, IPs, CIDR networks); cached per distinct list."""
    return _parse_allowlist(tuple(items))


def normalize_host(host: str) -> str:
    """Lower-case a host and drop IPv6 brackets and a trailing root dot."""
    return host.strip().strip("[]").rstrip(".").lower()


def host_matches(host: str, patterns: Sequence[str]) -> bool:
    """True if ``host`` equals a pattern, or is a subdomain of a ``*.domain`` pattern.

    ``*.example.com`` matches ``api.example.com`` and ``a.b.example.com`` but not
    ``example.com`` itself, so a credential scoped to subdomains never reaches the apex.
    """
    host = normalize_host(host)
    for pattern in patterns:
        pattern = normalize_host(pattern)
        if pattern.startswith("*."):
            suffix = pattern[1:]
            if host.endswith(suffix) and len(host) > len(suffix):
                return True
        elif host == pattern:
            return True
    return False


def _inet_aton_part(text: str) -> int | None:
    if not text:
        return None
    lowered = text.lower()
    try:
        if lowered.startswith("0x"):
            return int(lowered[2:] or "0", 16)
        if len(lowered) > 1 and lowered.startswith("0"):
            return int(lowered[1:], 8)
        if lowered.isdigit():
            return int(lowered, 10)
    except ValueError:
        return None
    return None


def parse_ipv4_like(host: str) -> ipaddress.IPv4Address | None:
    """Read ``host`` the way inet_aton does: ``127.1``, ``0x7f.0.0.1``, ``2130706433``...

    The C resolver accepts these historical forms, so a URL using them reaches the same
    address as its dotted-quad spelling and must be judged as such.
    """
    parts = host.rstrip(".").split(".") if host.count(".") <= 4 else []
    if not 1 <= len(parts) <= 4:
        return None
    values = [_inet_aton_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = 0
    for v in head:
        number = number * 256 + v
    number = number * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(number)


def parse_ip_literal(host: str) -> IPAddress | None:
    """Return the address ``host`` spells literally (any IPv4 form, or IPv6), else None."""
    bare = host.strip().strip("[]")
    if ":" in bare:
        try:
            return ipaddress.IPv6Address(bare)
        except ValueError:
            return None
    return parse_ipv4_like(bare)


def embedded_ipv4(addr: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried inside an IPv6 one (mapped, NAT64, 6to4, compatible)."""
    if addr.version != 6:
        return None
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr in _NAT64 or (addr in _IPV4_COMPATIBLE and int(addr) > 1):
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def is_public(addr: IPAddress) -> bool:
    """True only for globally routable unicast addresses."""
    embedded = embedded_ipv4(addr)
    if embedded is not None:
        return is_public(embedded)
    if any(addr in net for net in _BLOCKED if net.version == addr.version):
        return False
    flags = (addr.is_private, addr.is_loopback, addr.is_link_local, addr.is_multicast)
    if any(flags) or addr.is_reserved or addr.is_unspecified:
        return False
    if addr.version == 6 and addr.is_site_local:
        return False
    return addr.is_global


_dns_cache: dict[str, tuple[float, tuple[str, ...]]] = {}
# Hops the whole policy accepted: (scheme, host, port, allowlist) -> (expiry, addresses).
# An entry expires with the resolution it was made from, and holds exactly the addresses
# that were checked, which are the ones the transport is then pinned to.
_approved: dict[tuple, tuple[float, tuple[str, ...]]] = {}
_dns_lock = threading.Lock()


def _new_lock_after_fork() -> None:
    # A script run forks from a threaded web process (workflows/isolation.py): another
    # thread may have held this lock at that moment, and in the child nobody would free it.
    global _dns_lock
    _dns_lock = threading.Lock()


os.register_at_fork(after_in_child=_new_lock_after_fork)


def clear_dns_cache() -> None:
    """Forget cached resolutions and approvals (tests; or after an operator changes DNS)."""
    with _dns_lock:
        _dns_cache.clear()
        _approved.clear()


def _store(cache: dict, key, value: tuple[float, tuple[str, ...]], now: float) -> None:
    with _dns_lock:
        if len(cache) >= DNS_CACHE_SIZE:
            # User code can name any host; bound memory rather than keep every name seen.
            for name in [n for n, (expires, _) in cache.items() if expires <= now]:
                del cache[name]
            if len(cache) >= DNS_CACHE_SIZE:
                cache.clear()
        cache[key] = value


def resolve_until(host: str, port: int) -> tuple[float, tuple[str, ...]]:
    """Like ``resolve``, with the monotonic time until which the answer may be reused."""
    now = time.monotonic()
    literal = parse_ip_literal(host)
    if literal is not None:
        return now + DNS_TTL, (str(literal),)
    key = normalize_host(host)
    cached = _dns_cache.get(key)
    if cached is not None and cached[0] > now:
        return cached
    try:
        infos = socket.getaddrinfo(key, port, 0, socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ResolutionFailed(f"could not resolve {key}") from exc
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise ResolutionFailed(f"could not resolve {key}")
    entry = (now + DNS_TTL, addresses)
    _store(_dns_cache, key, entry, now)
    return entry


def resolve(host: str, port: int) -> tuple[str, ...]:
    """All addresses ``host`` resolves to, every family, in resolver order.

    Results are cached for ``DNS_TTL`` seconds; callers re-apply the policy to them
    every time, so the cache can only save time, never widen what is allowed.
    """
    return resolve_until(host, port)[1]


def approved(key: tuple) -> tuple[str, ...] | None:
    """The addresses a still-valid approval of ``key`` was given for, else None."""
    entry = _approved.get(key)
    if entry is not None and entry[0] > time.monotonic():
        return entry[1]
    return None


def approve(key: tuple, expires: float, addresses: tuple[str, ...]) -> None:
    """Remember that the policy accepted ``addresses`` for ``key`` until ``expires``."""
    _store(_approved, key, (expires, addresses), time.monotonic())


def _describe(addr: IPAddress) -> str:
    addr = embedded_ipv4(addr) or addr
    for label, flag in (
        ("loopback", addr.is_loopback),
        ("link-local", addr.is_link_local),
        ("unspecified", addr.is_unspecified),
        ("multicast", addr.is_multicast),
        ("private", addr.is_private),
    ):
        if flag:
            return label
    return "non-public"


def check_addresses(host: str, addresses: Sequence[str], allowlist: Allowlist) -> tuple[str, ...]:
    """Return the addresses that may be connected to, or raise ``AddressRefused``.

    Refuses if *any* address is non-public and not allowlisted: a name that resolves to
    both a public and a private address would otherwise let the resolver pick.
    """
    name_listed = allowlist.allows_name(host)
    for text in addresses:
        try:
            addr = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            raise AddressRefused(
                "refused_address", f"{host} resolved to an unusable address"
            ) from None
        if name_listed or allowlist.allows_address(addr) or is_public(addr):
            continue
        raise AddressRefused(
            "refused_address",
            f"{host} resolves to {_describe(addr)} address {addr}, which is not allowed "
            "(an operator can allow it with CONSOLE_OUTBOUND_ALLOWLIST)",
        )
    return tuple(addresses)


def http_allowed(host: str, addresses: Sequence[str] | None, allowlist: Allowlist) -> bool:
    """Plain http goes only to allowlisted hosts: by name, or every address in a network."""
    if allowlist.allows_name(host):
        return True
    if not addresses or not allowlist.networks:
        return False
    return all(
        allowlist.allows_address(ipaddress.ip_address(a.split("%", 1)[0])) for a in addresses
    )
