"""Module sync in a browser: activate Zoho Books in the sandbox (the Companies & Contacts
pair comes with it), Sync Now, watch the run list follow the run to its end, and see the
linked Books records on the sandbox records' page."""

from __future__ import annotations

import pytest

from connections.models import Service
from connections.services import manage
from sandbox import store
from sandbox.emulation import apps
from sync import tasks
from sync.models import SyncPair
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sync_companies_and_contacts_and_see_the_links(page, topping, owner, catalog):
    books = Service.objects.default().get(key="zoho_books")
    connection = manage.create_connection(
        topping, books, name="Books", link_name="books", scopes=[], user_level=False,
        url_values={}, user=owner,
    )  # fmt: skip
    apps.authorize(connection, user=owner)
    acme = store.create_record(topping, "Companies", {"Account_Name": "Acme"}).record
    ada = store.create_record(
        topping, "Contacts",
        {"First_Name": "Ada", "Last_Name": "Lovelace", "Account_Name": acme.record_id},
    ).record  # fmt: skip

    sign_in(page, owner)
    page.goto(f"/t/{topping.namespace}/")
    page.click("nav.toppingnav >> text=Sync")
    page.select_option("#id_environment", "sandbox")
    page.click("form button[type=submit] >> text=Activate")
    page.wait_for_selector("text=Zoho Books sync activated.")
    assert page.is_visible("text=10234695")  # the organization, read from the app
    page.click("text=Companies & Contacts ↔ Books contacts & contact persons")
    page.click("button >> text=Sync Now")
    page.wait_for_selector('#runs[data-state="running"]')  # it follows the queued run

    pair = SyncPair.objects.get(host_module="Companies")
    assert tasks.run_pair(pair.pk, True) == "succeeded"  # what the worker does
    page.wait_for_selector('#runs[data-state="idle"]', timeout=10_000)
    progress = page.locator("#runs progress").first
    assert progress.get_attribute("value") == progress.get_attribute("max")  # at its end
    assert int(progress.get_attribute("max")) >= 1
    assert "created_app 2" in page.text_content("#runs")  # Acme and its contact person

    page.goto(f"/t/{topping.namespace}/sandbox/records/Contacts/{ada.record_id}/")
    linked = page.text_content(".record-links")
    assert "Zoho Books contactpersons 4600" in linked and "synced" in linked
