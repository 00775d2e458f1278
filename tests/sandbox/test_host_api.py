"""The host app's REST API in the sandbox: invokeurl to Bigin's (or CRM's) URLs answered
from the sandbox's records, in the API's own shapes."""

from __future__ import annotations

from sandbox import store
from sandbox.models import SandboxRecord
from tests.sandbox.scripting import run

BIGIN = "https://www.zohoapis.com/bigin/v2"


def _call(topping, owner, method, path, body=None):
    extra = f" parameters: {body}.toString()" if body is not None else ""
    code = (f'return invokeurl [ url: "{BIGIN}/{path}" type: {method}{extra} '
            f'connection: "bigin" detailed: true ];')  # fmt: skip
    answer, host = run(topping, owner, code)
    return answer["responseCode"], answer["responseText"], host


def test_the_host_api_answers_from_the_sandbox_records(topping, owner, catalog_connection):
    catalog_connection("zoho_bigin", "bigin")
    assert _call(topping, owner, "GET", "Contacts")[0] == 204  # nothing yet: no content
    status, created, host = _call(
        topping, owner, "POST", "Contacts",
        '{"data": [{"Last_Name": "Lovelace", "Email": "ada@example.com"}]}',
    )  # fmt: skip
    assert status == 201 and created["data"][0]["code"] == "SUCCESS"
    assert host.calls[0]["emulated"] == "host app"
    assert (
        "Lovelace" in host.calls[0]["request_body"] and "SUCCESS" in host.calls[0]["response_body"]
    )
    record_id = created["data"][0]["details"]["id"]
    assert SandboxRecord.objects.get(record_id=record_id).data["Email"] == "ada@example.com"
    status, got, _ = _call(topping, owner, "GET", f"Contacts/{record_id}")
    assert status == 200 and got["data"][0]["Last_Name"] == "Lovelace"
    status, found, _ = _call(topping, owner, "GET", "Contacts/search?email=ada@example.com")
    assert status == 200 and [r["id"] for r in found["data"]] == [record_id]
    assert _call(topping, owner, "GET", "Contacts/search?email=nobody@example.com")[0] == 204
    status, updated, _ = _call(topping, owner, "PUT", f"Contacts/{record_id}",
                               '{"data": [{"Last_Name": "King"}]}')  # fmt: skip
    assert status == 200 and updated["data"][0]["message"] == "record updated"
    status, listed, _ = _call(topping, owner, "GET", "Contacts?per_page=1")
    assert listed["data"][0]["Last_Name"] == "King" and listed["info"]["per_page"] == 1
    status, missing, _ = _call(topping, owner, "POST", "Contacts", '{"data": [{"Email": "x@y.z"}]}')
    assert status == 400 and missing["data"][0]["code"] == "INVALID_DATA"
    status, deleted, _ = _call(topping, owner, "DELETE", f"Contacts?ids={record_id}")
    assert status == 200 and deleted["data"][0]["message"] == "record deleted"
    assert not SandboxRecord.objects.filter(record_id=record_id).exists()


def test_api_names_and_related_lists(topping, owner, catalog_connection):
    catalog_connection("zoho_bigin", "bigin")
    status, company, _ = _call(topping, owner, "POST", "Accounts",
                               '{"data": [{"Account_Name": "Acme"}]}')  # fmt: skip
    assert status == 201
    company_id = company["data"][0]["details"]["id"]
    assert SandboxRecord.objects.get(record_id=company_id).module == "Companies"
    contact = store.create_record(
        topping, "Contacts", {"Last_Name": "Ada", "Account_Name": company_id}
    ).record
    status, related, _ = _call(topping, owner, "GET", f"Accounts/{company_id}/Contacts")
    assert status == 200 and [r["id"] for r in related["data"]] == [contact.record_id]
    status, wrong, _ = _call(topping, owner, "GET", "Gadgets")
    assert status == 400 and wrong["data"][0]["code"] == "INVALID_MODULE"
