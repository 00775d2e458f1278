"""The emulated apps' pages: browse, reset (asks first), seed, and the emulated consent page
that authorizes a connection for the sandbox with no client ID."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from connections.models import Credential
from sandbox.emulation import apps
from sandbox.models import AppCall, AppRecord
from tests.sandbox.scripting import run

BOOKS = "https://www.zohoapis.com/books/v3"


def _url(name, topping, *args):
    return reverse(f"sandbox:{name}", args=[topping.namespace, *args])


def test_connect_in_the_sandbox_goes_to_the_emulated_consent_page(
    topping, owner, client_for, catalog_connection
):
    connection = catalog_connection("zoho_books", "books")
    client = client_for(owner)
    connect = reverse("connections:connect", args=[topping.namespace, "books"])
    response = client.post(f"{connect}?environment=sandbox")
    consent = _url("emulated_authorize", topping, "books")
    assert response["Location"] == consent
    page = client.get(consent).content.decode()
    assert "no client ID" in page and "Allow" in page
    assert not connection.credentials.exists()  # GET changes nothing
    assert client.post(consent)["Location"] == connection.get_absolute_url()
    credential = connection.credentials.get()
    assert (credential.environment, credential.status) == ("sandbox", Credential.Status.CONNECTED)
    # Production still goes to the provider (a client ID is needed there).
    production = client.post(f"{connect}?environment=production")
    assert production["Location"].startswith("https://accounts.zoho.com/oauth/v2/auth?")


def test_services_without_an_emulated_app_have_no_consent_page(
    topping, owner, client_for, catalog_connection
):
    catalog_connection("zoho_crm", "crm")
    client = client_for(owner)
    assert client.get(_url("emulated_authorize", topping, "crm")).status_code == 404
    connect = reverse("connections:connect", args=[topping.namespace, "crm"])
    assert "accounts.zoho.com" in client.post(f"{connect}?environment=sandbox")["Location"]


def test_the_app_pages_list_records_and_calls(topping, owner, client_for, catalog_connection):
    apps.authorize(catalog_connection("zoho_books", "books"), user=owner)
    run(
        topping,
        owner,
        f"""return invokeurl [ url: "{BOOKS}/contacts?organization_id=1" type: POST
        parameters: {{"JSONString": {{"contact_name": "Listed Ltd"}}.toString()}}
        connection: "books" ];""",
    )
    client = client_for(owner)
    listing = client.get(_url("apps", topping)).content.decode()
    assert "Zoho Books" in listing and "Togai" in listing
    detail = client.get(_url("app", topping, "zoho_books")).content.decode()
    assert "Listed Ltd" in detail and "The contact has been added." in detail
    assert "https://www.zohoapis.eu/books/v3" in detail  # every data centre is answered
    persons = client.get(_url("app", topping, "zoho_books") + "?resource=contactpersons")
    assert persons.status_code == 200 and "No records yet." in persons.content.decode()
    assert client.get(_url("app", topping, "zoho_books") + "?resource=nope").status_code == 404
    assert client.get(_url("app", topping, "zoho_crm")).status_code == 404


def test_reset_asks_first(topping, owner, client_for):
    client = client_for(owner)
    seed = SimpleUploadedFile("s.json", json.dumps({"contacts": [{"contact_name": "A"}]}).encode())
    client.post(_url("app_seed", topping, "zoho_books"), {"seed": seed})
    assert AppRecord.objects.filter(topping=topping).count() == 1
    page = client.get(_url("app_reset", topping, "zoho_books")).content.decode()
    assert "Reset the emulated Zoho Books?" in page
    assert AppRecord.objects.filter(topping=topping).count() == 1
    client.post(_url("app_reset", topping, "zoho_books"))
    assert not AppRecord.objects.filter(topping=topping).exists()
    assert topping.audit_entries.filter(action="sandbox.emulated_app.reset").exists()


def test_seed_refuses_bad_files_and_keeps_nothing(topping, owner, client_for):
    client = client_for(owner)
    url = _url("app_seed", topping, "zoho_books")
    cases = {
        b"not json": "Nothing was seeded",
        json.dumps([1, 2]).encode(): "Nothing was seeded",
        json.dumps({"contacts": [{"contact_name": "A"}, {"contact_name": "a"}]}).encode(): "3062",
        b"\xff\xfe": "not UTF-8",
    }
    for content, said in cases.items():
        response = client.post(url, {"seed": SimpleUploadedFile("s.json", content)}, follow=True)
        assert said in response.content.decode(), content
    assert not AppRecord.objects.exists()
    good = SimpleUploadedFile(
        "s.json", json.dumps({"items": [{"name": "Desk", "rate": 5}]}).encode()
    )
    response = client.post(url, {"seed": good}, follow=True)
    assert "Seeded 1 records" in response.content.decode()
    assert topping.audit_entries.filter(action="sandbox.emulated_app.seeded").exists()


def test_strangers_see_nothing(topping, stranger, client_for, catalog_connection):
    catalog_connection("zoho_books", "books")
    client = client_for(stranger)
    for url in (
        _url("apps", topping),
        _url("app", topping, "zoho_books"),
        _url("app_reset", topping, "zoho_books"),
        _url("emulated_authorize", topping, "books"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(_url("emulated_authorize", topping, "books")).status_code == 404
    assert not Credential.objects.exists()


def test_resetting_the_sandbox_empties_the_emulated_apps(topping, owner, client_for):
    client = client_for(owner)
    seed = SimpleUploadedFile("s.json", json.dumps({"contacts": [{"contact_name": "A"}]}).encode())
    client.post(_url("app_seed", topping, "zoho_books"), {"seed": seed})
    AppCall.objects.create(topping=topping, service=AppRecord.objects.get().service,
                           method="GET", url="x", status=200)  # fmt: skip
    response = client.post(_url("reset", topping), follow=True)
    assert "emulated app records: 1" in response.content.decode()
    assert not AppRecord.objects.exists() and not AppCall.objects.exists()


def test_a_custom_service_with_a_description_is_not_emulated(topping, owner, client_for):
    """Only catalog services are emulated: a custom one (pointed at a loopback emulation,
    say) is authorized at its own provider, in the sandbox too."""
    from connections.models import AuthType, Service
    from connections.services import manage

    books = Service.objects.default().get(key="zoho_books")
    custom = Service.objects.create(
        topping=topping, key="books_local", name="Books (loopback)", auth_type=AuthType.OAUTH2,
        grant_type="authorization_code", authorize_url="https://books.example.com/oauth/auth",
        token_url="https://books.example.com/oauth/token",
        api_base_url="https://books.example.com/books/v3", api=books.api, client_id="c",
    )  # fmt: skip
    manage.create_connection(topping, custom, name="Local", link_name="local", scopes=[],
                             user_level=False, url_values={}, user=owner)  # fmt: skip
    client = client_for(owner)
    connect = reverse("connections:connect", args=[topping.namespace, "local"])
    answer = client.post(f"{connect}?environment=sandbox")
    assert answer["Location"].startswith("https://books.example.com/oauth/auth?")
    assert client.get(_url("emulated_authorize", topping, "local")).status_code == 404
