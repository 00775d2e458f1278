""" "Test your topping": the sandbox's records per module, their traces, reset, custom fields.

A change made here goes through the store (which fires the draft rules). With htmx the
page swaps only its workspace (records, form and the new event's trace), and the trace
polls until every execution of the event has finished; without JavaScript each change
redirects to the page with the trace of its event.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from console.access import get_topping_for_user
from console.models import Topping
from sandbox import services, store
from sandbox.forms import CustomFieldForm, RecordForm, SearchForm
from sandbox.models import SandboxRecord
from workflows import hooks as workflow_hooks
from workflows import schema
from workflows.models import Environment, Event

RECORDS_PER_PAGE = 25
RECENT_EVENTS = 10


def _module_for(topping: Topping, name: str) -> schema.Module:
    module = schema.get_module(topping, name)
    if module is None:
        raise Http404("No such module.")
    return module


def _record_for(topping: Topping, module: schema.Module, record_id: str) -> SandboxRecord:
    record = SandboxRecord.objects.filter(
        topping=topping, module=module.api_name, record_id=record_id
    ).first()
    if record is None:
        raise Http404("No such record.")
    return record


def _sandbox_event(topping: Topping, event_id: str | int | None) -> Event | None:
    if not str(event_id or "").isdigit():
        return None
    return Event.objects.filter(
        topping=topping, environment=Environment.SANDBOX, pk=event_id
    ).first()


def _matching(records, text: str) -> list[SandboxRecord]:
    """Records with ``text`` in any of their text values (case-insensitive)."""
    word = text.strip()
    return [r for r in records if store.has_word(r.data, word)] if word else list(records)


LIST_TYPES = ("email", "phone", "picklist", "decimal", "number", "url", "date")


def _columns(module: schema.Module) -> list[dict]:
    """The list's columns: the module's display field and three telling ones."""
    display = module.field(module.display_field)
    others = [f for f in module.fields if f["type"] in LIST_TYPES]
    return ([display] if display else []) + others[:3]


def _shown(value):
    return value.get("name") or value.get("id") if isinstance(value, dict) else value


def _page_links(topping: Topping, module: schema.Module, text: str, page) -> dict:
    base = reverse("sandbox:records", args=[topping.namespace, module.api_name])

    def link(number: int) -> str:
        return f"{base}?{urlencode({'q': text, 'page': number} if text else {'page': number})}"

    return {
        "previous_url": link(page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(page.next_page_number()) if page.has_next() else "",
    }


def _workspace(
    request: HttpRequest,
    topping: Topping,
    module: schema.Module,
    *,
    form: RecordForm | None = None,
    record: SandboxRecord | None = None,
    event: Event | None = None,
) -> HttpResponse:
    """The page (or, for htmx, its workspace): records, the record form and a trace."""
    search = SearchForm(request.GET)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    rows = SandboxRecord.objects.filter(topping=topping, module=module.api_name)
    page = Paginator(_matching(rows, text), RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    columns = _columns(module)
    event = event or _sandbox_event(topping, request.GET.get("event"))
    context = {
        "topping": topping,
        "module": module,
        "modules": schema.module_names(),
        "search": search,
        "query": text,
        "page": page,
        "columns": columns,
        "rows": [
            {"record": r, "values": [_shown(r.data.get(c["api_name"])) for c in columns]}
            for r in page.object_list
        ],
        "form": form or RecordForm(module=module),
        "record": record,
        "record_links": [
            text
            for finder in workflow_hooks.RECORD_LINKS
            for text in (finder(topping, module.api_name, record.record_id) if record else [])
        ],
        "event": event,
        "recent": Event.objects.filter(topping=topping, environment=Environment.SANDBOX).order_by(
            "-occurred_at", "-pk"
        )[:RECENT_EVENTS],
    }
    context.update(_page_links(topping, module, text, page))
    if event is not None:
        context.update(trace_context(topping, event))
    template = "sandbox/_workspace.html" if request.htmx else "sandbox/home.html"
    return render(request, template, context)


def _after_change(
    request: HttpRequest, topping: Topping, module: schema.Module, event: Event | None
) -> HttpResponse:
    if request.htmx:
        return _workspace(request, topping, module, event=event)
    url = reverse("sandbox:records", args=[topping.namespace, module.api_name])
    return redirect(f"{url}?event={event.pk}#trace" if event else url)


def _last_event(topping: Topping, module: schema.Module, record_id: str) -> Event | None:
    return (
        Event.objects.filter(
            topping=topping,
            environment=Environment.SANDBOX,
            module=module.api_name,
            record_id=record_id,
        )
        .order_by("-pk")
        .first()
    )


@login_required
@require_GET
def home(request: HttpRequest, namespace: str, module: str = "Contacts") -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    return _workspace(request, topping, _module_for(topping, module))


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request: HttpRequest, namespace: str, module: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    schema_module = _module_for(topping, module)
    form = RecordForm(request.POST if request.method == "POST" else None, module=schema_module)
    if request.method == "POST" and form.is_valid():
        try:
            created = store.create_record(
                topping, schema_module.api_name, form.changes(), user=request.user
            )
        except schema.RecordError as error:
            form.apply_errors(error)
        else:
            return _after_change(request, topping, schema_module, created.event)
    return _workspace(request, topping, schema_module, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, namespace: str, module: str, record_id: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    schema_module = _module_for(topping, module)
    record = _record_for(topping, schema_module, record_id)
    form = RecordForm(
        request.POST if request.method == "POST" else None, module=schema_module, record=record.data
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, "Nothing changed: no event.")
            return _after_change(request, topping, schema_module, None)
        try:
            store.update_record(
                topping, schema_module.api_name, record_id, changes, user=request.user
            )
        except schema.RecordError as error:
            form.apply_errors(error)
        else:
            event = _last_event(topping, schema_module, record_id)
            return _after_change(request, topping, schema_module, event)
    return _workspace(request, topping, schema_module, form=form, record=record)


@login_required
@require_POST
def record_delete(
    request: HttpRequest, namespace: str, module: str, record_id: str
) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    schema_module = _module_for(topping, module)
    _record_for(topping, schema_module, record_id)
    store.delete_record(topping, schema_module.api_name, record_id, user=request.user)
    event = _last_event(topping, schema_module, record_id)
    return _after_change(request, topping, schema_module, event)


@login_required
@require_GET
def trace(request: HttpRequest, namespace: str, event_id: int) -> HttpResponse:
    """The trace of one sandbox event; it polls itself while work is pending."""
    topping = get_topping_for_user(request.user, namespace)
    event = _sandbox_event(topping, event_id)
    if event is None:
        raise Http404("No such event.")
    return render(request, "sandbox/_trace.html", trace_context(topping, event))


def trace_context(topping: Topping, event: Event) -> dict:
    executions = list(event.executions.select_related("rule", "function").order_by("pk"))
    now = timezone.now()
    # Scheduled actions (due later) do not keep the panel polling: they are shown as such.
    pending = event.dispatched_at is None or any(
        not e.finished and e.due_at <= now for e in executions
    )
    return {
        "topping": topping,
        "event": event,
        "executions": executions,
        "pending": pending,
        "now": now,
    }


@login_required
@require_POST
def reset(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    counts = services.reset_sandbox(topping, user=request.user)
    messages.success(
        request,
        f"Sandbox reset (records: {counts['records']}, emulated app records: "
        f"{counts['app_records']}, collection items: {counts['items']}, "
        f"runs: {counts['executions']}).",
    )
    return redirect("sandbox:home", namespace)


# ------------------------------------------------------------------------------ custom fields


@login_required
@require_http_methods(["GET", "POST"])
def fields(request: HttpRequest, namespace: str, module: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    schema_module = _module_for(topping, module)
    form = CustomFieldForm(
        request.POST if request.method == "POST" else None,
        topping=topping,
        module=schema_module.api_name,
    )
    if request.method == "POST" and form.is_valid():
        field = services.save_part(form.instance, user=request.user)
        messages.success(request, f"Field “{field.label}” ({field.api_name}) added.")
        return redirect("sandbox:fields", namespace, schema_module.api_name)
    context = {
        "topping": topping,
        "module": schema_module,
        "custom": topping.module_fields.filter(module=schema_module.api_name),
        "form": form,
    }
    return render(request, "sandbox/fields.html", context)


@login_required
@require_POST
def field_delete(request: HttpRequest, namespace: str, module: str, pk: int) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    field = topping.module_fields.filter(module=module, pk=pk).first()
    if field is None:
        raise Http404("No such field.")
    services.delete_part(field, user=request.user)
    messages.success(request, f"Field “{field.label}” deleted; records keep their values.")
    return redirect("sandbox:fields", namespace, module)
