"""The sandbox's emulated apps: browse their records and calls, reset, seed; and the
emulated consent page that authorizes a connection for the sandbox without a client ID."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from connections.access import get_connection_for_user
from connections.models import Service
from console.access import get_topping_for_user
from sandbox import services
from sandbox.emulation import apps
from sandbox.models import AppCall, AppRecord

SEED_MAX_BYTES = 2_000_000
RECORDS_SHOWN = 50
CALLS_SHOWN = 30


def _service(key: str) -> Service:
    for service in apps.described_services():
        if service.key == key:
            return service
    raise Http404("No emulated app by that name.")


@login_required
@require_GET
def app_list(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    counts = dict(
        AppRecord.objects.filter(topping=topping)
        .values_list("service__key")
        .annotate(n=Count("pk"))
        .values_list("service__key", "n")
    )
    rows = [(s, counts.get(s.key, 0)) for s in apps.described_services()]
    return render(request, "sandbox/apps.html", {"topping": topping, "rows": rows})


@login_required
@require_GET
def app_detail(request: HttpRequest, namespace: str, service_key: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    service = _service(service_key)
    api = apps.description(service)
    chosen = request.GET.get("resource") or next(iter(api.resources), "")
    if chosen not in api.resources:
        raise Http404("No such resource.")
    records = AppRecord.objects.filter(topping=topping, service=service)
    counts = dict(
        records.values_list("resource").annotate(n=Count("pk")).values_list("resource", "n")
    )
    resource = api.resources[chosen]
    shown = records.filter(resource=chosen).order_by("-pk")[:RECORDS_SHOWN]
    calls = AppCall.objects.filter(topping=topping, service=service)
    context = {
        "topping": topping,
        "service": service,
        "api": api,
        "resources": [(r, counts.get(r.name, 0)) for r in api.resources.values()],
        "resource": resource,
        "records": [
            {"id": row.record_id, "json": json.dumps(row.data, indent=2, ensure_ascii=False)}
            for row in shown
        ],
        "calls": calls.filter(resource=chosen)[:CALLS_SHOWN] if chosen else calls[:CALLS_SHOWN],
        "base_urls": apps.base_urls(service),
        "connections": topping.connections.filter(service=service),
    }
    return render(request, "sandbox/app_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def app_reset(request: HttpRequest, namespace: str, service_key: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    service = _service(service_key)
    if request.method == "GET":
        return render(request, "sandbox/app_confirm.html", {"topping": topping, "service": service})
    removed = services.reset_app(topping, service, user=request.user)
    messages.success(request, f"The emulated {service.name} is empty again ({removed} records).")
    return redirect("sandbox:app", namespace, service.key)


@login_required
@require_POST
def app_seed(request: HttpRequest, namespace: str, service_key: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    service = _service(service_key)
    upload = request.FILES.get("seed")
    if upload is None:
        messages.error(request, "Choose a JSON file to seed from.")
    elif upload.size > SEED_MAX_BYTES:
        messages.error(request, f"The seed file is larger than {SEED_MAX_BYTES // 1_000_000} MB.")
    else:
        try:
            text = upload.read().decode("utf-8")
            count = services.seed_app(topping, service, text, user=request.user)
        except UnicodeDecodeError:
            messages.error(request, "The seed file is not UTF-8 text.")
        except ValueError as error:
            messages.error(request, f"Nothing was seeded: {error}")
        else:
            messages.success(request, f"Seeded {count} records into the emulated {service.name}.")
    return redirect("sandbox:app", namespace, service.key)


@login_required
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest, namespace: str, link_name: str) -> HttpResponse:
    """The emulated app's consent page for a connection's sandbox authorization."""
    connection = get_connection_for_user(request.user, namespace, link_name)
    if not connection.service.api or connection.service.is_custom:
        raise Http404("This service has no emulated app.")
    if request.method == "POST":
        services.authorize_emulated(connection, user=request.user)
        messages.success(
            request, f"“{connection.name}” is connected in the sandbox, to the emulated "
            f"{connection.service.name}.",
        )  # fmt: skip
        return redirect(connection)
    context = {"topping": connection.topping, "connection": connection}
    return render(request, "sandbox/emulated_authorize.html", context)


def sandbox_authorization_url(connection) -> str | None:
    """For ``connections.hooks.SANDBOX_AUTHORIZATION``: where a described service's sandbox
    authorization happens (its emulated consent page); None for the others."""
    from django.urls import reverse

    if not connection.service.api or connection.service.is_custom:
        return None  # only catalog services are emulated in the sandbox
    return reverse(
        "sandbox:emulated_authorize", args=[connection.topping.namespace, connection.link_name]
    )
