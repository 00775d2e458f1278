"""The emulated Zoho Books, driven over HTTP exactly as its API documentation describes."""

from __future__ import annotations

import requests

from tests.sandbox.books_http import CLIENT_ID, CLIENT_SECRET, ORG, Books, authorize


def _contact(books, name, **fields):
    response = books.call("POST", "contacts", {"contact_name": name, **fields})
    assert response.status_code == 201, response.text
    return response.json()["contact"]


def test_a_contact_created_with_jsonstring_answers_in_the_books_envelope(books):
    response = books.call(
        "POST",
        "contacts",
        {
            "contact_name": "Bowman & Co",
            "company_name": "Bowman and Co",
            "email": "willsmith@bowmanfurniture.com",
            "contact_persons": [
                {"first_name": "Will", "last_name": "Smith", "is_primary_contact": True}
            ],
        },
    )  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert body["code"] == 0 and body["message"] == "The contact has been added."
    contact = body["contact"]
    assert contact["contact_name"] == "Bowman & Co" and contact["contact_type"] == "customer"
    assert contact["status"] == "active" and contact["contact_id"].isdigit()
    assert contact["created_time"] == contact["last_modified_time"]
    assert contact["created_time"][:4].isdigit() and contact["created_time"][-5] in "+-"
    [person] = contact["contact_persons"]
    assert person["first_name"] == "Will" and person["contact_id"] == contact["contact_id"]
    got = books.call("GET", f"contacts/{contact['contact_id']}").json()
    assert got == {"code": 0, "message": "success", "contact": contact}


def test_a_json_body_is_read_too(books):
    response = books.call("POST", "contacts", {"contact_name": "JSON Ltd"}, as_json=True)
    assert response.status_code == 201 and response.json()["contact"]["contact_name"] == "JSON Ltd"


def test_contacts_are_found_by_search_text_and_email(books):
    _contact(books, "Bowman & Co", email="will@bowman.example.com")
    _contact(books, "Zylker Inc", email="sales@zylker.example.com")
    found = books.call("GET", "contacts", search_text="bowm").json()
    assert [c["contact_name"] for c in found["contacts"]] == ["Bowman & Co"]
    by_email = books.call("GET", "contacts", email="SALES@zylker.example.com").json()
    assert [c["contact_name"] for c in by_email["contacts"]] == ["Zylker Inc"]
    none = books.call("GET", "contacts", email="nobody@example.com").json()
    assert none["code"] == 0 and none["contacts"] == []


def test_a_contact_is_updated_with_put(books):
    contact = _contact(books, "Bowman & Co")
    response = books.call("PUT", f"contacts/{contact['contact_id']}", {"phone": "+1-555-0100"})
    body = response.json()
    assert response.status_code == 200
    assert body["message"] == "Contact information has been saved."
    assert body["contact"]["phone"] == "+1-555-0100"
    assert body["contact"]["contact_name"] == "Bowman & Co"  # untouched fields stay
    assert body["contact"]["last_modified_time"] >= contact["last_modified_time"]


def test_lists_are_paginated_with_page_context(books):
    for name in ("Alpha", "Bravo", "Charlie"):
        _contact(books, name)
    first = books.call("GET", "contacts", per_page=2).json()
    assert [c["contact_name"] for c in first["contacts"]] == ["Alpha", "Bravo"]
    assert first["page_context"] == {
        "page": 1, "per_page": 2, "has_more_page": True, "report_name": "Contacts",
        "applied_filter": "Status.All", "sort_column": "contact_name", "sort_order": "A",
    }  # fmt: skip
    second = books.call("GET", "contacts", per_page=2, page=2).json()
    assert [c["contact_name"] for c in second["contacts"]] == ["Charlie"]
    assert second["page_context"]["has_more_page"] is False
    assert books.call("GET", "contacts", per_page=201).status_code == 400


