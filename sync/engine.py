"""One run of one sync pair: host records to the app, app records to the host.

The run claims the pair's lease (one run per pair at a time, whatever the number of
workers), then:

1. **Host to app.** The host records changed since the last run (the host's change events;
   every record on a first or full run, a page at a time), each mapped to the app's fields.
   A linked record is updated field by field; an unlinked one is matched by the pair's key
   (the app's own filter) and handled as the duplicate rule says, else created. Host
   deletions delete the linked app record.
2. **App to host.** The app records modified since the last run (the app's modified-since
   filter, or its list sorted newest first and read until an older record), the same way.

Each side's view is compared with the values last synced (``Link.synced``): only what one
side changed is written to the other, so a change the sync wrote never echoes back, and a
field both sides changed is a conflict resolved by the pair's rule. Every record's failure
is recorded and retried by the next run; a 429 postpones the rest of the run to a later
slice, with the cursors where they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from connections.catalog.description import Description, parse
from connections.services import tokens
from sync.models import Integration, Link, SyncFailure, SyncPair, SyncRun
from workflows import criteria, records, schema
from workflows.appclient import AppClient, AppError, RateLimited
from workflows.criteria import default_pattern
from workflows.hooks import ENVIRONMENT_HOSTS
from workflows.host import WorkflowHost
from workflows.models import Event
from workflows.schemas import Condition, load_list

LEASE = dt.timedelta(minutes=10)
PAGE = 200


class Busy(Exception):
    """Another run of the pair holds its lease."""


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, count: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + count


@dataclass(frozen=True)
class Entry:
    """One line of the field map."""

    host: str
    app: str
    direction: str = "both"
    fallback: str = ""  # a host field whose value stands in when ``host`` is empty

    def host_value(self, record: dict[str, Any]) -> Any:
        value = _text(record.get(self.host))
        if value is None and self.fallback:
            value = _text(record.get(self.fallback))
        return value

    @property
    def key(self) -> str:
        return f"{self.host}|{self.app}"

    def to_app(self) -> bool:
        return self.direction in ("both", "to_app")

    def to_host(self) -> bool:
        return self.direction in ("both", "to_host")


def _entry(line: dict[str, Any]) -> Entry:
    return Entry(line["host"], line["app"], line.get("direction", "both"), line.get("fallback", ""))


def entries(pair: SyncPair) -> list[Entry]:
    return [_entry(e) for e in pair.field_map]


def description(integration: Integration) -> Description:
    return parse(integration.service.key, integration.service.api_description())


def host_for(integration: Integration) -> WorkflowHost:
    factory = ENVIRONMENT_HOSTS.get(integration.environment, WorkflowHost)
    return factory(integration.topping, environment=integration.environment)


def client_for(integration: Integration, host: WorkflowHost) -> AppClient:
    connection = integration.connection
    base = tokens.fill_url(connection.service.api_base_url, connection)
    return AppClient(
        host,
        connection.qualified_name,
        description(integration),
        base_url=base,
        params={str(k): str(v) for k, v in integration.scope.items()},
    )


# ----------------------------------------------------------------------------- views


def _text(value: Any) -> Any:
    return None if value in ("", []) else value


def host_view(pair: SyncPair, record: dict[str, Any]) -> dict[str, Any]:
    """The host's side of the entries it feeds (both ways, or host to app)."""
    return {e.key: e.host_value(record) for e in entries(pair) if e.to_app()}


def app_view(pair: SyncPair, record: dict[str, Any]) -> dict[str, Any]:
    """The app's side of the entries it feeds (both ways, or app to host)."""
    return {e.key: _text(record.get(e.app)) for e in entries(pair) if e.to_host()}


def moment(text: Any) -> dt.datetime:
    """A modified time of either side (ISO 8601, or Books' ``+0530`` offsets)."""
    value = str(text or "")
    for attempt in (value.replace("Z", "+00:00"), value):
        try:
            found = (
                dt.datetime.fromisoformat(attempt)
                if attempt is not value
                else dt.datetime.strptime(attempt, "%Y-%m-%dT%H:%M:%S%z")
            )
        except ValueError:
            continue
        return found if found.tzinfo else found.replace(tzinfo=dt.UTC)
    return dt.datetime.min.replace(tzinfo=dt.UTC)


def _lookup_id(value: Any) -> str:
    """The id a host lookup holds (a map with ``id``, or the id itself)."""
    return str(value.get("id", "")) if isinstance(value, dict) else str(value or "")


