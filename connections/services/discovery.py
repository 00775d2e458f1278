"""Authorization server discovery: a custom OAuth 2.0 service from an issuer URL.

The console reads ``<issuer>/.well-known/openid-configuration`` (OpenID Connect Discovery
1.0) and falls back to RFC 8414's ``/.well-known/oauth-authorization-server``, which for an
issuer with a path goes between the host and the path. Every fetch goes through the outbound
broker, so the SSRF policy applies. The metadata's ``issuer`` must equal the issuer asked for,
character for character (RFC 8414 3.3, OpenID Discovery 4.3); endpoints must be https unless
their host is on the operator's allowlist.

The result only pre-fills the custom-service form: the developer reviews it and saves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from connections import broker
from connections.broker import addresses

OPENID_WELL_KNOWN = "/.well-known/openid-configuration"
OAUTH_WELL_KNOWN = "/.well-known/oauth-authorization-server"
METADATA_TIMEOUT = 15.0
METADATA_MAX_BYTES = 512 * 1024
# The client authentication methods the console can use, in the order it prefers them.
SUPPORTED_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")


class DiscoveryError(Exception):
    """The issuer's metadata cannot be used; the message is for the developer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Discovered:
    """What the metadata says, as custom-service fields."""

    issuer: str
    metadata_url: str
    authorize_url: str
    token_url: str
    revoke_url: str
    scopes: list[str]
    token_auth_method: str
    allowed_hosts: list[str]
    iss_parameter_supported: bool
    grant_type: str
    warnings: list[str] = field(default_factory=list)
    # OpenID Connect's userinfo endpoint, when advertised: Test connection asks it.
    verify_url: str = ""

    def form_initial(self) -> dict[str, Any]:
        """Initial values for ``CustomServiceForm``."""
        return {
            "auth_type": "oauth2",
            "grant_type": self.grant_type,
            "authorize_url": self.authorize_url,
            "token_url": self.token_url,
            "refresh_url": self.token_url,
            "revoke_url": self.revoke_url,
            "scopes_text": "\n".join(self.scopes),
            "token_auth_method": self.token_auth_method,
            "allowed_hosts_text": " ".join(self.allowed_hosts),
            "issuer": self.issuer,
            "authorization_response_iss_parameter_supported": self.iss_parameter_supported,
            "verify_url": self.verify_url,
            "verify_method": "GET",
        }


def metadata_urls(issuer: str) -> list[str]:
    """Where the metadata of ``issuer`` may be, in the order they are tried."""
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    openid = urlunsplit((parts.scheme, parts.netloc, path + OPENID_WELL_KNOWN, "", ""))
    oauth = urlunsplit((parts.scheme, parts.netloc, OAUTH_WELL_KNOWN + path, "", ""))
    return [openid, oauth]


def _allowlisted(host: str, allowlist: Sequence[str] | None) -> bool:
    if allowlist is None:
        from django.conf import settings

        allowlist = getattr(settings, "CONSOLE_OUTBOUND_ALLOWLIST", ())
    allow = addresses.parse_allowlist(allowlist)
    if allow.allows_name(host):
        return True
    literal = addresses.parse_ip_literal(host)
    return literal is not None and allow.allows_address(literal)


