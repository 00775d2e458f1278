"""Module sync pages: the integrations of a topping, a pair's runs and failures, Sync Now."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from connections.models import Environment
from console.access import get_topping_for_admin, get_topping_for_user
from console.forms import apply_errors
from sync import services
from sync.models import Integration, SyncPair, SyncRun


class ActivateForm(forms.Form):
    connection = forms.ModelChoiceField(queryset=None, empty_label=None)
    environment = forms.ChoiceField(choices=Environment.choices, initial=Environment.SANDBOX)
    organization_id = forms.CharField(
        required=False,
        label="Organization ID",
        help_text="Empty: the first organization the app lists for the connection.",
    )

    def __init__(self, *args, topping, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["connection"].queryset = topping.connections.exclude(service__api="")


def _pair(user, namespace: str, pk: int) -> SyncPair:
    topping = get_topping_for_user(user, namespace)
    pair = SyncPair.objects.filter(integration__topping=topping, pk=pk).first()
    if pair is None:
        raise Http404("No such sync pair.")
    return pair


@login_required
@require_http_methods(["GET", "POST"])
def integrations(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    form = ActivateForm(request.POST or None, topping=topping)
    if request.method == "POST":
        topping = get_topping_for_admin(request.user, namespace)
        if form.is_valid():
            data = form.cleaned_data
            connection, environment = data["connection"], data["environment"]
            try:
                org = data["organization_id"].strip()
                if not org:
                    found = services.organizations(connection, environment)
                    org = str(found[0].get("organization_id", "")) if found else ""
                scope = {"organization_id": org} if org else {}
                services.activate(topping, connection, environment=environment, scope=scope,
                                  user=request.user)  # fmt: skip
            except services.AppError as error:
                form.add_error(None, f"{connection.service.name} refused: {error.message}")
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"{connection.service.name} sync activated.")
                return redirect("sync:integrations", namespace)
    context = {
        "topping": topping,
        "form": form,
        "integrations": Integration.objects.filter(topping=topping).prefetch_related("pairs"),
        "is_admin": topping.is_admin(request.user),
    }
    return render(request, "sync/integrations.html", context)


def _runs_context(pair: SyncPair, request: HttpRequest) -> dict:
    runs = list(pair.runs.all()[:20])
    queued = request.GET.get("queued", "")  # Sync Now's time: a run that has to come
    try:
        since = dt.datetime.fromisoformat(queued) if queued else None
    except ValueError:
        since = None
    waiting = since is not None and not any(
        r.finished_at is not None and r.started_at >= since for r in runs
    )
    return {
        "topping": pair.integration.topping,
        "pair": pair,
        "runs": runs,
        "queued": queued if waiting else "",
        # Running, or queued by Sync Now and not finished yet: the list polls itself.
        "running": waiting
        or pair.lease_until is not None
        or any(r.status == SyncRun.Status.RUNNING for r in runs),
    }


@login_required
@require_GET
def pair_runs(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    """The runs list alone, which the pair page polls while a run goes on."""
    pair = _pair(request.user, namespace, pk)
    return render(request, "sync/_runs.html", _runs_context(pair, request))


@login_required
@require_GET
def pair_detail(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    pair = _pair(request.user, namespace, pk)
    context = {
        **_runs_context(pair, request),
        "failures": pair.failures.filter(resolved_at__isnull=True)[:50],
        "links": pair.links.order_by("-synced_at")[:50],
        "link_count": pair.links.count(),
    }
    return render(request, "sync/pair.html", context)


@login_required
@require_POST
def pair_run(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    pair = _pair(request.user, namespace, pk)
    queued = timezone.now()
    services.sync_now(pair, user=request.user, full="full" in request.POST)
    messages.success(request, "Sync queued: the run appears below as it goes.")
    url = reverse("sync:pair", args=[namespace, pair.pk])
    return redirect(f"{url}?{urlencode({'queued': queued.isoformat()})}")


@login_required
@require_http_methods(["GET", "POST"])
def integration_delete(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    topping = get_topping_for_admin(request.user, namespace)
    integration = Integration.objects.filter(topping=topping, pk=pk).first()
    if integration is None:
        raise Http404("No such integration.")
    if request.method == "GET":
        context = {"topping": topping, "integration": integration}
        return render(request, "sync/integration_confirm.html", context)
    counts = services.delete_integration(integration, user=request.user)
    messages.success(
        request,
        f"Deleted the {integration.service.name} sync: {counts['pairs']} pairs, "
        f"{counts['links']} linked records, {counts['runs']} runs.",
    )
    return redirect("sync:integrations", namespace)