def _changed(view: dict[str, Any], synced: dict[str, Any]) -> set[str]:
    return {key for key, value in view.items() if synced.get(key) != value}


# ------------------------------------------------------------------------------ run


def claim(pair_id: int) -> SyncPair:
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    if not SyncPair.objects.filter(free, pk=pair_id).update(lease_until=now + LEASE):
        raise Busy(f"sync pair {pair_id} is already running")
    return SyncPair.objects.select_related(
        "integration__service", "integration__connection__service", "integration__topping"
    ).get(pk=pair_id)


def run_pair(pair_id: int, *, manual: bool = False, full: bool = False) -> SyncRun:
    """Run one pair now (the django-q2 task and Sync Now call this). Raises ``Busy``."""
    pair = claim(pair_id)
    started = timezone.now()
    run = SyncRun.objects.create(pair=pair, manual=manual, full=full)
    tally = Tally()
    try:
        host = host_for(pair.integration)
        sync = _Sync(pair, run, host, client_for(pair.integration, host), tally, full)
        sync.retry_failed()
        if pair.sends_to_app():
            sync.host_to_app()
        if pair.sends_to_host():
            sync.app_to_host()
        run.status = (
            SyncRun.Status.PARTIAL if tally.counts.get("failed") else SyncRun.Status.SUCCEEDED
        )
        pair.host_cursor = sync.host_cursor or pair.host_cursor
        pair.app_cursor = sync.app_cursor or pair.app_cursor
        pair.last_sync_at = started
        if sync.pushed:
            pair.last_push_at = timezone.now()
    except RateLimited as limited:
        run.status = SyncRun.Status.POSTPONED
        run.message = f"The app asked to wait {limited.retry_after:.0f} s: {limited.message}"
        pair.next_run_at = timezone.now() + dt.timedelta(seconds=limited.retry_after)
    except AppError as error:
        run.status = SyncRun.Status.FAILED
        run.message = f"The app refused the run: {error.message}"
    finally:
        if run.status != SyncRun.Status.POSTPONED:
            pair.next_run_at = timezone.now() + dt.timedelta(minutes=pair.interval)
        pair.lease_until = None
        pair.save(update_fields=["host_cursor", "app_cursor", "last_sync_at", "last_push_at",
                                 "next_run_at", "lease_until"])  # fmt: skip
        run.counts, run.finished_at = tally.counts, timezone.now()
        run.save(update_fields=["status", "counts", "message", "finished_at", "done", "total"])
    return run


