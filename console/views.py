from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from console import access, apikeys, panels, services
from console.forms import AddMemberForm, RoleForm, ToppingForm, apply_errors
from console.models import Topping


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("console:topping_list")
    return redirect("account_login")


@login_required
@require_GET
def topping_list(request: HttpRequest) -> HttpResponse:
    toppings = Topping.objects.for_user(request.user).prefetch_related("memberships")
    return render(request, "console/topping_list.html", {"toppings": toppings})


@login_required
@require_http_methods(["GET", "POST"])
def topping_create(request: HttpRequest) -> HttpResponse:
    form = ToppingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topping = services.create_topping(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                user=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Topping created with namespace “{topping.namespace}”.")
            return redirect(topping)
    return render(request, "console/topping_form.html", {"form": form})


@login_required
@require_GET
def topping_dashboard(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = access.get_topping_for_user(request.user, namespace)
    context = {
        "topping": topping,
        "role": topping.role_of(request.user),
        "recent": topping.audit_entries.select_related("actor")[:8],
        "panels": panels.render_panels(request, topping),
    }
    return render(request, "console/topping_dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def topping_settings(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = access.get_topping_for_admin(request.user, namespace)
    form = ToppingForm(request.POST or None, instance=topping)
    if request.method == "POST" and form.is_valid():
        services.update_topping(
            topping,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            user=request.user,
        )
        messages.success(request, "Settings saved.")
        return redirect(topping)
    return render(request, "console/topping_settings.html", {"topping": topping, "form": form})


def _members_context(request: HttpRequest, topping: Topping, form=None) -> dict:
    return {
        "topping": topping,
        "is_admin": topping.is_admin(request.user),
        "memberships": topping.memberships.select_related("user"),
        "form": form or AddMemberForm(),
        "roles": RoleForm.base_fields["role"].choices,
    }


def _render_members(request: HttpRequest, topping: Topping, form=None) -> HttpResponse:
    # htmx posts swap only the member table; a plain request gets the whole page.
    template = "console/_members.html" if request.htmx else "console/members.html"
    return render(request, template, _members_context(request, topping, form))


@login_required
@require_GET
def members(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = access.get_topping_for_user(request.user, namespace)
    return render(request, "console/members.html", _members_context(request, topping))


@login_required
@require_POST
def member_add(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = access.get_topping_for_admin(request.user, namespace)
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            services.add_member(topping, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['email']} added.")
            form = None
    return _render_members(request, topping, form)


@login_required
@require_POST
def member_role(request: HttpRequest, namespace: str, membership_id: int) -> HttpResponse:
    membership = access.get_membership_for_admin(request.user, namespace, membership_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_role(membership, role=form.cleaned_data["role"], user=request.user)
            messages.success(
                request, f"{membership.user.email} is now {membership.get_role_display()}."
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return _render_members(request, membership.topping)


@login_required
@require_POST
def member_remove(request: HttpRequest, namespace: str, membership_id: int) -> HttpResponse:
    membership = access.get_membership_for_admin(request.user, namespace, membership_id)
    try:
        services.remove_member(membership, user=request.user)
        messages.success(request, f"{membership.user.email} removed.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _render_members(request, membership.topping)


@login_required
@require_GET
def activity(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = access.get_topping_for_user(request.user, namespace)
    entries = topping.audit_entries.select_related("actor")[:200]
    return render(request, "console/activity.html", {"topping": topping, "entries": entries})


@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest, namespace: str) -> HttpResponse:
    """List keys; Administrators create one (its value is shown once) or revoke one."""
    topping = access.get_topping_for_user(request.user, namespace)
    new_key = None
    if request.method == "POST":
        topping = access.get_topping_for_admin(request.user, namespace)
        if "revoke" in request.POST:
            key = topping.api_keys.filter(pk=request.POST.get("revoke")).first()
            if key is not None:
                apikeys.revoke_api_key(key, user=request.user)
                messages.success(request, f"Key {key.prefix}… revoked.")
        else:
            name = request.POST.get("name", "").strip()[:100] or "API key"
            _, new_key = apikeys.create_api_key(topping, name=name, user=request.user)
    context = {
        "topping": topping,
        "keys": topping.api_keys.all(),
        "new_key": new_key,
        "is_admin": topping.is_admin(request.user),
    }
    return render(request, "console/api_keys.html", context)