def test_lists_sort_by_last_modified_time_and_invoices_filter_on_it(books):
    a, b = _contact(books, "Alpha"), _contact(books, "Bravo")
    books.call("PUT", f"contacts/{a['contact_id']}", {"phone": "1"})
    newest_last = books.call(
        "GET", "contacts", sort_column="last_modified_time", sort_order="A"
    ).json()
    names = [c["contact_name"] for c in newest_last["contacts"]]
    assert set(names) == {"Alpha", "Bravo"} and newest_last["page_context"]["sort_column"] == (
        "last_modified_time"
    )
    invoice = books.call(
        "POST", "invoices",
        {"customer_id": b["contact_id"],
         "line_items": [{"name": "Desk", "rate": 120, "quantity": 2}]},
    ).json()["invoice"]  # fmt: skip
    since = books.call("GET", "invoices", last_modified_time=invoice["last_modified_time"])
    assert [i["invoice_id"] for i in since.json()["invoices"]] == [invoice["invoice_id"]]
    later = books.call("GET", "invoices", last_modified_time="2999-01-01T00:00:00+0000")
    assert later.json()["invoices"] == []


def test_a_duplicate_contact_name_is_refused_with_the_books_code(books):
    _contact(books, "Bowman & Co")
    response = books.call("POST", "contacts", {"contact_name": "bowman & co"})
    assert response.status_code == 400
    assert response.json() == {
        "code": 3062,
        "message": 'The customer "bowman & co" already exists. Please specify a different name.',
    }


def test_a_missing_organization_id_is_refused(books):
    response = books.call("GET", "contacts", org=None)
    assert response.status_code == 400
    assert response.json() == {"code": 2, "message": "Invalid value passed for organization_id"}


def test_a_missing_required_field_and_a_missing_body_are_refused(books):
    response = books.call("POST", "contacts", {"company_name": "No Name"})
    assert response.status_code == 400 and response.json()["code"] == 4
    assert "contact_name" in response.json()["message"]
    empty = books.call("POST", "contacts")
    assert empty.json() == {"code": 11, "message": "The parameter JSONString is mandatory."}
    bad = books.call("POST", "contacts", {"contact_name": "X", "email": "not-an-email"})
    assert bad.status_code == 400 and "email" in bad.json()["message"]


def test_an_unknown_record_and_url_answer_like_books(books):
    missing = books.call("GET", "contacts/460000000099999")
    assert missing.status_code == 404
    assert missing.json() == {"code": 1002, "message": "Contact does not exist."}
    wrong = books.call("GET", "nothing-here")
    assert wrong.status_code == 404 and wrong.json()["code"] == 5


def test_more_than_100_calls_a_minute_get_429(books):
    statuses = [books.call("GET", "contacts").status_code for _ in range(100)]
    assert set(statuses) == {200}
    limited = books.call("GET", "contacts")
    assert limited.status_code == 429
    assert limited.json()["code"] == 44 and "too many requests" in limited.json()["message"]
    # The limit is per organization: another one still answers.
    assert books.call("GET", "contacts", org="20000001").status_code == 200


