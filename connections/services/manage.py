"""Creating, changing, connecting and removing connections and custom services."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from connections.hooks import USAGE_FINDERS
from connections.models import AuthType, Connection, Credential, Environment, GrantType, Service
from connections.schemas import Secrets
from connections.services import send, tokens, urlparams
from connections.services.credentials import save_connected
from connections.services.naming import is_valid_link_name, link_name_from, unique_link_name
from console.audit import log_action
from console.models import Topping, User


@dataclass(frozen=True)
class Usage:
    """A place that refers to a connection (filled in once functions and rules exist)."""

    kind: str
    name: str
    url: str


def usages(connection: Connection) -> list[Usage]:
    """Where a connection is used, as the apps registered in ``USAGE_FINDERS`` find it."""
    found: list[Usage] = []
    for finder in USAGE_FINDERS:
        found.extend(finder(connection))
    return found


def suggest_link_name(topping: Topping, name: str) -> str:
    taken = set(topping.connections.values_list("link_name", flat=True))
    return unique_link_name(link_name_from(name) or "connection", taken)


@transaction.atomic
def requires_scopes(service: Service) -> bool:
    """Whether a new connection of ``service`` must choose at least one scope.

    A custom OAuth 2.0 service that declares scopes but none by default: a scope-less
    request would be refused (or grant nothing). Catalog services without defaults
    (Pipedrive, Zoom, ...) take their scopes from the app registration.
    """
    declares = bool(service.scopes)
    custom_without_defaults = service.topping_id is not None and not service.default_scopes
    return service.auth_type == AuthType.OAUTH2 and declares and custom_without_defaults


def create_connection(
    topping: Topping,
    service: Service,
    *,
    name: str,
    link_name: str,
    scopes: list[str],
    user_level: bool,
    url_values: dict[str, str],
    user: User | None,
    client_id: str = "",
    client_secret: str = "",
    data_centre: str = "",
) -> Connection:
    if not is_valid_link_name(link_name):
        raise ValidationError(
            {"link_name": "Start with a letter; use only a-z, 0-9 and _; at most 50 characters."}
        )
    if topping.connections.filter(link_name=link_name).exists():
        raise ValidationError(
            {"link_name": "Another connection in this topping has this link name."}
        )
    known = {scope.name for scope in service.scope_list()}
    unknown = [s for s in scopes if known and s not in known]
    if unknown:
        raise ValidationError({"scopes": f"Unknown scopes: {', '.join(unknown)}"})
    if requires_scopes(service) and not scopes:
        raise ValidationError({"scopes": "Choose at least one scope."})
    url_values = urlparams.clean_values(service, url_values)
    centres = [centre.key for centre in service.data_centre_list()]
    if data_centre and data_centre not in centres:
        raise ValidationError({"data_centre": "Choose one of the service's data centres."})
    connection = Connection.objects.create(
        topping=topping,
        service=service,
        name=name,
        link_name=link_name,
        scopes=scopes,
        user_level=user_level,
        url_values=url_values,
        data_centre="" if centres and data_centre == centres[0] else data_centre,
        client_id=client_id,
        client_secret=client_secret,
        created_by=user,
    )
    log_action(
        connection,
        "connections.connection.created",
        user=user,
        data={"link_name": link_name, "service": service.key, "user_level": user_level},
    )
    return connection


@transaction.atomic
def update_connection(
    connection: Connection, *, name: str, scopes: list[str], user: User | None
) -> bool:
    """Rename or change scopes; returns True when the change needs a reconnect.

    A save that changes nothing writes nothing: no row update, no audit entry.
    """
    scopes_changed = sorted(scopes) != sorted(connection.scopes)
    service = connection.service
    if scopes_changed and not scopes and service.auth_type == AuthType.OAUTH2 and service.scopes:
        # Clearing every scope of a connection that had some would authorize nothing.
        raise ValidationError({"scopes": "Keep at least one scope: the provider needs one."})
    if name == connection.name and not scopes_changed:
        return False
    connection.name, connection.scopes = name, scopes
    connection.save(update_fields=["name", "scopes", "updated_at"])
    if scopes_changed and connection.service.is_oauth():
        # Tokens granted for the old scopes stay usable but the console asks for a reconnect.
        connection.credentials.filter(status=Credential.Status.CONNECTED).update(
            last_error="Scopes changed: reconnect to grant the new scopes."
        )
    log_action(
        connection,
        "connections.connection.updated",
        user=user,
        data={"name": name, "scopes_changed": scopes_changed},
    )
    return scopes_changed and connection.service.is_oauth()


def connect_with_values(
    connection: Connection,
    *,
    values: dict[str, str],
    user: User | None,
    environment: str = Environment.PRODUCTION,
) -> Credential:
    """Store key-based credentials (API key, Basic, Bearer) typed into a form."""
    service = connection.service
    if service.auth_type == AuthType.BEARER:
        secrets = Secrets(access_token=values.get("token", ""))
    else:
        secrets = Secrets(values={k: v for k, v in values.items() if v is not None})
    if not any(secrets.all_values()):
        raise ValidationError("Enter the credential values.")
    return save_connected(
        connection,
        user=user,
        fill=lambda c: c.set_secrets(secrets),
        method="values",
        environment=environment,
    )


def connect_client_credentials(
    connection: Connection, *, user: User | None, environment: str = Environment.PRODUCTION
) -> Credential:
    response = tokens.request_client_credentials(connection)
    return save_connected(
        connection,
        user=user,
        fill=lambda c: tokens.store_tokens(c, response),
        method="client_credentials",
        environment=environment,
    )


def needs_browser(connection: Connection) -> bool:
    service = connection.service
    return service.auth_type == AuthType.OAUTH1 or (
        service.auth_type == AuthType.OAUTH2 and service.grant_type != GrantType.CLIENT_CREDENTIALS
    )


def revoke(
    connection: Connection,
    *,
    user: User | None,
    credential: Credential | None = None,
    environment: str = Environment.PRODUCTION,
) -> str:
    """Revoke at the provider where possible, then delete the secrets whatever it answered.

    ``credential``, or else ``user``'s in ``environment``; the other environment's stays.
    """
    credential = credential or connection.credential_for(user, environment)
    if credential is None:
        return "nothing to revoke"
    outcome = tokens.revoke_at_provider(connection, credential)
    with transaction.atomic():
        credential.set_secrets(Secrets())
        credential.status = Credential.Status.REVOKED
        credential.expires_at = None
        credential.last_error = ""
        credential.save()
        log_action(
            connection,
            "connections.connection.revoked",
            user=user,
            data={
                "link_name": connection.link_name,
                "outcome": outcome,
                "environment": credential.environment,
            },
        )
    send.forget(credential.pk)  # this process stops using the token now, not in seconds
    return outcome


@transaction.atomic
def delete_connection(connection: Connection, *, user: User | None) -> None:
    used = usages(connection)
    if used:
        places = ", ".join(f"{u.kind} {u.name}" for u in used)
        raise ValidationError(f"This connection is used by {places}; remove those uses first.")
    log_action(
        connection.topping,
        "connections.connection.deleted",
        user=user,
        data={"link_name": connection.link_name, "name": connection.name},
    )
    connection.delete()


# Where a service's credentials may be sent. Changing any of them is an Administrator action
# and returns every connection of the service to Not connected.
DESTINATION_FIELDS = (
    "allowed_hosts",
    "api_base_url",
    "authorize_url",
    "token_url",
    "refresh_url",
    "revoke_url",
    "request_token_url",
    "auth_type",
    "param_type",
    # Who may answer for the provider: clearing them would weaken the mix-up defence.
    "issuer",
    "authorization_response_iss_parameter_supported",
)


def destination_changes(service: Service) -> list[str]:
    """The destination fields of an edited ``service`` that differ from the stored row."""
    if service.pk is None:
        return []
    stored = Service.objects.select_for_update().get(pk=service.pk)
    return [name for name in DESTINATION_FIELDS if getattr(stored, name) != getattr(service, name)]


@transaction.atomic
def save_custom_service(service: Service, *, user: User | None, created: bool) -> Service:
    """Save a custom service; a change of destinations needs an Administrator and resets.

    Raises ``PermissionDenied`` when a Developer changes any of ``DESTINATION_FIELDS``.
    """
    changed = [] if created else destination_changes(service)
    if changed and not _custom_topping(service).is_admin(user):
        raise PermissionDenied(
            "Only the topping's Administrators can change where a service's credentials "
            "may be sent."
        )
    service.save()
    verb = "created" if created else "updated"
    data = {"key": service.key, "destinations_changed": changed}
    log_action(service, f"connections.service.{verb}", user=user, data=data)
    if changed:
        reset_connections(service, user=user, fields=changed)
    return service


def _custom_topping(service: Service) -> Topping:
    """The topping a custom service belongs to.

    Custom services always have one: the custom-service form sets it and the views load them
    through their topping. Only catalog services (not handled here) have none.
    """
    topping = service.topping
    assert topping is not None, "a custom service belongs to a topping"
    return topping


def _field_label(name: str) -> str:
    """The verbose name of one of ``Service``'s own columns (``DESTINATION_FIELDS``)."""
    field = Service._meta.get_field(name)
    # Every destination field is a concrete column; only relations lack a verbose name.
    assert isinstance(field, models.Field), f"{name} is not a column of Service"
    return str(field.verbose_name)


