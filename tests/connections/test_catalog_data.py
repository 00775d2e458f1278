"""Static checks for the default services catalog (connections/catalog/services.json).

Pure Python: no Django, no network. Every entry must carry the same field set and
internally consistent OAuth / API-key metadata.
"""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from connections.catalog.loader import CATALOG_FIELDS

CATALOG_PATH = Path(__file__).resolve().parents[2] / "connections" / "catalog" / "services.json"

CATEGORIES = {
    "CRM",
    "Accounting",
    "Payments",
    "Email",
    "Marketing",
    "Chat",
    "Storage",
    "Project Management",
    "E-Signature",
    "Support",
    "Productivity",
    "Developer Tools",
    "E-commerce",
    "Communication",
    "Calendar",
    "HR",
    "Analytics",
    "Social",
    "Telephony",
    "Monitoring",
    "Hosting",
    "Shipping",
    "Design",
    "Content",
}
AUTH_TYPES = {"oauth2", "api_key", "basic", "bearer", "oauth1"}
GRANT_TYPES = {"authorization_code", "client_credentials"}
SCOPE_DELIMITERS = {",", " ", "+"}
PARAM_TYPES = {"header", "query", "form"}
TOKEN_AUTH_METHODS = {"client_secret_post", "client_secret_basic", "none"}
VERIFY_METHODS = {"GET", "POST"}
ZOHO_DC_KEYS = ["com", "eu", "in", "com.au", "jp", "ca", "sa", "com.cn"]
OAUTH_URL_FIELDS = ("authorize_url", "token_url", "refresh_url", "revoke_url")
URL_FIELDS = (*OAUTH_URL_FIELDS, "api_base_url", "docs_url", "source_url")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
HOST_RE = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
CREDENTIAL_KINDS = {"api_key", "basic", "bearer"}

ZOHO_APPS = {
    "zoho_crm",
    "zoho_bigin",
    "zoho_books",
    "zoho_invoice",
    "zoho_desk",
    "zoho_projects",
    "zoho_mail",
    "zoho_sign",
    "zoho_inventory",
    "zoho_people",
    "zoho_workdrive",
    "zoho_recruit",
    "zoho_campaigns",
    "zoho_analytics",
    "zoho_creator",
    "zoho_cliq",
    "zoho_billing",
    "zoho_expense",
    "zoho_meeting",
}


def _load():
    with CATALOG_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


CATALOG = _load()
SERVICES = CATALOG["services"]
DATA_CENTRE_SETS = CATALOG.get("data_centre_sets", {})
BY_KEY = {s["key"]: s for s in SERVICES}


def _fill(url):
    """Replace {placeholders} with a sample value so the URL can be parsed."""
    return PLACEHOLDER_RE.sub("example", url)


def _host(url):
    return urlsplit(_fill(url)).hostname


def _host_allowed(host, allowed):
    for pattern in allowed:
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and host != pattern[2:]:
                return True
        elif host == pattern:
            return True
    return False


def _urls(service):
    return [service[f] for f in URL_FIELDS if service[f]]


def _verify_url(service):
    verify = service["verify"]
    return verify["url"] if isinstance(verify, dict) else None


def _dc_hosts(service):
    """Every host a data-centre set must map for this entry: the hosts of its OAuth URLs,
    API base URL and verification URL, and its allowed hosts (the apex of ``*.`` patterns)."""
    urls = [service[f] for f in (*OAUTH_URL_FIELDS, "api_base_url") if service[f]]
    urls.append(_verify_url(service))
    hosts = {_host(url) for url in urls if url}
    for pattern in service["allowed_hosts"]:
        hosts.add(pattern[2:] if pattern.startswith("*.") else pattern)
    return hosts


service_params = pytest.mark.parametrize("service", SERVICES, ids=[s["key"] for s in SERVICES])


# --------------------------------------------------------------------------- whole file


def test_top_level_shape():
    assert list(CATALOG) == ["version", "data_centre_sets", "apis", "services"]
    assert CATALOG["version"] == 2
    assert isinstance(SERVICES, list)
    assert isinstance(DATA_CENTRE_SETS, dict)
    assert isinstance(CATALOG["apis"], dict)


@service_params
def test_api_names_a_described_api_or_is_null(service):
    assert service["api"] is None or service["api"] in CATALOG["apis"]


def test_at_least_one_hundred_twenty_services():
    assert len(SERVICES) >= 120