def test_tokens_expire_and_refresh_like_zoho(books_server):
    issued = authorize(books_server)
    assert issued["token_type"] == "Bearer" and issued["expires_in"] == 3600
    assert issued["api_domain"] == books_server.url and issued["refresh_token"]
    books = Books(books_server, issued["access_token"])
    assert books.call("GET", "contacts").status_code == 200
    books_server.auth.expire_all()
    refused = books.call("GET", "contacts")
    assert refused.status_code == 401 and refused.json()["code"] == 57
    refreshed = requests.post(
        f"{books_server.url}/oauth/v2/token",
        data={"grant_type": "refresh_token", "refresh_token": issued["refresh_token"],
              "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
        timeout=5,
    ).json()  # fmt: skip
    assert "refresh_token" not in refreshed  # Zoho keeps the refresh token
    assert Books(books_server, refreshed["access_token"]).call("GET", "contacts").ok
    wrong = requests.post(
        f"{books_server.url}/oauth/v2/token",
        data={"grant_type": "authorization_code", "code": "1000.used", "client_id": CLIENT_ID,
              "client_secret": CLIENT_SECRET},
        timeout=5,
    )  # fmt: skip
    assert wrong.json() == {"error": "invalid_code"}


def test_no_token_no_answer(books_server):
    response = requests.get(
        f"{books_server.base_urls[0]}/contacts", params={"organization_id": ORG}, timeout=5
    )
    assert response.status_code == 401
    assert response.json() == {
        "code": 57,
        "message": "You are not authorized to perform this operation",
    }


def test_contact_persons_have_their_own_endpoints(books):
    contact = _contact(books, "Bowman & Co")
    cid = contact["contact_id"]
    person = {"contact_id": cid, "first_name": "Ann", "email": "ann@b.example.com"}
    created = books.call("POST", "contacts/contactpersons", person)
    assert created.status_code == 201
    assert created.json()["message"] == "The contactperson has been Created"
    person = created.json()["contact_person"]
    listed = books.call("GET", f"contacts/{cid}/contactpersons").json()
    assert [p["first_name"] for p in listed["contact_persons"]] == ["Ann"]
    pid = person["contact_person_id"]
    updated = books.call("PUT", f"contacts/contactpersons/{pid}", {"last_name": "Lee"}).json()
    assert updated["message"] == "The contactperson details has been updated."
    primary = books.call("POST", f"contacts/contactpersons/{pid}/primary").json()
    assert primary["code"] == 0
    shown = books.call("GET", f"contacts/{cid}").json()["contact"]["contact_persons"]
    assert shown[0]["last_name"] == "Lee" and shown[0]["is_primary_contact"] is True
    deleted = books.call("DELETE", f"contacts/contactpersons/{pid}").json()
    assert deleted == {"code": 0, "message": "The contact person has been deleted."}
    orphan = books.call("POST", "contacts/contactpersons", {"first_name": "Nobody"})
    assert orphan.status_code == 400 and "contact_id" in orphan.json()["message"]


def test_mark_inactive_and_active_and_filter_by_status(books):
    contact = _contact(books, "Bowman & Co")
    cid = contact["contact_id"]
    inactive = books.call("POST", f"contacts/{cid}/inactive").json()
    assert inactive == {"code": 0, "message": "The contact has been marked as inactive."}
    assert books.call("GET", "contacts", filter_by="Status.Active").json()["contacts"] == []
    listed = books.call("GET", "contacts", filter_by="Status.Inactive").json()
    assert [c["status"] for c in listed["contacts"]] == ["inactive"]
    assert listed["page_context"]["applied_filter"] == "Status.Inactive"
    active = books.call("POST", f"contacts/{cid}/active").json()
    assert active["message"] == "The contact has been marked as active."


def test_deleting_a_contact_names_its_type(books):
    contact = _contact(books, "Bowman & Co", contact_type="vendor")
    deleted = books.call("DELETE", f"contacts/{contact['contact_id']}").json()
    assert deleted == {"code": 0, "message": "The vendor has been deleted."}
    assert books.call("GET", f"contacts/{contact['contact_id']}").status_code == 404


def test_items_invoices_estimates_and_sales_orders(books):
    customer = _contact(books, "Bowman & Co")
    item = books.call("POST", "items", {"name": "Desk", "rate": 120}).json()
    assert item["message"] == "The item has been added." and item["item"]["status"] == "active"
    assert books.call("POST", "items", {"name": "Chair"}).json()["code"] == 4  # rate required
    lines = [{"item_id": item["item"]["item_id"], "name": "Desk", "rate": 120, "quantity": 3}]
    invoice = books.call(
        "POST", "invoices", {"customer_id": customer["contact_id"], "line_items": lines}
    )
    assert invoice.status_code == 201
    body = invoice.json()
    assert body["message"] == "The invoice has been created."
    assert body["invoice"]["invoice_number"] == "INV-000001" and body["invoice"]["total"] == 360
    assert body["invoice"]["customer_name"] == "Bowman & Co"
    assert body["invoice"]["status"] == "draft"
    sent = books.call("POST", f"invoices/{body['invoice']['invoice_id']}/status/sent").json()
    assert sent["message"] == "Invoice status has been changed to Sent."
    stranger = books.call("POST", "invoices", {"customer_id": "1", "line_items": lines})
    assert stranger.status_code == 400 and "customer_id" in stranger.json()["message"]
    estimate = books.call(
        "POST", "estimates", {"customer_id": customer["contact_id"], "line_items": lines}
    )
    assert estimate.json()["estimate"]["estimate_number"] == "EST-000001"
    order = books.call(
        "POST", "salesorders", {"customer_id": customer["contact_id"], "line_items": lines}
    )
    assert order.json()["message"] == "Sales Order Created Successfully."
    listed = books.call("GET", "invoices", filter_by="Status.Sent").json()
    assert [i["status"] for i in listed["invoices"]] == ["sent"]
    assert listed["page_context"]["report_name"] == "Invoices"
