"""What the events API tests share: a contact, a webhook action, and "nothing was stored"."""

from __future__ import annotations

from workflows.models import Action, Event, Execution

CONTACT = {"ID": "4150868000000224005", "Last_Name": "Lovelace", "Email": "ada@example.com"}
HOOK = {"kind": Action.Kind.WEBHOOK, "config": {"method": "POST", "url": "http://hooks.test/x"}}


def nothing_stored() -> bool:
    return Event.objects.count() == 0 and Execution.objects.count() == 0