def test_at_least_fourteen_zoho_entries():
    assert len([s for s in SERVICES if s["key"].startswith("zoho_")]) >= 14


def test_at_least_eight_categories_used():
    assert len({s["category"] for s in SERVICES}) >= 8


def test_keys_unique():
    keys = [s["key"] for s in SERVICES]
    assert len(keys) == len(set(keys))


def test_names_unique():
    names = [s["name"] for s in SERVICES]
    assert len(names) == len(set(names))


def test_zoho_apps_present_on_zoho_accounts_server():
    for key in ZOHO_APPS:
        assert key in BY_KEY, key
        s = BY_KEY[key]
        assert s["auth_type"] == "oauth2"
        assert s["grant_type"] == "authorization_code"
        for field in ("authorize_url", "token_url", "refresh_url"):
            assert _host(s[field]) == "accounts.zoho.com", (key, field)
        assert s["scope_delimiter"] == ","
        assert s["authorize_params"].get("access_type") == "offline"
        assert s["token_prefix"] == "Zoho-oauthtoken"


def test_all_zoho_entries_follow_zoho_conventions():
    for s in SERVICES:
        if s["key"].startswith("zoho_"):
            assert s["scope_delimiter"] == ",", s["key"]
            assert s["authorize_params"].get("access_type") == "offline", s["key"]
            assert _host(s["token_url"]) == "accounts.zoho.com", s["key"]


def test_google_entries_share_endpoints():
    google = [
        s
        for s in SERVICES
        if _host(s["authorize_url"] or "https://x.invalid") == "accounts.google.com"
    ]
    assert len(google) >= 4
    assert len({(s["authorize_url"], s["token_url"], s["revoke_url"]) for s in google}) == 1


def test_microsoft_entries_use_identity_platform_v2_common():
    ms = [s for s in SERVICES if s["api_base_url"].startswith("https://graph.microsoft.com/")]
    assert len(ms) >= 4
    for s in ms:
        assert s["authorize_url"] == (
            "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"
        )
        assert s["token_url"] == "https://login.microsoftonline.com/common/oauth2/v2.0/token"


# --------------------------------------------------------------------------- per entry


@service_params
def test_field_set_is_exact(service):
    assert set(service) == CATALOG_FIELDS


@service_params
def test_key_and_name(service):
    assert KEY_RE.match(service["key"])
    assert len(service["key"]) <= 50
    assert isinstance(service["name"], str)
    assert service["name"].strip()


@service_params
def test_enumerations(service):
    assert service["category"] in CATEGORIES
    assert service["auth_type"] in AUTH_TYPES
    assert service["param_type"] in PARAM_TYPES
    if service["auth_type"] == "oauth2":
        assert service["grant_type"] in GRANT_TYPES
        assert service["scope_delimiter"] in SCOPE_DELIMITERS
        assert service["token_auth_method"] in TOKEN_AUTH_METHODS
    else:
        assert service["grant_type"] is None
        assert service["scope_delimiter"] in SCOPE_DELIMITERS | {None}
        assert service["token_auth_method"] in TOKEN_AUTH_METHODS | {None}


@service_params
def test_value_types(service):
    assert isinstance(service["pkce"], bool)
    assert isinstance(service["notes"], str)
    assert isinstance(service["authorize_params"], dict)
    assert all(
        isinstance(k, str) and isinstance(v, str) for k, v in service["authorize_params"].items()
    )
    assert isinstance(service["scopes"], list)
    assert isinstance(service["default_scopes"], list)
    assert isinstance(service["allowed_hosts"], list)
    assert isinstance(service["url_params"], list)
    assert isinstance(service["api_key_params"], list)
    for field in ("header_name", "token_prefix", "revoke_token_param", "issuer"):
        assert service[field] is None or isinstance(service[field], str), field


@service_params
def test_urls_are_https_with_host(service):
    assert service["api_base_url"], "api_base_url is required"
    assert service["docs_url"], "docs_url is required"
    assert service["source_url"], "source_url is required"
    for field in URL_FIELDS:
        url = service[field]
        if url is None:
            continue
        parts = urlsplit(_fill(url))
        assert parts.scheme == "https", (field, url)
        assert parts.hostname, (field, url)
        assert HOST_RE.match(parts.hostname), (field, url)
    if service["issuer"] is not None:
        assert urlsplit(service["issuer"]).scheme == "https"
        assert urlsplit(service["issuer"]).hostname


