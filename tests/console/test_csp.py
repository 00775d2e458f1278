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
