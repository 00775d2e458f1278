from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from connections import access, hooks
from connections.forms import (
    ConnectionForm,
    CredentialValuesForm,
    CustomServiceForm,
    DiscoverForm,
    EditConnectionForm,
    SelfClientForm,
)
from connections.models import AuthType, Connection, Environment, GrantType, Service
from connections.services import discovery, flows, manage, oauth1, samples, selfclient, verify
from connections.services.credentials import environment_name
from connections.services.tokens import TokenError
from console.access import get_topping_for_user
from console.forms import apply_errors


def _handles_secrets(view):
    """Hide the view's POST fields, and every frame from the view down, in error reports."""
    return sensitive_post_parameters()(sensitive_variables()(view))


def _callback_uri(request: HttpRequest, route: str = "connections:oauth_callback") -> str:
    return request.build_absolute_uri(reverse(route))


def _environment(request: HttpRequest) -> str:
    """The environment a connect or revoke is for: ``?environment=``, production if absent."""
    try:
        return environment_name(request.GET.get("environment") or Environment.PRODUCTION)
    except ValueError:
        raise Http404("There is no such environment.") from None


def _in_environment(url: str, environment: str) -> str:
    return f"{url}?environment={environment}"


def _session_key(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


@login_required
@require_GET
def connection_list(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    rows = [
        (c, c.status_for(request.user, Environment.SANDBOX), c.status_for(request.user))
        for c in topping.connections.select_related("service").prefetch_related("credentials")
    ]
    return render(request, "connections/list.html", {"topping": topping, "rows": rows})


@login_required
@require_GET
def service_catalog(request: HttpRequest, namespace: str) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    query, category = request.GET.get("q", "").strip(), request.GET.get("category", "")
    services = Service.objects.default()
    if query:
        services = services.filter(Q(name__icontains=query) | Q(key__icontains=query))
    if category:
        services = services.filter(category=category)
    context = {
        "topping": topping,
        "services": services,
        "categories": Service.objects.default()
        .values_list("category", flat=True)
        .distinct()
        .order_by("category"),
        "query": query,
        "category": category,
        "custom_services": topping.custom_services.all(),
    }
    template = "connections/_catalog_results.html" if request.htmx else "connections/catalog.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
@_handles_secrets
def connection_create(request: HttpRequest, namespace: str, service_key: str) -> HttpResponse:
    service = access.get_service_for_user(request.user, namespace, service_key)
    topping = get_topping_for_user(request.user, namespace)
    initial = {"name": service.name, "link_name": manage.suggest_link_name(topping, service.name)}
    form = ConnectionForm(request.POST or None, service=service, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            connection = manage.create_connection(
                topping,
                service,
                name=data["name"],
                link_name=data["link_name"],
                scopes=data.get("scopes", []),
                user_level=data["user_level"],
                url_values=form.url_values(),
                client_id=data.get("client_id", ""),
                client_secret=data.get("client_secret", ""),
                data_centre=data.get("data_centre", ""),
                user=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Connection “{connection.link_name}” created.")
            if "connect" in request.POST:
                return _connect(request, connection, Environment.SANDBOX)
            return redirect(connection)
    context = {"topping": topping, "service": service, "form": form}
    return render(request, "connections/create.html", context)


def _connect(request: HttpRequest, connection: Connection, environment: str) -> HttpResponse:
    service = connection.service
    if environment == Environment.SANDBOX:
        for where in hooks.SANDBOX_AUTHORIZATION:
            url = where(connection)
            if url:
                return redirect(url)
    if service.auth_type == AuthType.OAUTH2 and service.grant_type == GrantType.CLIENT_CREDENTIALS:
        try:
            manage.connect_client_credentials(
                connection, user=request.user, environment=environment
            )
            messages.success(request, f"Connected in the {environment}.")
        except TokenError as error:
            messages.error(request, error.message)
        return redirect(connection)
    if service.auth_type in (AuthType.OAUTH2, AuthType.OAUTH1):
        start, callback = flows.start, _callback_uri(request)
        if service.auth_type == AuthType.OAUTH1:
            start, callback = oauth1.start, _callback_uri(request, "connections:oauth1_callback")
        try:
            url = start(
                connection,
                user=request.user,
                session_key=_session_key(request),
                redirect_uri=callback,
                environment=environment,
            )
        except flows.FlowError as error:
            messages.error(request, error.message)
            return redirect(connection)
        return redirect(url)
    url = reverse(
        "connections:credentials", args=[connection.topping.namespace, connection.link_name]
    )
    return redirect(_in_environment(url, environment))


@login_required
@require_POST
@_handles_secrets
def connection_connect(request: HttpRequest, namespace: str, link_name: str) -> HttpResponse:
    connection = access.get_connection_for_user(request.user, namespace, link_name)
    return _connect(request, connection, _environment(request))


@login_required
@require_http_methods(["GET", "POST"])
@_handles_secrets
def connection_credentials(request: HttpRequest, namespace: str, link_name: str) -> HttpResponse:
    connection = access.get_connection_for_user(request.user, namespace, link_name)
    environment = _environment(request)
    form = CredentialValuesForm(request.POST or None, service=connection.service)
    if request.method == "POST" and form.is_valid():
        try:
            manage.connect_with_values(
                connection, values=form.cleaned_data, user=request.user, environment=environment
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Connected in the {environment}. The values are stored encrypted and never "
                "shown again.",
            )
            return redirect(connection)
    context = {
        "topping": connection.topping,
        "connection": connection,
        "form": form,
        "environment": environment,
    }
    return render(request, "connections/credentials.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@_handles_secrets
def connection_self_client(request: HttpRequest, namespace: str, link_name: str) -> HttpResponse:
    """Connect with a grant code generated at the provider (Zoho's Self Client): no redirect."""
    connection = access.get_connection_for_user(request.user, namespace, link_name)
    if not selfclient.allows_self_client(connection.service):
        raise Http404("This service does not offer self-client codes.")
    environment = _environment(request)
    form = SelfClientForm(request.POST or None, initial={"client_id": connection.client_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            selfclient.connect_with_code(
                connection,
                client_id=data["client_id"],
                client_secret=data["client_secret"],
                code=data["code"],
                user=request.user,
                environment=environment,
            )
        except selfclient.SelfClientError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Connected in the {environment}. The client secret is stored encrypted and "
                "never shown again.",
            )
            return redirect(connection)
    context = {
        "topping": connection.topping,
        "connection": connection,
        "form": form,
        "environment": environment,
    }
    return render(request, "connections/self_client.html", context)


@login_required
@require_GET
@_handles_secrets
def oauth_callback(request: HttpRequest) -> HttpResponse:
    return _finish_flow(request, flows.finish)


@login_required
@require_GET
@_handles_secrets
def oauth1_callback(request: HttpRequest) -> HttpResponse:
    return _finish_flow(request, oauth1.finish)


def _finish_flow(request: HttpRequest, finish) -> HttpResponse:
    try:
        connection = finish(
            request.GET.dict(), user=request.user, session_key=request.session.session_key
        )
    except flows.FlowError as error:
        context = {"message": error.message, "connection": error.connection}
        if error.connection is not None:
            context["topping"] = get_topping_for_user(
                request.user, error.connection.topping.namespace
            )
        return render(request, "connections/oauth_error.html", context, status=400)
    messages.success(request, f"“{connection.name}” is connected.")
    return redirect(connection)


def _redirect_uris(request: HttpRequest, service: Service | None = None) -> list[dict[str, str]]:
    """The redirect URIs to register at the provider: the one ``service`` uses, or both."""
    uris = [
        {
            "key": "oauth2",
            "label": "Redirect URI (OAuth 2.0)",
            "url": _callback_uri(request),
            "auth_type": AuthType.OAUTH2,
        },
        {
            "key": "oauth1",
            "label": "Callback URL (OAuth 1.0a)",
            "url": _callback_uri(request, "connections:oauth1_callback"),
            "auth_type": AuthType.OAUTH1,
        },
    ]
    if service is None:
        return uris
    return [uri for uri in uris if uri["auth_type"] == service.auth_type]


def _authorization(connection: Connection, user, environment: Environment) -> dict:
    """What the details page shows of one environment's credential."""
    credential = connection.credential_for(user, environment)
    granted = credential.granted_scopes if credential else []
    return {
        "environment": environment.value,
        "label": environment.label,
        "credential": credential,
        "status": credential.status if credential else "not_connected",
        "use": "Sandbox runs and tests use this one."
        if environment == Environment.SANDBOX
        else "Published versions use this one.",
        # The provider may grant fewer scopes than asked for: say which are missing.
        "missing_scopes": [s for s in connection.scopes if granted and s not in granted],
    }


def _detail(
    request: HttpRequest, connection: Connection, tested: verify.VerifyResult | None = None
) -> HttpResponse:
    results = {tested.environment: tested} if tested else {}
    authorizations = []
    for environment in Environment:
        shown = _authorization(connection, request.user, environment)
        shown["tested"] = results.get(environment.value)
        authorizations.append(shown)
    context = {
        "topping": connection.topping,
        "connection": connection,
        "authorizations": authorizations,
        "data_centre": _data_centre_name(connection),
        "verification": connection.service.verification(),
        "samples": samples.samples(connection, base_url=request.build_absolute_uri("/")),
        "usages": manage.usages(connection),
        "needs_values": not manage.needs_browser(connection)
        and connection.service.auth_type != AuthType.OAUTH2,
        "redirect_uris": _redirect_uris(request, connection.service)
        if manage.needs_browser(connection)
        else [],
        "self_client": selfclient.allows_self_client(connection.service),
    }
    return render(request, "connections/detail.html", context)


def _data_centre_name(connection: Connection) -> str:
    centres = connection.service.data_centre_list()
    if not centres:
        return ""
    chosen = connection.data_centre or centres[0].key
    return next((c.name for c in centres if c.key == chosen), chosen)


@login_required
@require_GET
def connection_detail(request: HttpRequest, namespace: str, link_name: str) -> HttpResponse:
    return _detail(request, access.get_connection_for_user(request.user, namespace, link_name))


@login_required
@require_POST
@_handles_secrets
def connection_test(request: HttpRequest, namespace: str, link_name: str) -> HttpResponse:
    """Test connection: the service's verification request, answer shown on the page."""
    connection = access.get_connection_for_user(request.user, namespace, link_name)
    result = verify.verify(connection, user=request.user, environment=_environment(request))
    return _detail(request, connection, result)


@login_required
@require_http_methods(["GET", "POST"])
def connection_edit(request: HttpRequest, namespace: str, link_name: str) -> HttpResponse:
    connection = access.get_connection_for_user(request.user, namespace, link_name)
    initial = {"name": connection.name, "scopes": connection.scopes}
    form = EditConnectionForm(request.POST or None, connection=connection, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reconnect = manage.update_connection(
                connection,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data.get("scopes", connection.scopes),
                user=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if reconnect:
                messages.warning(request, "Scopes changed: reconnect to grant them.")
            else:
                messages.success(request, "Saved.")
            return redirect(connection)
    context = {"topping": connection.topping, "connection": connection, "form": form}
    return render(request, "connections/edit.html", context)


def _confirm(request: HttpRequest, connection: Connection, **context) -> HttpResponse:
    """The page that asks before a destructive POST (no JavaScript ``confirm()``)."""
    context = {"topping": connection.topping, "connection": connection, **context}
    return render(request, "connections/confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@_handles_secrets
def connection_revoke(request: HttpRequest, namespace: str, link_name: str) -> HttpResponse:
    connection = access.get_connection_for_user(request.user, namespace, link_name)
    environment = _environment(request)
    if request.method == "GET":
        return _confirm(
            request,
            connection,
            title=f"Revoke the {environment} authorization of {connection.name}?",
            explanation=f"The provider is asked to revoke the {environment} tokens and those "
            f"stored credentials are deleted. {environment.capitalize()} runs using this "
            "connection fail until it is connected again; the other environment's "
            "authorization stays as it is.",
            action=_in_environment(
                reverse("connections:revoke", args=[namespace, link_name]), environment
            ),
            button="Revoke",
        )
    outcome = manage.revoke(connection, user=request.user, environment=environment)
    messages.success(request, f"Revoked in the {environment}: {outcome}.")
    return redirect(connection)


@login_required
@require_http_methods(["GET", "POST"])
def connection_delete(request: HttpRequest, namespace: str, link_name: str) -> HttpResponse:
    connection = access.get_connection_for_user(request.user, namespace, link_name)
    if request.method == "GET":
        return _confirm(
            request,
            connection,
            title=f"Delete {connection.name}?",
            explanation="The connection and its stored credentials are deleted; this cannot "
            "be undone.",
            action=reverse("connections:delete", args=[namespace, link_name]),
            button="Delete connection",
            usages=manage.usages(connection),
        )
    try:
        manage.delete_connection(connection, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(connection)
    messages.success(request, f"Connection “{connection.link_name}” deleted.")
    return redirect("connections:list", namespace)


@login_required
@require_http_methods(["GET", "POST"])
@_handles_secrets
def custom_service_form(
    request: HttpRequest, namespace: str, key: str | None = None
) -> HttpResponse:
    topping = get_topping_for_user(request.user, namespace)
    service = access.get_custom_service_for_user(request.user, namespace, key) if key else Service()
    options = {
        "instance": service,
        "topping": topping,
        "can_change_destinations": topping.is_admin(request.user),
    }
    discover_form = DiscoverForm(request.POST if "discover" in request.POST else None)
    if request.method == "POST" and "discover" in request.POST:
        form = _discovered_form(request, discover_form, options)
    else:
        form = CustomServiceForm(request.POST or None, **options)
        if request.method == "POST" and form.is_valid():
            saved = form.save(commit=False)
            manage.save_custom_service(saved, user=request.user, created=key is None)
            messages.success(request, "Custom service saved.")
            return redirect("connections:catalog", namespace)
    context = {
        "topping": topping,
        "form": form,
        "discover_form": discover_form,
        "service": service if key else None,
        "redirect_uris": _redirect_uris(request),
    }
    return render(request, "connections/custom_service_form.html", context)


# What the developer typed survives a discovery; secrets are never rendered back.
_KEPT_ON_DISCOVERY = ("name", "key", "client_id", "api_base_url", "docs_url", "param_type",
                      "scope_delimiter", "default_scopes_text", "headers_text")  # fmt: skip


def _discovered_form(
    request: HttpRequest, discover_form: DiscoverForm, options: dict
) -> CustomServiceForm:
    """An unsaved form pre-filled from the issuer's metadata, for the developer to review."""
    typed = {name: request.POST[name] for name in _KEPT_ON_DISCOVERY if request.POST.get(name)}
    if not discover_form.is_valid():
        return CustomServiceForm(initial=typed, **options)
    try:
        found = discovery.discover(discover_form.cleaned_data["issuer_url"])
    except discovery.DiscoveryError as error:
        discover_form.add_error("issuer_url", error.message)
        return CustomServiceForm(initial=typed, **options)
    messages.info(
        request,
        f"Filled in from {found.metadata_url}. Review the fields, enter the client id and "
        "secret, and save.",
    )
    for warning in found.warnings:
        messages.warning(request, warning)
    return CustomServiceForm(initial={**typed, **found.form_initial()}, **options)


@login_required
@require_POST
def custom_service_delete(request: HttpRequest, namespace: str, key: str) -> HttpResponse:
    service = access.get_custom_service_for_user(request.user, namespace, key)
    try:
        manage.delete_custom_service(service, user=request.user)
        messages.success(request, "Custom service deleted.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("connections:catalog", namespace)
