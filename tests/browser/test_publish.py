"""Publishing in a browser: release notes, version 1, then republishing an older version."""

from __future__ import annotations

import pytest

from releases.models import Version
from tests.browser.helpers import sign_in
from workflows.functions import save_function
from workflows.models import Function

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publish_with_release_notes_then_republish(page, topping, owner):
    function = save_function(Function(topping=topping, name="greet", code='info "hi";'), user=owner)
    sign_in(page, owner)
    page.goto(f"/t/{topping.namespace}/")
    page.click("nav.toppingnav >> text=Publish")
    page.wait_for_selector("#components >> text=greet()")

    page.fill("#id_notes", "First release.")
    page.click("#publish button[type=submit]")
    page.wait_for_selector("#version-1 >> text=Current")
    assert "Version 1 published" in page.inner_text("#messages")

    function.code = 'info "hello";'
    save_function(function, user=owner)
    page.goto(f"/t/{topping.namespace}/publish/")
    page.fill("#id_notes", "Second release.")
    page.click("#publish button[type=submit]")
    page.wait_for_selector("#version-2 >> text=Current")

    page.click("#version-1 >> text=Republish")
    page.wait_for_selector("#version-1 >> text=Current")
    assert Version.objects.get(current=True).number == 1