# --------------------------------------------------------------------------- data centres


def test_data_centre_sets_are_lists_of_key_name_hosts():
    assert DATA_CENTRE_SETS, "at least one data-centre set"
    for name, dcs in DATA_CENTRE_SETS.items():
        assert KEY_RE.match(name), name
        assert isinstance(dcs, list) and dcs, name
        for dc in dcs:
            assert set(dc) == {"key", "name", "hosts"}, (name, dc)
            assert isinstance(dc["key"], str) and dc["key"].strip()
            assert isinstance(dc["name"], str) and dc["name"].strip()
            assert isinstance(dc["hosts"], dict) and dc["hosts"]
        keys = [dc["key"] for dc in dcs]
        assert len(keys) == len(set(keys)), name


def test_zoho_data_centres_in_order():
    assert [dc["key"] for dc in DATA_CENTRE_SETS["zoho"]] == ZOHO_DC_KEYS


@pytest.mark.parametrize("set_name", sorted(DATA_CENTRE_SETS))
def test_data_centres_map_the_same_hosts(set_name):
    dcs = DATA_CENTRE_SETS[set_name]
    key_sets = [set(dc["hosts"]) for dc in dcs]
    assert all(keys == key_sets[0] for keys in key_sets), set_name


@pytest.mark.parametrize("set_name", sorted(DATA_CENTRE_SETS))
def test_data_centre_hosts_cover_every_entry_of_the_set(set_name):
    mapped = set(DATA_CENTRE_SETS[set_name][0]["hosts"])
    members = [s for s in SERVICES if s["data_centres"] == set_name]
    assert members, set_name
    for s in members:
        missing = _dc_hosts(s) - mapped
        assert not missing, (s["key"], missing)


@pytest.mark.parametrize("set_name", sorted(DATA_CENTRE_SETS))
def test_data_centre_host_values(set_name):
    dcs = DATA_CENTRE_SETS[set_name]
    default = dcs[0]
    for host, value in default["hosts"].items():
        assert value == host, "the first (default) data centre maps every host to itself"
    for dc in dcs:
        for host, value in dc["hosts"].items():
            assert HOST_RE.match(host) and not host.startswith("*."), (dc["key"], host)
            assert isinstance(value, str) and HOST_RE.match(value), (dc["key"], host, value)
            assert not value.startswith("*."), (dc["key"], value)
        by_value = {}
        for host, value in dc["hosts"].items():
            by_value.setdefault(value, set()).add(default["hosts"][host])
        for value, originals in by_value.items():
            assert len(originals) == 1, (dc["key"], value, originals)


def test_zoho_data_centres_known_hosts():
    dcs = {dc["key"]: dc["hosts"] for dc in DATA_CENTRE_SETS["zoho"]}
    assert dcs["com"]["accounts.zoho.com"] == "accounts.zoho.com"
    assert dcs["eu"]["accounts.zoho.com"] == "accounts.zoho.eu"
    assert dcs["in"]["accounts.zoho.com"] == "accounts.zoho.in"
    assert dcs["com.au"]["accounts.zoho.com"] == "accounts.zoho.com.au"
    assert dcs["jp"]["accounts.zoho.com"] == "accounts.zoho.jp"
    assert dcs["ca"]["accounts.zoho.com"] == "accounts.zohocloud.ca"
    assert dcs["sa"]["accounts.zoho.com"] == "accounts.zoho.sa"
    assert dcs["com.cn"]["accounts.zoho.com"] == "accounts.zoho.com.cn"
    assert dcs["eu"]["www.zohoapis.com"] == "www.zohoapis.eu"
    assert dcs["ca"]["www.zohoapis.com"] == "www.zohoapis.ca"
    assert dcs["com.cn"]["www.zohoapis.com"] == "www.zohoapis.com.cn"
    assert dcs["ca"]["desk.zoho.com"] == "desk.zohocloud.ca"
    # Every value stays within the data centre's own domains.
    suffixes = {
        "eu": (".zoho.eu", ".zohoapis.eu", "zohoapis.eu"),
        "in": (".zoho.in", ".zohoapis.in", "zohoapis.in"),
        "com.au": (".zoho.com.au", ".zohoapis.com.au", "zohoapis.com.au"),
        "jp": (".zoho.jp", ".zohoapis.jp", "zohoapis.jp"),
        "ca": (".zohocloud.ca", ".zohoapis.ca", "zohoapis.ca"),
        "sa": (".zoho.sa", ".zohoapis.sa", "zohoapis.sa"),
        "com.cn": (".zoho.com.cn", ".zohoapis.com.cn", "zohoapis.com.cn"),
    }
    for key, ends in suffixes.items():
        for value in dcs[key].values():
            assert value.endswith(ends), (key, value)


