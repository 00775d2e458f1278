"""The described-app client through the sandbox host: the emulated Books answers it."""

from __future__ import annotations

from sandbox.emulation import apps
from sandbox.stubs import SandboxHost
from workflows.appclient import AppClient

ORG = {"organization_id": "10234695"}


def test_through_the_sandbox_host_the_emulated_books_answers(topping, owner, emulated_books):
    books = emulated_books.service
    host = SandboxHost(topping, environment="sandbox", user=owner)
    client = AppClient(host, "books", apps.description(books), params=ORG)
    created = client.resource("contacts").create({"contact_name": "Sandboxed"})
    assert created["contact_id"] == "460000000026049"
    assert host.calls[0]["emulated"] == "zoho_books"