def reset_connections(service: Service, *, user: User | None, fields: list[str]) -> int:
    """Return every connection of ``service`` to Not connected, saying why.

    Every credential row (shared and per user) loses its secrets and token state, pending
    authorizations are dropped (their token URL may be the old one) and each connection gets
    an audit entry. Call inside the transaction that changed the service.
    """
    names = ", ".join(_field_label(name) for name in fields)
    reason = (
        f"Not connected: an Administrator changed where its credentials may be sent "
        f"({names}). Connect again."
    )
    connections = list(service.connections.select_related("topping"))
    for connection in connections:
        credentials = list(connection.credentials.select_for_update())
        for credential in credentials:
            credential.secret_data = ""
            credential.status = Credential.Status.NOT_CONNECTED
            credential.token_type, credential.granted_scopes = "", []
            credential.expires_at = credential.refresh_lease_until = None
            credential.connected_by = credential.connected_at = None
            credential.last_refreshed_at = None
            credential.last_error = reason
            credential.save()
        connection.flows.all().delete()
        log_action(
            connection,
            "connections.connection.reset",
            user=user,
            data={"link_name": connection.link_name, "service": service.key, "fields": fields},
        )
        for credential in credentials:
            transaction.on_commit(functools.partial(send.forget, credential.pk))
    return len(connections)


@transaction.atomic
def delete_custom_service(service: Service, *, user: User | None) -> None:
    if service.connections.exists():
        names = ", ".join(service.connections.values_list("link_name", flat=True))
        raise ValidationError(f"Connections use this service: {names}. Delete them first.")
    log_action(
        _custom_topping(service),
        "connections.service.deleted",
        user=user,
        data={"key": service.key},
    )
    service.delete()