@service_params
def test_data_centres_field(service):
    value = service["data_centres"]
    assert value is None or value in DATA_CENTRE_SETS, value
    if service["key"].startswith("zoho_"):
        assert value == "zoho"


# --------------------------------------------------------------------------- source and verify


@service_params
def test_source_url_is_https_with_host(service):
    url = service["source_url"]
    assert isinstance(url, str) and url
    parts = urlsplit(url)
    assert parts.scheme == "https", url
    assert parts.hostname and HOST_RE.match(parts.hostname), url
    assert not PLACEHOLDER_RE.search(url), url


@service_params
def test_verify_request(service):
    verify = service["verify"]
    assert isinstance(verify, dict)
    assert set(verify) == {"method", "url", "body", "description"}
    assert verify["method"] in VERIFY_METHODS
    if verify["method"] != "POST":
        assert verify["body"] is None
    assert verify["body"] is None or isinstance(verify["body"], dict)
    assert isinstance(verify["description"], str) and verify["description"].strip()
    url = verify["url"]
    assert isinstance(url, str)
    parts = urlsplit(_fill(url))
    assert parts.scheme == "https", url
    assert parts.hostname and HOST_RE.match(parts.hostname), url
    assert "{" not in parts.hostname.replace("example", ""), url
    declared = {p["name"] for p in service["url_params"]}
    used = set(PLACEHOLDER_RE.findall(url))
    assert used <= declared, f"undeclared placeholders in verify.url: {used - declared}"
    assert _host_allowed(parts.hostname, service["allowed_hosts"]), (
        parts.hostname,
        service["allowed_hosts"],
    )


def test_token_auth_method_none_needs_pkce():
    for s in SERVICES:
        if s["token_auth_method"] == "none":
            assert s["auth_type"] == "oauth2", s["key"]
            assert s["pkce"] is True, s["key"]


@service_params
def test_placeholders_declared_in_url_params(service):
    declared = [p["name"] for p in service["url_params"]]
    assert len(declared) == len(set(declared))
    for p in service["url_params"]:
        assert (
            {"name", "label", "pattern"} <= set(p) <= {"name", "label", "pattern", "from_callback"}
        )
        assert re.match(r"^[a-z][a-z0-9_]*$", p["name"])
        assert p["label"].strip()
    used = set()
    for url in [*_urls(service), _verify_url(service) or ""]:
        used.update(PLACEHOLDER_RE.findall(url))
    assert used <= set(declared), f"undeclared placeholders: {used - set(declared)}"
    assert set(declared) <= used, f"declared but unused: {set(declared) - used}"


@service_params
def test_oauth2_fields(service):
    if service["auth_type"] != "oauth2":
        return
    assert service["token_url"]
    scope_names = [s["name"] for s in service["scopes"]]
    assert len(scope_names) == len(set(scope_names))
    for scope in service["scopes"]:
        assert set(scope) == {"name", "description"}
        assert scope["name"].strip()
        assert scope["description"].strip()
    assert set(service["default_scopes"]) <= set(scope_names)
    if service["grant_type"] == "authorization_code":
        assert service["authorize_url"]
        if not service["scopes"]:
            assert "scopes" in service["notes"].lower(), (
                "empty scopes need a note explaining the provider has no scopes"
            )
    else:
        assert service["authorize_url"] is None
        assert service["refresh_url"] is None
    assert service["api_key_params"] == []


@service_params
def test_revocation_fields(service):
    if service["revoke_url"] is None:
        assert service["revoke_token_param"] is None
    elif service["revoke_token_param"] is not None:
        assert re.match(r"^[a-z_]+$", service["revoke_token_param"])


@service_params
def test_non_oauth_entries_have_no_oauth_metadata(service):
    if service["auth_type"] in {"oauth2", "oauth1"}:
        return
    for field in OAUTH_URL_FIELDS:
        assert service[field] is None, field
    assert service["revoke_token_param"] is None
    assert service["scopes"] == []
    assert service["default_scopes"] == []
    assert service["authorize_params"] == {}
    assert service["pkce"] is False
    assert service["issuer"] is None