def check_url(url: str, what: str, allowlist: Sequence[str] | None = None) -> str:
    """``url`` if it is an absolute https URL (http only to an allowlisted host), else refuse."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a malformed port raises here)
    except ValueError:
        raise DiscoveryError(f"The {what} is not a valid URL.") from None
    host = addresses.normalize_host(parts.hostname or "")
    if not host or parts.scheme not in ("https", "http"):
        raise DiscoveryError(f"The {what} must be an absolute https URL (got {url!r}).")
    if "@" in parts.netloc or parts.fragment:
        raise DiscoveryError(f"The {what} may not carry a user name or a fragment ({url!r}).")
    if parts.scheme == "http" and not _allowlisted(host, allowlist):
        raise DiscoveryError(
            f"The {what} uses plain http ({url}); only https is accepted, except for hosts "
            "on the operator's allowlist."
        )
    return url


def _fetch(url: str, host: str, allowlist: Sequence[str] | None) -> dict[str, Any] | None:
    """The JSON object at ``url``, or None when there is none (404, not JSON...)."""
    try:
        response = broker.send(
            "GET",
            url,
            headers={"Accept": "application/json"},
            # No credential is sent; the host restriction keeps redirects on the issuer.
            injection=broker.Injection(allowed_hosts=(host,)),
            timeout=METADATA_TIMEOUT,
            max_bytes=METADATA_MAX_BYTES,
            allowlist=allowlist,
        )
    except broker.BrokerError as error:
        raise DiscoveryError(f"The metadata could not be fetched: {error.message}") from None
    if response.status != 200:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _strings(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str) and item]


def pick_auth_method(supported: list[str] | None) -> tuple[str, list[str]]:
    """The client authentication method to use, and warnings.

    RFC 8414 2: an absent list means ``client_secret_basic``; Basic is preferred when offered.
    """
    if supported is None:
        return "client_secret_basic", []
    for method in SUPPORTED_AUTH_METHODS:
        if method in supported:
            return method, []
    listed = ", ".join(supported) or "nothing"
    return "client_secret_basic", [
        f"The provider lists {listed} for client authentication, which the console does not "
        "support; client_secret_basic was chosen. Check it before saving."
    ]


def discover(issuer: str, *, allowlist: Sequence[str] | None = None) -> Discovered:
    """Fetch and check the metadata of ``issuer``; raise ``DiscoveryError`` in words."""
    issuer = issuer.strip()
    if not issuer:
        raise DiscoveryError("Enter the provider's issuer URL.")
    check_url(issuer, "issuer URL", allowlist)
    parts = urlsplit(issuer)
    if parts.query:
        raise DiscoveryError("An issuer URL has no query string (RFC 8414 2).")
    host = addresses.normalize_host(parts.hostname or "")
    metadata: dict[str, Any] | None = None
    tried = metadata_urls(issuer)
    metadata_url = ""
    for url in tried:
        metadata = _fetch(url, host, allowlist)
        if metadata is not None:
            metadata_url = url
            break
    if metadata is None:
        raise DiscoveryError(
            "No authorization server metadata was found at " + " or ".join(tried) + "."
        )
    stated = metadata.get("issuer")
    if stated != issuer:
        raise DiscoveryError(
            f"The metadata names a different issuer ({stated!r}) than the one given "
            f"({issuer!r}); it was refused."
        )
    endpoints: dict[str, str] = {}
    names = {
        "authorization_endpoint": "authorization endpoint",
        "token_endpoint": "token endpoint",
        "revocation_endpoint": "revocation endpoint",
        "userinfo_endpoint": "userinfo endpoint",
    }
    for key, what in names.items():
        value = metadata.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise DiscoveryError(f"The metadata's {what} is not a URL.")
        endpoints[key] = check_url(value, what, allowlist)
    if "token_endpoint" not in endpoints:
        raise DiscoveryError("The metadata has no token endpoint.")
    raw_methods = metadata.get("token_endpoint_auth_methods_supported")
    methods = None if raw_methods is None else _strings(raw_methods)
    method, warnings = pick_auth_method(methods)
    grant_types = metadata.get("grant_types_supported")
    grant_type = "authorization_code"
    if "authorization_endpoint" not in endpoints:
        if isinstance(grant_types, list) and "client_credentials" in grant_types:
            grant_type = "client_credentials"
        else:
            raise DiscoveryError("The metadata has no authorization endpoint.")
    hosts: list[str] = []
    for url in endpoints.values():
        endpoint_host = addresses.normalize_host(urlsplit(url).hostname or "")
        if endpoint_host and endpoint_host not in hosts:
            hosts.append(endpoint_host)
    return Discovered(
        issuer=issuer,
        metadata_url=metadata_url,
        authorize_url=endpoints.get("authorization_endpoint", ""),
        token_url=endpoints["token_endpoint"],
        revoke_url=endpoints.get("revocation_endpoint", ""),
        scopes=_strings(metadata.get("scopes_supported")),
        token_auth_method=method,
        allowed_hosts=hosts,
        iss_parameter_supported=metadata.get("authorization_response_iss_parameter_supported")
        is True,
        grant_type=grant_type,
        warnings=warnings,
        verify_url=endpoints.get("userinfo_endpoint", ""),
    )
