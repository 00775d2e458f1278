"""The sandbox's stubs page: canned stubs, emulated collections and the sandbox settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from console.access import get_part_or_404, get_topping_for_user
from sandbox import services
from sandbox.forms import CollectionForm, SettingsForm, StubForm
from sandbox.models import EmulatedCollection, SandboxSettings, Stub


def _stub_for(user, namespace: str, pk: int) -> Stub:
    return get_part_or_404(get_topping_for_user(user, namespace), "stubs", "stub", pk=pk)


def _collection_for(user, namespace: str, pk: int) -> EmulatedCollection:
    topping = get_topping_for_user(user, namespace)
    return get_part_or_404(topping, "collections", "collection", pk=pk)


def _stubs_page(request: HttpRequest, topping, settings_form: SettingsForm) -> HttpResponse:
    context = {
        "topping": topping,
        "stubs": topping.stubs.all(),
        "collections": topping.collections.annotate(item_count=Count("items")),
        "settings_form": settings_form,
    }
    return render(request, "sandbox/stubs.html", context)


@login_required
@require_GET
def stubs(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    return _stubs_page(request, topping, SettingsForm(instance=SandboxSettings.of(topping)))


@login_required
@require_POST
def settings(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    form = SettingsForm(request.POST, instance=SandboxSettings.of(topping))
    if not form.is_valid():
        return _stubs_page(request, topping, form)
    services.update_settings(form.instance, user=request.user)
    messages.success(request, "Sandbox settings saved.")
    return redirect("sandbox:stubs", namespace)


# ------------------------------------------------------------------------------ canned stubs


def _stub_page(request: HttpRequest, stub: Stub) -> HttpResponse:
    topping = stub.topping
    data = request.POST if request.method == "POST" else None
    form = StubForm(data, instance=stub, topping=topping)
    if data is not None and form.is_valid():
        stub = services.save_part(form.instance, user=request.user)
        messages.success(request, f"Stub {stub} saved.")
        return redirect("sandbox:stubs", topping.namespace)
    return render(
        request, "sandbox/stub_form.html", {"topping": topping, "stub": stub, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def stub_new(request: HttpRequest, namespace: str) -> HttpResponse:
    return _stub_page(request, Stub(topping=get_topping_for_user(request.user, namespace)))


@login_required
@require_http_methods(["GET", "POST"])
def stub_edit(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    return _stub_page(request, _stub_for(request.user, namespace, pk))


@login_required
@require_POST
def stub_delete(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    stub = _stub_for(request.user, namespace, pk)
    services.delete_part(stub, user=request.user)
    messages.success(request, "Stub deleted.")
    return redirect("sandbox:stubs", namespace)


# ------------------------------------------------------------------------------ collections


def _collection_page(request: HttpRequest, collection: EmulatedCollection) -> HttpResponse:
    topping = collection.topping
    data = request.POST if request.method == "POST" else None
    form = CollectionForm(data, instance=collection, topping=topping)
    if data is not None and form.is_valid():
        collection = services.save_part(form.instance, user=request.user)
        messages.success(request, f"Collection “{collection.name}” saved.")
        return redirect("sandbox:collection", topping.namespace, collection.pk)
    context = {"topping": topping, "collection": collection, "form": form}
    return render(request, "sandbox/collection_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def collection_new(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    return _collection_page(request, EmulatedCollection(topping=topping))


@login_required
@require_http_methods(["GET", "POST"])
def collection_edit(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    return _collection_page(request, _collection_for(request.user, namespace, pk))


@login_required
@require_GET
def collection(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    """A collection's settings and the items it holds now."""
    found = _collection_for(request.user, namespace, pk)
    context = {"topping": found.topping, "collection": found, "items": found.items.all()}
    return render(request, "sandbox/collection_detail.html", context)


@login_required
@require_POST
def collection_delete(request: HttpRequest, namespace: str, pk: int) -> HttpResponse:
    found = _collection_for(request.user, namespace, pk)
    services.delete_part(found, user=request.user)
    messages.success(request, f"Collection “{found.name}” deleted with its items.")
    return redirect("sandbox:stubs", namespace)
