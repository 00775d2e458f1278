"""The Content-Security-Policy header: on every response, and nothing the pages need breaks it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from console.middleware import ContentSecurityPolicyMiddleware
from tests.browser.conftest import browser, page  # noqa: F401  (fixtures)
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize(
    "url",
    ["/", "/accounts/login/", "/admin/login/", "/api/v1/health", "/api/v1/docs", "/no/such/page/"],
)
def test_every_response_carries_the_policy(client, db, settings, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert policy == settings.CONSOLE_CSP
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-" not in policy and "http" not in policy


def test_pages_of_a_topping_carry_the_policy(client_for, owner, topping, settings):
    response = client_for(owner).get(f"/t/{topping.namespace}/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == settings.CONSOLE_CSP


def test_an_empty_setting_sends_no_header(client, db, settings):
    settings.CONSOLE_CSP = ""
    assert "Content-Security-Policy" not in client.get("/accounts/login/")


def test_debug_error_pages_go_without_it(client, db, settings):
    # Django's technical 404 and 500 pages style and script themselves inline.
    settings.DEBUG = True
    assert "Content-Security-Policy" not in client.get("/no/such/page/")
    assert client.get("/accounts/login/")["Content-Security-Policy"] == settings.CONSOLE_CSP


def test_a_response_with_its_own_policy_keeps_it():
    own = HttpResponse("x", headers={"Content-Security-Policy": "default-src 'none'"})
    middleware = ContentSecurityPolicyMiddleware(lambda request: own)
    assert middleware(RequestFactory().get("/"))["Content-Security-Policy"] == "default-src 'none'"


def _csp_setting(value: str | None) -> subprocess.CompletedProcess:
    environ = {
        "PATH": os.environ["PATH"],
        "CONSOLE_LOCAL_DIR": str(ROOT / ".local" / "test"),
        "SECRET_KEY": "s" * 60,
        "FIELD_ENCRYPTION_KEY": "dGVzdC1rZXktb25lLXRlc3Qta2V5LW9uZS10ZXN0LTE=",
    }
    if value is not None:
        environ["CONSOLE_CSP"] = value
    return subprocess.run(
        [sys.executable, "-c", "from console import settings; print(repr(settings.CONSOLE_CSP))"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_setting_is_read_from_the_environment():
    assert _csp_setting("default-src 'none'").stdout.strip() == repr("default-src 'none'")
    assert _csp_setting("off").stdout.strip() == repr("")
    refused = _csp_setting("default-src 'self'\nX-Injected: 1")
    assert refused.returncode != 0 and "CONSOLE_CSP must be one line" in refused.stderr


# What the policy refuses, written in a template: an inline script (a data block such as
# <script type="application/json"> is no script), an event handler, a style, code htmx
# would evaluate.
INLINE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\b(?:src|type=\"application/json\"))[^>]*>"),
    "on...= handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE),
    "style= attribute": re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE),
    "<style> block": re.compile(r"<style\b", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "hx-on attribute (htmx evaluates it)": re.compile(r"\bhx-on", re.IGNORECASE),
}


def test_templates_hold_nothing_the_policy_blocks():
    assert TEMPLATES
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}: {kind}"
        for path in TEMPLATES
        for text in [path.read_text(encoding="utf-8")]
        for kind, pattern in INLINE.items()
        for match in pattern.finditer(text)
    ]
    assert found == []


# ------------------------------------------------------------------------------ browser

WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""


@pytest.fixture
def signed_in(page, owner, topping):  # noqa: F811
    """The page, signed in as the topping's owner, who may use the admin too."""
    owner.is_staff = owner.is_superuser = True
    owner.save()
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/toppings/")
    return page


def violations_on(page, url: str) -> list[str]:  # noqa: F811
    response = page.goto(url)
    assert response.status < 400, url
    assert response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.cspViolations")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_and_api_docs_work_within_the_policy(signed_in, topping):
    for url in [
        "/admin/",
        "/admin/console/topping/",
        f"/admin/console/topping/{topping.pk}/change/",
    ]:
        assert violations_on(signed_in, url) == [], url
    assert violations_on(signed_in, "/api/v1/docs") == []
    # Swagger UI ran: it fetched the document and drew one block per operation.
    signed_in.wait_for_selector(".opblock")
    assert signed_in.locator(".opblock").count() >= 10


def console_pages(topping) -> list[str]:
    t = f"/t/{topping.namespace}"
    return [
        "/toppings/",
        f"{t}/",
        f"{t}/settings/",
        f"{t}/members/",
        f"{t}/api-keys/",
        f"{t}/connections/new/",
        f"{t}/functions/new/",
        f"{t}/workflows/new/",
        f"{t}/executions/",
        f"{t}/sandbox/",
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_console_pages_run_their_scripts_within_the_policy(signed_in, topping):
    for url in console_pages(topping):
        blocked = [v for v in violations_on(signed_in, url) if v.startswith("script-src")]
        assert blocked == [], url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_console_pages_break_no_rule_of_the_policy(signed_in, topping):
    for url in console_pages(topping):
        assert violations_on(signed_in, url) == [], url