@service_params
def test_credential_params(service):
    if service["auth_type"] not in CREDENTIAL_KINDS:
        return
    params = service["api_key_params"]
    assert params, "api_key / basic / bearer entries must describe their credentials"
    for p in params:
        assert set(p) == {"name", "label", "param_type", "header_prefix"}
        assert p["name"].strip()
        assert p["label"].strip()
        assert p["param_type"] in PARAM_TYPES
        assert isinstance(p["header_prefix"], str)
    if service["auth_type"] == "basic":
        assert {p["name"] for p in params} == {"username", "password"}


@service_params
def test_header_entries_name_their_header(service):
    if service["param_type"] == "header":
        assert service["header_name"]
    if service["auth_type"] == "oauth2":
        assert service["param_type"] == "header"
        assert isinstance(service["token_prefix"], str)


@service_params
def test_allowed_hosts_cover_api_base_url(service):
    allowed = service["allowed_hosts"]
    assert allowed
    assert len(allowed) == len(set(allowed))
    for pattern in allowed:
        assert HOST_RE.match(pattern), pattern
    host = _host(service["api_base_url"])
    assert _host_allowed(host, allowed), (host, allowed)


@service_params
def test_oauth_hosts_parse(service):
    for field in OAUTH_URL_FIELDS:
        if service[field]:
            assert _host(service[field]), field


# Values that would re-point a URL if spliced in raw; no url_param pattern may admit them.
HOSTILE_VALUES = (
    "attacker.example/x?",
    "attacker.example#",
    "x:1@attacker.example",
    "attacker.example:443",
    "../admin",
    "a/b",
    "a%2fb",
    "a b",
    "ok\n",
    "",
)


@service_params
def test_url_params_have_anchored_patterns_that_refuse_hostile_values(service):
    for p in service["url_params"]:
        pattern = p["pattern"]
        assert isinstance(pattern, str)
        assert pattern.startswith("^") and pattern.endswith("$"), (p["name"], pattern)
        compiled = re.compile(pattern)
        for value in HOSTILE_VALUES:
            assert not compiled.fullmatch(value), (p["name"], value)


@service_params
def test_url_params_from_callback_only_fill_the_api_base_url(service):
    for p in service["url_params"]:
        if "from_callback" not in p:
            continue
        assert isinstance(p["from_callback"], bool)
        if p["from_callback"]:
            placeholder = "{" + p["name"] + "}"
            assert placeholder in service["api_base_url"]
            for field in OAUTH_URL_FIELDS:
                assert placeholder not in (service[field] or ""), field
            assert not any(placeholder in host for host in service["allowed_hosts"])


def test_documented_url_param_patterns():
    def pattern(key):
        return re.compile(BY_KEY[key]["url_params"][0]["pattern"])

    assert pattern("shopify").fullmatch("acme-store")
    assert pattern("salesforce").fullmatch("acme")
    assert pattern("salesforce").fullmatch("acme--uat.sandbox")
    assert pattern("quickbooks").fullmatch("9130355")
    assert not pattern("quickbooks").fullmatch("91a")
    assert pattern("jira").fullmatch("1324a887-45db-1bf4-1e99-ef0ff456d421")
    assert not pattern("jira").fullmatch("1324a887")
    assert pattern("basecamp").fullmatch("999999999")
    assert pattern("docusign").fullmatch("na3") and pattern("docusign").fullmatch("eu")
    assert pattern("mailchimp").fullmatch("us21")
    assert BY_KEY["quickbooks"]["url_params"][0]["from_callback"] is True


HEADER_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")


@service_params
def test_custom_headers_are_plain_and_carry_no_secret(service):
    headers = service["custom_headers"]
    assert isinstance(headers, dict)
    for name, value in headers.items():
        assert HEADER_NAME_RE.match(name), name
        assert isinstance(value, str) and value and "\n" not in value
        assert name.lower() not in {"authorization", "cookie", "x-api-key", "host"}


def test_headers_the_providers_require_are_declared():
    assert BY_KEY["klaviyo"]["custom_headers"] == {"revision": "2024-10-15"}
    assert BY_KEY["gocardless"]["custom_headers"] == {"GoCardless-Version": "2015-07-06"}