class _Sync:
    def __init__(
        self,
        pair: SyncPair,
        run: SyncRun,
        host: WorkflowHost,
        client: AppClient,
        tally: Tally,
        full: bool,
    ) -> None:
        self.pair, self.run, self.host, self.tally, self.full = pair, run, host, tally, full
        self.app = client.resource(pair.app_resource)
        self.api = client.api
        self.resource = client.api.resources[pair.app_resource]
        self.host_app = records.host_app(pair.integration.topping)
        self.store = host.store()
        self.entries = entries(pair)
        self.host_cursor = ""
        self.app_cursor = ""
        self.pushed = False
        self.started = timezone.now()
        self.retry_host: set[str] = set()

    # ------------------------------------------------------------------ host side
    def _host(self, op: str, **fields: Any) -> Any:
        call = records.RecordCall(self.host_app, op, self.pair.host_module, **fields)
        return self.store.perform(call)

    def _host_records(self) -> Iterator[dict[str, Any]]:
        """The host records to look at: changed since the last run, or all of them."""
        module = self.pair.host_module
        if self._full_pass():
            yield from self._host_module_all(module)
            return
        changed = self._events(module, [Event.Operation.CREATE, Event.Operation.EDIT])
        yield from self._host_gets(module, [*changed, *sorted(self.retry_host)])

    def _host_gets(self, module: str, ids: list[str]) -> Iterator[dict[str, Any]]:
        """The host records with these ids that still exist, each read once."""
        for record_id in dict.fromkeys(ids):
            call = records.RecordCall(self.host_app, "get", module, record_id=record_id)
            found = self.store.perform(call).get("data") or []
            yield from found[:1]

    @staticmethod
    def _since(cursor: str) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(cursor) if cursor else None
        except ValueError:
            return None

    def _events(self, module: str, operations: list[str]) -> list[str]:
        """The ids of ``module``'s records with those changes since the last run."""
        since = self._since(self.pair.host_cursor)
        if since is None:
            return []
        found = Event.objects.filter(
            topping=self.pair.integration.topping,
            environment=self.pair.integration.environment,
            module=module,
            operation__in=operations,
            occurred_at__gt=since,
        ).values_list("record_id", flat=True)
        return list(dict.fromkeys(found))

    def _host_deletions(self) -> list[str]:
        """The deleted host records, and deleted children (``Contacts:<id>``)."""
        gone = self._events(self.pair.host_module, [Event.Operation.DELETE])
        module = self.pair.children.get("host_module") if self.pair.children else None
        if module:
            gone += [f"{module}:{i}" for i in self._events(module, [Event.Operation.DELETE])]
        return gone

    def _host_write(self, record_id: str | None, values: dict[str, Any]) -> str:
        op = "update" if record_id else "create"
        answer = self._host(op, record_id=record_id, data=values)
        row = (answer.get("data") or [{}])[0]
        if row.get("status") != "success":
            raise AppError(400, row.get("code"), f"the host refused it: {row.get('message')}")
        self.pushed = True
        return str(row.get("details", {}).get("id") or record_id)

    # ------------------------------------------------------------------- app side
    def _app_records(self) -> Iterator[dict[str, Any]]:
        """The app records modified since the last run, newest first where the app sorts."""
        modified = self.resource.modified_field
        since = self.pair.app_cursor if not self.full else ""
        since_filter = next(
            (f.param for f in self.resource.filters if f.match == "since" and modified in f.fields),
            None,
        )
        if since and since_filter:
            yield from self.app.list({since_filter: since}, per_page=PAGE)
            return
        if since and self.resource.sort_param and modified:
            order = {self.resource.sort_param: modified}
            if self.resource.sort_order_param:
                order[self.resource.sort_order_param] = "D"
            for record in self.app.list(order, per_page=PAGE):
                if str(record.get(modified) or "") < since:
                    return
                yield record
            return
        yield from self.app.list(per_page=PAGE)

    def _app_write(self, app_id: str | None, values: dict[str, Any]) -> dict[str, Any]:
        self.pushed = True
        return self.app.update(app_id, values) if app_id else self.app.create(values)

    # ------------------------------------------------------------------- the rules
    def _picklist_problem(self, values: dict[str, Any]) -> str:
        for name, value in values.items():
            spec = self.resource.fields.get(name)
            if spec is not None and spec.type == "picklist" and value and value not in spec.values:
                return (
                    f"the value {value!r} of {name} does not exist in the app "
                    f"({', '.join(spec.values)})"
                )
        return ""

    def _fail(self, direction: str, message: str, *, host_id: str = "", app_id: str = "",
              skipped: bool = False) -> None:  # fmt: skip
        SyncFailure.objects.create(pair=self.pair, run=self.run, direction=direction,
                                   host_id=host_id, app_id=app_id, message=message,
                                   skipped=skipped)  # fmt: skip
        self.tally.add("skipped" if skipped else "failed")

    def retry_failed(self) -> None:
        """Failures of earlier runs are tried again: their records count as changed."""
        self.retry_host = set(
            self.pair.failures.filter(resolved_at__isnull=True, direction="to_app")
            .exclude(host_id="")
            .values_list("host_id", flat=True)
        )
        self.pair.failures.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())

    def _resolve(
        self,
        host: dict[str, Any],
        app: dict[str, Any],
        synced: dict[str, Any],
        host_time: str,
        app_time: str,
    ) -> tuple[dict[str, Any], set[str], set[str]]:
        """The merged values, the keys to write to the app, and to the host."""
        host_changed, app_changed = _changed(host, synced), _changed(app, synced)
        merged = dict(synced)
        to_app: set[str] = set()
        to_host: set[str] = set()
        for key in set(host) | set(app):
            if key in host_changed and key in app_changed and host[key] != app[key]:
                self.tally.add("conflicts")
                rule = self.pair.conflicts
                if rule == SyncPair.Conflicts.LATEST:
                    host_won = moment(host_time) >= moment(app_time)
                    rule = SyncPair.Conflicts.HOST if host_won else SyncPair.Conflicts.APP
                winner_is_host = rule == SyncPair.Conflicts.HOST
                merged[key] = host[key] if winner_is_host else app[key]
                (to_app if winner_is_host else to_host).add(key)
            elif key in host_changed:
                merged[key] = host[key]
                to_app.add(key)
            elif key in app_changed:
                merged[key] = app[key]
                to_host.add(key)
            else:
                merged[key] = host.get(key, app.get(key))
        return merged, to_app, to_host

    def _values(self, merged: dict[str, Any], keys: set[str], side: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for entry in self.entries:
            if entry.key in keys and (entry.to_app() if side == "app" else entry.to_host()):
                out[entry.app if side == "app" else entry.host] = merged.get(entry.key)
        return out

    def _match(self, host_record: dict[str, Any]) -> dict[str, Any] | None:
        key, field_name = self.pair.match_host_field, self.pair.match_app_field
        value = host_record.get(key) if key else None
        if not value or not field_name:
            return None
        taken = set(self.pair.links.values_list("app_id", flat=True))
        for record in self.app.list({field_name: value}, per_page=PAGE):
            if str(record.get(self.resource.id_field)) not in taken:
                return record
        return None

    # ------------------------------------------------------------------ directions
    def _selected(self, record: dict[str, Any]) -> bool:
        """Whether a host record takes part: the pair's criteria, as rules state them."""
        if not self.pair.criteria:
            return True
        module = schema.get_module(self.pair.integration.topping, self.pair.host_module)
        if module is None:
            return False
        conditions = load_list(Condition, self.pair.criteria)
        pattern = default_pattern(len(conditions))
        return criteria.evaluate(module, conditions, pattern, record).matched

    def host_to_app(self) -> None:
        id_field = self.resource.id_field
        modified = self.resource.modified_field
        done: set[str] = set()
        for host_record in self._host_records():
            if not self._selected(host_record):
                continue
            host_id = str(host_record.get("id"))
            self.run.total += 1
            try:
                self._one_to_app(host_record, host_id, id_field, modified)
                done.add(host_id)
                if self.pair.children and not self._full_pass():
                    # A changed parent's children; a full pass reads them all in one go.
                    self._children_to_app(host_id)
            except RateLimited:
                raise
            except AppError as error:
                self._fail("to_app", error.message, host_id=host_id)
            finally:
                self._progress()
        if self.pair.children:
            self._changed_children(done)
        for host_id in self._host_deletions():
            link = self.pair.links.filter(host_id=host_id).first()
            if link is None:
                continue
            try:
                if ":" in link.app_id:  # a child: contacts/contactpersons/<id>
                    resource, _, child_id = link.app_id.partition(":")
                    self.app.client.resource(resource).delete(child_id)
                else:
                    self.app.delete(link.app_id)
            except AppError as error:
                if error.status != 404:
                    self._fail("to_app", error.message, host_id=host_id, app_id=link.app_id)
                    continue
            link.delete()
            self.pushed = True
            self.tally.add("deleted_app")
        self.host_cursor = self.started.isoformat()

    def _one_to_app(self, host_record: dict[str, Any], host_id: str, id_field: str,
                    modified: str) -> None:  # fmt: skip
        link = self.pair.links.filter(host_id=host_id).first()
        host = host_view(self.pair, host_record)
        if link is None:
            values = self._values(host, set(host), "app")
            problem = self._picklist_problem(values)
            if problem:
                self._fail("to_app", f"skipped: {problem}", host_id=host_id, skipped=True)
                return
            match = self._match(host_record)
            if match is not None and self.pair.duplicates == SyncPair.Duplicates.SKIP:
                self._fail(
                    "to_app",
                    "skipped: a matching app record exists (duplicates: Skip)",
                    host_id=host_id,
                    app_id=str(match.get(id_field)),
                    skipped=True,
                )
                return
            if match is not None and self.pair.duplicates == SyncPair.Duplicates.OVERWRITE:
                host_newer = moment(host_record.get("Modified_Time")) >= moment(match.get(modified))
                app_id = str(match[id_field])
                if host_newer:
                    written = self._app_write(app_id, values)
                    self.tally.add("updated_app")
                else:
                    written = match
                    self._host_write(host_id, self._values(app_view(self.pair, match),
                                                           set(host), "host"))  # fmt: skip
                    self.tally.add("updated_host")
                self._link(host_id, app_id, {**host, **app_view(self.pair, written)})
                return
            written = self._app_write(None, values)
            self.tally.add("created_app")
            self._link(host_id, str(written[id_field]), {**host, **app_view(self.pair, written)})
            return
        if not _changed(host, link.synced):
            self.tally.add("unchanged")
            return
        app_record = self.app.get(link.app_id)
        app = app_view(self.pair, app_record)
        merged, to_app, to_host = self._resolve(
            host, app, link.synced, str(host_record.get("Modified_Time") or ""),
            str(app_record.get(modified) or ""),
        )  # fmt: skip
        values = self._values(merged, to_app, "app")
        problem = self._picklist_problem(values)
        if problem:
            self._fail("to_app", f"skipped: {problem}", host_id=host_id, app_id=link.app_id,
                       skipped=True)  # fmt: skip
            return
        if values:
            self._app_write(link.app_id, values)
            self.tally.add("updated_app")
        back = self._values(merged, to_host, "host")
        if back:
            self._host_write(host_id, back)
            self.tally.add("updated_host")
        self._save_link(link, merged)

    def app_to_host(self) -> None:
        id_field, modified = self.resource.id_field, self.resource.modified_field
        newest = self.pair.app_cursor
        for app_record in self._app_records():
            app_id = str(app_record.get(id_field))
            newest = max(newest, str(app_record.get(modified) or ""))
            self.run.total += 1
            try:
                self._one_to_host(app_record, app_id)
            except RateLimited:
                raise
            except AppError as error:
                self._fail("to_host", error.message, app_id=app_id)
            finally:
                self._progress()
        self.app_cursor = newest

    def _one_to_host(self, app_record: dict[str, Any], app_id: str) -> None:
        link = self.pair.links.filter(app_id=app_id).first()
        app = app_view(self.pair, app_record)
        if (
            link is None
            and self.pair.links.filter(app_id=f"{self.pair.app_resource}:{app_id}").exists()
        ):
            self.tally.add("unchanged")  # an orphan child's own app record, not a parent
            return
        if link is None:
            values = self._values(app, set(app), "host")
            host_id = self._host_write(None, values)
            self.tally.add("created_host")
            written = (self._host("get", record_id=host_id).get("data") or [{}])[0]
            self._link(host_id, app_id, {**app, **host_view(self.pair, written)})
            return
        if not _changed(app, link.synced):
            self.tally.add("unchanged")
            return
        found = self._host("get", record_id=link.host_id).get("data") or []
        host_record = found[0] if found else {}
        merged, to_app, to_host = self._resolve(
            host_view(self.pair, host_record), app, link.synced,
            str(host_record.get("Modified_Time") or ""),
            str(app_record.get(self.resource.modified_field) or ""),
        )  # fmt: skip
        back = self._values(merged, to_host, "host")
        if back:
            self._host_write(link.host_id, back)
            self.tally.add("updated_host")
        values = self._values(merged, to_app, "app")
        if values:
            self._app_write(link.app_id, values)
            self.tally.add("updated_app")
        self._save_link(link, merged)

    def _progress(self) -> None:
        """Count a record; every 25 the run row is written, for the progress bar."""
        self.run.done += 1
        if self.run.done % 25 == 0:
            SyncRun.objects.filter(pk=self.run.pk).update(
                done=self.run.done, total=self.run.total, counts=self.tally.counts
            )

    # ------------------------------------------------------------------ children
    def _child_entries(self, key: str = "field_map") -> list[Entry]:
        return [_entry(e) for e in self.pair.children.get(key) or []]

    def _children_to_app(self, parent_host_id: str) -> None:
        """The host records hanging off a synced one become its app record's children
        (a company's contacts, its Books contact's contact persons)."""
        parent = self.pair.links.filter(host_id=parent_host_id).first()
        if parent is None:
            return
        spec = self.pair.children
        for child in self._children_of_module(parent_host_id):
            self._one_child(child, spec["app_resource"], self._child_entries(),
                            {spec["foreign_key"]: parent.app_id})  # fmt: skip

    def _children_of_module(self, parent_host_id: str) -> Iterator[dict[str, Any]]:
        module, lookup = self.pair.children["host_module"], self.pair.children["lookup"]
        call = records.RecordCall(self.host_app, "related", module, record_id=parent_host_id,
                                  parent_module=self.pair.host_module, per_page=PAGE)  # fmt: skip
        page = 1
        while True:
            call.page = page
            answer = self.store.perform(call)
            rows = answer.get("data") if isinstance(answer, dict) else None
            if not rows or (rows and rows[0].get("status") == "error"):
                return
            for row in rows:
                if _lookup_id(row.get(lookup)) == parent_host_id:
                    yield row
            if not (answer.get("info") or {}).get("more_records"):
                return
            page += 1

    def _one_child(self, child: dict[str, Any], app_resource: str, lines: list[Entry],
                   extra: dict[str, Any]) -> None:  # fmt: skip
        module = self.pair.children["host_module"]
        key = f"{module}:{child.get('id')}"
        view = {e.key: e.host_value(child) for e in lines if e.to_app()}
        link = self.pair.links.filter(host_id=key).first()
        if link is not None and not _changed(view, link.synced):
            self.tally.add("unchanged")
            return
        values = {e.app: view.get(e.key) for e in lines if e.to_app()}
        resource = self.app.client.resource(app_resource)
        id_field = self.api.resources[app_resource].id_field
        try:
            if link is None:
                written = resource.create({**values, **extra})
                self._link(key, f"{app_resource}:{written.get(id_field)}", view)
                self.tally.add("created_app")
            else:
                resource.update(link.app_id.partition(":")[2], values)
                self._save_link(link, view)
                self.tally.add("updated_app")
            self.pushed = True
        except RateLimited:
            raise
        except AppError as error:
            self._fail("to_app", error.message, host_id=key)

    def _changed_children(self, done: set[str]) -> None:
        """Children changed on their own (an edited contact) update their parent's app
        record's children; orphans become app records of their own when the pair says so."""
        spec = self.pair.children
        module, lookup = spec["host_module"], spec["lookup"]
        full = self._full_pass()
        for found in self._children_to_look_at(module, full):
            parent_id = _lookup_id(found.get(lookup))
            if parent_id:
                if full or parent_id not in done:
                    parent = self.pair.links.filter(host_id=parent_id).first()
                    if parent is not None:
                        self._one_child(found, spec["app_resource"], self._child_entries(),
                                        {spec["foreign_key"]: parent.app_id})  # fmt: skip
            elif spec.get("include_orphans"):
                self._one_child(found, self.pair.app_resource, self._child_entries("orphan_map"),
                                {})  # fmt: skip

    def _full_pass(self) -> bool:
        return self.full or self._since(self.pair.host_cursor) is None

    def _children_to_look_at(self, module: str, full: bool) -> Iterator[dict[str, Any]]:
        """Every child, a page at a time, on a full pass; else those changed since."""
        if full:
            yield from self._host_module_all(module)
            return
        yield from self._host_gets(
            module, self._events(module, [Event.Operation.CREATE, Event.Operation.EDIT])
        )

    def _host_module_all(self, module: str) -> Iterator[dict[str, Any]]:
        page = 1
        while True:
            call = records.RecordCall(self.host_app, "list", module, page=page, per_page=PAGE)
            answer = self.store.perform(call)
            yield from answer.get("data") or []
            if not (answer.get("info") or {}).get("more_records"):
                return
            page += 1

    # ------------------------------------------------------------------- the ID map
    def _link(self, host_id: str, app_id: str, synced: dict[str, Any]) -> None:
        with transaction.atomic():
            Link.objects.update_or_create(
                pair=self.pair, host_id=host_id,
                defaults={"app_id": app_id, "synced": synced, "synced_at": timezone.now()},
            )  # fmt: skip

    def _save_link(self, link: Link, merged: dict[str, Any]) -> None:
        link.synced, link.synced_at = merged, timezone.now()
        link.save(update_fields=["synced", "synced_at"])


def record_links(topping: Any, module: str, record_id: str) -> list[str]:
    """For ``sandbox.hooks.RECORD_LINKS``: the app records a sandbox record is synced with."""
    from django.utils.timesince import timesince

    found = (
        Link.objects.filter(
            pair__integration__topping=topping,
            pair__integration__environment="sandbox",
        )
        .filter(Q(pair__host_module=module, host_id=record_id) | Q(host_id=f"{module}:{record_id}"))
        .select_related("pair__integration__service", "pair")
    )
    texts = []
    for link in found:
        resource, _, app_id = link.app_id.rpartition(":")
        label = resource or link.pair.app_resource
        texts.append(
            f"{link.pair.integration.service.name} {label} {app_id}, "
            f"synced {timesince(link.synced_at)} ago"
        )
    return texts
