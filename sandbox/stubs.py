"""Answering a sandbox run's HTTP calls: emulated collections, canned stubs, recording.

``SandboxHost`` is the workflows host for the sandbox environment: before a call leaves,
emulated collections (by URL prefix) and then canned stubs (by method and URL pattern)
may answer it; an unmatched call fails with "no stub matches" or goes out through the
broker, as the topping's sandbox settings say. With recording on, real answers are kept
as stubs, so a provider is captured once and the developer then works offline.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.db import transaction
from django.db.models import F

from connections.services.send import resolve
from deluge import DelugeRuntimeError, HttpResponse
from sandbox import hostapi
from sandbox.emulation import apps
from sandbox.hostapi import body_map
from sandbox.models import CollectionItem, EmulatedCollection, SandboxSettings, Stub
from sandbox.store import SandboxStore
from workflows.host import WorkflowHost

JSON = {"Content-Type": "application/json"}


def _json(status: int, value: Any) -> HttpResponse:
    return HttpResponse(status, json.dumps(value), dict(JSON))


def _strip_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _pattern(pattern: str) -> re.Pattern:
    """Only ``*`` is a wildcard: ``?`` and ``[`` are ordinary characters of a URL."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def stub_matches(stub: Stub, method: str, url: str) -> bool:
    if stub.method.upper() not in ("ANY", "*", method.upper()):
        return False
    pattern = _pattern(stub.url_pattern)
    return bool(pattern.fullmatch(url) or pattern.fullmatch(_strip_query(url)))


# ------------------------------------------------------------------------------ collections


def collection_for(topping, url: str) -> tuple[EmulatedCollection, str] | None:
    """The collection whose prefix starts ``url``, and the rest of the path (the item id)."""
    bare = _strip_query(url).rstrip("/")
    # The longest prefix first: ".../contacts/archived" is not item "archived" of ".../contacts".
    collections = sorted(topping.collections.all(), key=lambda c: -len(c.url_prefix.rstrip("/")))
    for collection in collections:
        prefix = collection.url_prefix.rstrip("/")
        if bare == prefix:
            return collection, ""
        if bare.startswith(prefix + "/"):
            rest = bare[len(prefix) + 1 :]
            if "/" not in rest:
                return collection, rest
    return None


def _item_data(collection: EmulatedCollection, body: Any) -> dict:
    """The item a request body carries, inside the item envelope when there is one."""
    data = body_map(body)
    inner = data.get(collection.item_key) if collection.item_key else None
    return dict(inner) if isinstance(inner, dict) else data


def _item_payload(collection: EmulatedCollection, item: CollectionItem) -> dict:
    return {**item.data, collection.id_field: item.item_id}


def _one(collection: EmulatedCollection, status: int, item: CollectionItem) -> HttpResponse:
    payload = _item_payload(collection, item)
    return _json(status, {collection.item_key: payload} if collection.item_key else payload)


def handle_collection(
    collection: EmulatedCollection, item_id: str, method: str, url: str, request: dict
) -> HttpResponse:
    """One CRUD call on an emulated collection, answered with the usual shapes."""
    method = method.upper()
    query = dict(parse_qsl(urlsplit(url).query))
    if isinstance(request.get("params"), dict):
        query.update({str(k): str(v) for k, v in request["params"].items()})
    items = collection.items.all()
    if not item_id:
        if method == "GET":
            text = query.get(collection.search_param, "").strip().lower()
            found = [
                _item_payload(collection, item)
                for item in items
                if not text or any(text in str(v).lower() for v in item.data.values())
            ]
            return _json(200, {collection.list_key: found})
        if method == "POST":
            data = _item_data(collection, request.get("body"))
            given = str(data.pop(collection.id_field, "") or "")
            with transaction.atomic():
                if given:
                    if items.filter(item_id=given).exists():
                        return _json(409, {"message": f"item {given} already exists"})
                    new_id = given
                else:
                    while True:  # skip ids that items created with their own id took
                        EmulatedCollection.objects.filter(pk=collection.pk).update(
                            next_id=F("next_id") + 1
                        )
                        collection.refresh_from_db(fields=["next_id"])
                        new_id = str(collection.next_id - 1)
                        if not items.filter(item_id=new_id).exists():
                            break
                item = CollectionItem.objects.create(
                    collection=collection, item_id=new_id, data=data
                )
            return _one(collection, 201, item)
        return _json(405, {"message": f"{method} is not allowed on the collection"})
    item = items.filter(item_id=item_id).first()
    if item is None:
        return _json(404, {"message": f"no item {item_id}"})
    if method == "GET":
        return _one(collection, 200, item)
    if method in ("PUT", "PATCH"):
        data = _item_data(collection, request.get("body"))
        data.pop(collection.id_field, None)
        item.data = {**item.data, **data}  # PUT and PATCH both merge, as most APIs do
        item.save(update_fields=["data"])
        return _one(collection, 200, item)
    if method == "DELETE":
        item.delete()
        return _json(200, {"message": "deleted", collection.id_field: item_id})
    return _json(405, {"message": f"{method} is not allowed on an item"})


# ------------------------------------------------------------------------------ the host


class SandboxHost(WorkflowHost):
    def __init__(self, topping, **kwargs) -> None:
        super().__init__(topping, **kwargs)
        self.settings = SandboxSettings.of(topping)
        self.intercept = self._answer
        if self.settings.record_responses:
            self.observe = self._record

    def store(self) -> SandboxStore:
        """Record tasks reach the emulated host application, never the real host."""
        if self._store is None:
            self._store = SandboxStore(self.topping, self.user, self)
        return self._store

    def _answer(self, method: str, url: str, request: dict) -> HttpResponse | None:
        """Collections first, then stubs (a stub overrides one call of an emulated app),
        then the host app's REST API over the sandbox's records, then the emulated apps,
        then the topping's choice for unmatched calls."""
        found = collection_for(self.topping, url)
        if found is not None:
            return handle_collection(found[0], found[1], method, url, request)
        for stub in self.topping.stubs.all():
            if stub_matches(stub, method, url):
                headers = dict(stub.headers or {})
                if stub.body.strip()[:1] in ("{", "[") and not headers:
                    headers = dict(JSON)
                return HttpResponse(stub.status, stub.body, headers)
        host_api = hostapi.answer(self.store(), method, url, request)
        if host_api is not None:
            self.intercept_detail = {
                "emulated": "host app",
                "request_body": apps.short(request.get("body")),
                "response_body": apps.short(host_api.text),
            }
            return host_api
        name = request.get("connection")
        connection = resolve(name, topping=self.topping) if name else None
        emulated = apps.answer(
            self.topping, connection, method, url, {**request, "user": self.user}
        )
        if emulated is not None:
            self.intercept_detail = {
                "emulated": emulated.service,
                "request_body": emulated.request_body,
                "response_body": emulated.response_body,
            }
            return HttpResponse(emulated.status, emulated.text, dict(emulated.headers))
        if self.settings.unmatched == SandboxSettings.Unmatched.FAIL:
            raise DelugeRuntimeError(f"no stub matches {method.upper()} {url}")
        return None

    def _record(self, method: str, url: str, response: HttpResponse) -> None:
        pattern = _strip_query(url)
        if not any(stub_matches(s, method, url) for s in self.topping.stubs.all()):
            Stub.objects.create(
                topping=self.topping,
                method=method.upper(),
                url_pattern=pattern,
                status=response.status,
                headers={k: v for k, v in response.headers.items() if k.lower() == "content-type"},
                body=response.text,
                recorded=True,
            )
