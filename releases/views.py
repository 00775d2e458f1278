"""Publishing pages: what a version would hold and what blocks it, versions, republishing,
and the release settings.

Every member sees these pages and changes the release settings (a version takes them when
it is published); only the topping's Administrators publish or republish.
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

from console.access import get_part_or_404, get_topping_for_admin, get_topping_for_user
from console.models import Topping
from releases import services
from releases.forms import ReleaseSettingsForm
from releases.models import ReleaseSettings, Version


@dataclass(frozen=True)
class ConnectionRow:
    link_name: str
    status: str  # "connected", "not_connected" or "missing"
    url: str


def _connection_rows(topping: Topping, links: list[str]) -> list[ConnectionRow]:
    catalog = reverse("connections:catalog", args=[topping.namespace])
    return [
        ConnectionRow(
            state.link_name,
            state.status,
            state.connection.get_absolute_url() if state.connection else catalog,
        )
        for state in services.connection_states(topping, links)
    ]


def _publish_context(topping: Topping, user, notes: str = "", errors: dict | None = None) -> dict:
    parts = services.components(topping)
    connections = _connection_rows(topping, parts.connections)
    # Where to fix each problem, keyed like Problem.component.
    fixes = {f"Function {f.name}": f.get_absolute_url() for f in parts.functions}
    fixes |= {f"Connection {row.link_name}": row.url for row in connections}
    fixes["Topping"] = reverse("workflows:function_create", args=[topping.namespace])
    problems = [(p, fixes.get(p.component)) for p in services.problems(topping)]
    return {
        "topping": topping,
        "functions": parts.functions,
        "rules": parts.rules,
        "connections": connections,
        "problems": problems,
        "notes": notes,
        "notes_errors": (errors or {}).get("notes", []),
        "other_errors": (errors or {}).get("__all__", []),
        "current": services.current_version(topping),
        "can_publish": topping.is_admin(user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, namespace: str) -> HttpResponse:
    if request.method == "GET":
        topping = get_topping_for_user(request.user, namespace)
        return render(request, "releases/publish.html", _publish_context(topping, request.user))
    topping = get_topping_for_admin(request.user, namespace)
    notes = request.POST.get("notes", "")
    try:
        version = services.publish(topping, notes=notes, user=request.user)
    except ValidationError as error:
        context = _publish_context(topping, request.user, notes, error.message_dict)
        return render(request, "releases/publish.html", context)
    messages.success(request, f"Version {version.number} published: production runs it now.")
    return redirect("releases:versions", namespace)


def _versions_page(
    request: HttpRequest, topping: Topping, settings_form: ReleaseSettingsForm
) -> HttpResponse:
    context = {
        "topping": topping,
        "versions": topping.versions.select_related("author"),
        "install_function": ReleaseSettings.of(topping).install_function,
        "settings_form": settings_form,
        "can_publish": topping.is_admin(request.user),
    }
    return render(request, "releases/versions.html", context)


@login_required
@require_GET
def versions(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    form = ReleaseSettingsForm(instance=ReleaseSettings.of(topping))
    return _versions_page(request, topping, form)


@login_required
@require_POST
def settings(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    form = ReleaseSettingsForm(request.POST, instance=ReleaseSettings.of(topping))
    if not form.is_valid():
        return _versions_page(request, topping, form)
    services.update_settings(form.instance, user=request.user)
    messages.success(request, "Release settings saved.")
    return redirect("releases:versions", namespace)


def _get_version_for_admin(user, namespace: str, number: int) -> Version:
    topping = get_topping_for_admin(user, namespace)
    return get_part_or_404(topping, "versions", "version", number=number)


@login_required
@require_POST
def version_republish(request: HttpRequest, namespace: str, number: int) -> HttpResponse:
    version = _get_version_for_admin(request.user, namespace, number)
    services.make_current(version, user=request.user)
    messages.success(request, f"Version {version.number} is current: production runs it now.")
    return redirect("releases:versions", namespace)
