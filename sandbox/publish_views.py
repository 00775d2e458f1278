"""Publishing pages: what a version would hold and what blocks it, versions, republishing.

Every member sees these pages; only the topping's Administrators publish or republish.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from connections.models import Credential
from connections.services.send import ConnectionUnusable, resolve
from console.access import get_part_or_404, get_topping_for_admin, get_topping_for_user
from console.models import Topping
from sandbox import publishing
from sandbox.models import SandboxSettings, Version


@dataclass(frozen=True)
class ConnectionRow:
    link_name: str
    status: str  # "connected", "not_connected" or "missing"
    url: str


def _connection_rows(topping: Topping, links: list[str]) -> list[ConnectionRow]:
    rows = []
    for link in links:
        try:
            connection = resolve(link, topping=topping)
        except ConnectionUnusable:
            url = reverse("connections:catalog", args=[topping.namespace])
            rows.append(ConnectionRow(link, "missing", url))
            continue
        connected = connection.credentials.filter(status=Credential.Status.CONNECTED).exists()
        status = "connected" if connected else "not_connected"
        rows.append(ConnectionRow(link, status, connection.get_absolute_url()))
    return rows


def _publish_context(topping: Topping, user, notes: str = "", errors: dict | None = None) -> dict:
    parts = publishing.components(topping)
    connections = _connection_rows(topping, parts["connections"])
    # Where to fix each problem, keyed like Problem.component.
    fixes = {f"Function {f.name}": f.get_absolute_url() for f in parts["functions"]}
    fixes |= {f"Connection {row.link_name}": row.url for row in connections}
    fixes["Topping"] = reverse("workflows:function_create", args=[topping.namespace])
    problems = [(p, fixes.get(p.component)) for p in publishing.problems(topping)]
    return {
        "topping": topping,
        "functions": parts["functions"],
        "rules": parts["rules"],
        "connections": connections,
        "problems": problems,
        "notes": notes,
        "notes_errors": (errors or {}).get("notes", []),
        "other_errors": (errors or {}).get("__all__", []),
        "current": publishing.current_version(topping),
        "can_publish": topping.is_admin(user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, namespace: str) -> HttpResponse:
    if request.method == "GET":
        topping = get_topping_for_user(request.user, namespace)
        return render(request, "sandbox/publish.html", _publish_context(topping, request.user))
    topping = get_topping_for_admin(request.user, namespace)
    notes = request.POST.get("notes", "")
    try:
        version = publishing.publish(topping, notes=notes, user=request.user)
    except ValidationError as error:
        context = _publish_context(topping, request.user, notes, error.message_dict)
        return render(request, "sandbox/publish.html", context)
    messages.success(request, f"Version {version.number} published: production runs it now.")
    return redirect("sandbox:versions", namespace)


@login_required
@require_GET
def versions(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    settings = SandboxSettings.objects.filter(topping=topping).first()
    context = {
        "topping": topping,
        "versions": topping.versions.select_related("author"),
        "install_function": settings.install_function if settings else "",
        "can_publish": topping.is_admin(request.user),
    }
    return render(request, "sandbox/versions.html", context)


def _get_version_for_admin(user, namespace: str, number: int) -> Version:
    topping = get_topping_for_admin(user, namespace)
    return get_part_or_404(topping, "versions", "version", number=number)


@login_required
@require_POST
def version_republish(request: HttpRequest, namespace: str, number: int) -> HttpResponse:
    version = _get_version_for_admin(request.user, namespace, number)
    publishing.make_current(version, user=request.user)
    messages.success(request, f"Version {version.number} is current: production runs it now.")
    return redirect("sandbox:versions", namespace)
