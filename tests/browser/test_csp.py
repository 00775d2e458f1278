"""The Content-Security-Policy in a real browser: the console, the admin and the API docs
run within it (tests/console/test_csp.py checks the header and the templates)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import sign_in

WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""


@pytest.fixture
def signed_in(page, owner, topping, catalog):
    """The page, signed in as the topping's owner, who may use the admin too."""
    owner.is_staff = owner.is_superuser = True
    owner.save()
    page.add_init_script(WATCH_VIOLATIONS)
    sign_in(page, owner)
    return page


def violations_on(page, url: str) -> list[str]:
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
        f"{t}/sandbox/apps/",
        f"{t}/sandbox/apps/zoho_books/",
        f"{t}/sync/",
        f"{t}/connections/custom-services/new/",
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
