from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from connections.crypto import EncryptedTextField, EncryptionCanary  # noqa: F401
from connections.schemas import DataCentre, KeyParam, Scope, Secrets, UrlParam, Verification
from console.models import Topping

LINK_NAME_MAX = 50
LINK_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


class AuthType(models.TextChoices):
    OAUTH2 = "oauth2", "OAuth 2.0"
    API_KEY = "api_key", "API key"
    BASIC = "basic", "Basic authentication"
    BEARER = "bearer", "Bearer / personal access token"
    OAUTH1 = "oauth1", "OAuth 1.0a"


class Environment(models.TextChoices):
    """Where a run happens. A connection holds one authorization per environment: sandbox
    runs use the sandbox one and published versions the production one, never the other."""

    SANDBOX = "sandbox", "Sandbox"
    PRODUCTION = "production", "Production"


class GrantType(models.TextChoices):
    AUTHORIZATION_CODE = "authorization_code", "Authorization code"
    CLIENT_CREDENTIALS = "client_credentials", "Client credentials"


class TokenAuthMethod(models.TextChoices):
    """How the client authenticates at the token and revocation endpoints (RFC 6749 2.3)."""

    CLIENT_SECRET_BASIC = "client_secret_basic", "HTTP Basic (client_secret_basic)"
    CLIENT_SECRET_POST = "client_secret_post", "In the request body (client_secret_post)"
    NONE = "none", "None: public client with PKCE"


class ParamType(models.TextChoices):
    HEADER = "header", "Header"
    QUERY = "query", "Query string"
    FORM = "form", "Form data"


class ScopeDelimiter(models.TextChoices):
    COMMA = ",", "Comma"
    SPACE = " ", "Space"
    PLUS = "+", "Plus"


class ServiceQuerySet(models.QuerySet):
    def default(self) -> ServiceQuerySet:
        return self.filter(topping__isnull=True)

    def usable_by(self, topping: Topping) -> ServiceQuerySet:
        return self.filter(models.Q(topping__isnull=True) | models.Q(topping=topping))


class Service(models.Model):
    """A third-party API: a catalog entry (``topping`` empty) or a topping's custom service."""

    topping = models.ForeignKey(
        Topping, null=True, blank=True, on_delete=models.CASCADE, related_name="custom_services"
    )
    key = models.CharField(
        max_length=LINK_NAME_MAX, help_text="Catalog key, or the custom service's link name."
    )
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=40, default="Custom")
    auth_type = models.CharField(max_length=20, choices=AuthType.choices)
    grant_type = models.CharField(max_length=30, choices=GrantType.choices, blank=True)
    authorize_url = models.URLField(max_length=500, blank=True)
    token_url = models.URLField(max_length=500, blank=True)
    refresh_url = models.URLField(max_length=500, blank=True)
    revoke_url = models.URLField(max_length=500, blank=True)
    revoke_token_param = models.CharField(max_length=40, blank=True, default="token")
    request_token_url = models.URLField(max_length=500, blank=True, help_text="OAuth 1.0a only")
    scopes = models.JSONField(default=list, blank=True)
    default_scopes = models.JSONField(default=list, blank=True)
    scope_delimiter = models.CharField(
        max_length=1, choices=ScopeDelimiter.choices, default=ScopeDelimiter.SPACE
    )
    param_type = models.CharField(max_length=10, choices=ParamType.choices, default="header")
    header_name = models.CharField(max_length=100, default="Authorization", blank=True)
    token_prefix = models.CharField(max_length=40, default="Bearer", blank=True)
    api_base_url = models.URLField(max_length=500, blank=True)
    allowed_hosts = models.JSONField(default=list, blank=True)
    authorize_params = models.JSONField(default=dict, blank=True)
    token_auth_method = models.CharField(
        max_length=30,
        choices=TokenAuthMethod.choices,
        default=TokenAuthMethod.CLIENT_SECRET_POST,
        blank=True,
        help_text="How the client authenticates at the token and revocation endpoints.",
    )
    pkce = models.BooleanField(default=True)
    issuer = models.CharField(max_length=300, blank=True)
    # RFC 9207: the provider sends ``iss`` on every authorization response, so one without
    # it is refused (set from discovery metadata, or by the developer).
    authorization_response_iss_parameter_supported = models.BooleanField(
        "provider sends iss on the redirect (RFC 9207)", default=False
    )
    url_params = models.JSONField(default=list, blank=True)
    api_key_params = models.JSONField(default=list, blank=True)
    custom_headers = models.JSONField(default=dict, blank=True)
    docs_url = models.URLField(max_length=500, blank=True)
    # Where the catalog entry's endpoints come from: the provider's own documentation.
    source_url = models.URLField(max_length=500, blank=True)
    # The "who am I" request Test connection makes: {"method", "url", "body", "description"}
    # (``schemas.Verification``); the URL may use the service's ``{placeholders}``.
    verify = models.JSONField(default=dict, blank=True)
    # The provider's data centres, each {"key", "name", "hosts": {host: host there}}; the
    # first is the default, whose hosts are the ones in the URLs above.
    data_centres = models.JSONField(default=list, blank=True)
    # The API's resources, described as data (``connections.catalog.description``): the
    # sandbox emulates a service that has one, and ``manage.py emulate`` serves it. Kept as
    # JSON text: the order of its parts (resources, envelope keys) is the app's, and
    # PostgreSQL's jsonb would sort them.
    api = models.TextField(blank=True, default="")
    notes = models.TextField(blank=True)
    # OAuth client (consumer key/secret for OAuth 1.0a): set by the operator for catalog
    # services, by the developer for custom ones; a connection may bring its own.
    client_id = models.CharField(max_length=300, blank=True)
    client_secret = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(topping__isnull=True), name="unique_default_key"
            ),
            models.UniqueConstraint(fields=["topping", "key"], name="unique_custom_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_custom(self) -> bool:
        return self.topping_id is not None

    def scope_list(self) -> list[Scope]:
        return [Scope(**s) if isinstance(s, dict) else Scope(str(s)) for s in self.scopes]

    def key_params(self) -> list[KeyParam]:
        return [KeyParam(**p) for p in self.api_key_params]

    def url_param_list(self) -> list[UrlParam]:
        return [UrlParam(**p) for p in self.url_params]

    def is_oauth(self) -> bool:
        return self.auth_type in (AuthType.OAUTH2, AuthType.OAUTH1)

    def data_centre_list(self) -> list[DataCentre]:
        return [DataCentre(**dc) for dc in self.data_centres]

    def api_description(self) -> dict[str, Any]:
        """The API description as data ({} when the service has none)."""
        return json.loads(self.api) if self.api else {}

    def verification(self) -> Verification | None:
        return Verification(**self.verify) if self.verify.get("url") else None


class Connection(models.Model):
    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="connections")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="connections")
    name = models.CharField(max_length=100)
    link_name = models.CharField(max_length=LINK_NAME_MAX)
    scopes = models.JSONField(default=list, blank=True)
    user_level = models.BooleanField(
        "use credentials of login user",
        default=False,
        help_text="Each member authorizes their own credential; runs use the runner's.",
    )
    url_values = models.JSONField(default=dict, blank=True)
    # The key of the service's data centre this connection talks to ("" = the default one).
    data_centre = models.CharField(max_length=20, blank=True)
    # A connection may bring its own OAuth client instead of the service's.
    client_id = models.CharField(max_length=300, blank=True)
    client_secret = EncryptedTextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["topping", "link_name"], name="unique_link_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.link_name})"

    def get_absolute_url(self) -> str:
        return reverse("connections:detail", args=[self.topping.namespace, self.link_name])

    @property
    def qualified_name(self) -> str:
        return f"{self.topping.namespace}__{self.link_name}"

    def oauth_client(self) -> tuple[str, str]:
        if self.client_id:
            return self.client_id, self.client_secret
        return self.service.client_id, self.service.client_secret

    def credential_for(
        self, user=None, environment: str = Environment.PRODUCTION
    ) -> Credential | None:
        """The credential a run for ``user`` in ``environment`` uses: the shared one, or the
        user's own for a user-level connection."""
        owner = user if self.user_level else None
        if self.user_level and (user is None or not user.is_authenticated):
            return None
        if "credentials" in getattr(self, "_prefetched_objects_cache", {}):
            # A list page prefetched them: no query per connection.
            owner_id = getattr(owner, "pk", None)
            return next(
                (
                    c
                    for c in self.credentials.all()
                    if c.user_id == owner_id and c.environment == environment
                ),
                None,
            )
        return self.credentials.filter(user=owner, environment=environment).first()

    def status_for(self, user=None, environment: str = Environment.PRODUCTION) -> str:
        credential = self.credential_for(user, environment)
        return credential.status if credential else Credential.Status.NOT_CONNECTED


class Credential(models.Model):
    """The secret half of a connection: one shared row, or one per user for user-level ones."""

    class Status(models.TextChoices):
        NOT_CONNECTED = "not_connected", "Not connected"
        CONNECTED = "connected", "Connected"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="credentials")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="credentials",
    )
    environment = models.CharField(
        max_length=20, choices=Environment.choices, default=Environment.PRODUCTION
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_CONNECTED)
    secret_data = EncryptedTextField(blank=True, default="")
    token_type = models.CharField(max_length=40, blank=True)
    granted_scopes = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The access token's lifetime in seconds, as the provider said (``expires_in``): the
    # refresh margin is a fraction of it, so short-lived tokens are not refreshed on every use.
    token_lifetime = models.PositiveIntegerField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_at = models.DateTimeField(null=True, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    refresh_lease_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "user", "environment"], name="unique_user_credential"
            ),
            models.UniqueConstraint(
                fields=["connection", "environment"],
                condition=models.Q(user__isnull=True),
                name="unique_shared_credential",
            ),
        ]

    def __str__(self) -> str:
        owner = self.user or "shared"
        return (
            f"{self.connection} [{owner}, {self.get_environment_display().lower()}] "
            f"{self.get_status_display()}"
        )

    @property
    def secrets(self) -> Secrets:
        return Secrets.loads(self.secret_data)

    def set_secrets(self, secrets: Secrets) -> None:
        self.secret_data = secrets.dumps()

    def is_usable(self) -> bool:
        return self.status == self.Status.CONNECTED

    def expires_within(self, seconds: float) -> bool:
        if self.expires_at is None:
            return False
        return (self.expires_at - timezone.now()).total_seconds() <= seconds

    def lifetime_seconds(self) -> float | None:
        """How long the current access token was issued for, when known.

        Rows written before ``token_lifetime`` existed fall back to the time between the last
        refresh and the expiry (both are set in the same write).
        """
        if self.token_lifetime:
            return float(self.token_lifetime)
        if self.expires_at and self.last_refreshed_at and self.expires_at > self.last_refreshed_at:
            return (self.expires_at - self.last_refreshed_at).total_seconds()
        return None

    def refresh_margin(self, longest: float, fraction: float) -> float:
        """Seconds before expiry at which the token counts as due: ``fraction`` of its
        lifetime, at most ``longest`` (all of ``longest`` when the lifetime is unknown)."""
        lifetime = self.lifetime_seconds()
        return longest if lifetime is None else min(longest, lifetime * fraction)

    def needs_refresh(self, longest: float, fraction: float) -> bool:
        return self.expires_within(self.refresh_margin(longest, fraction))


class OAuthFlow(models.Model):
    """One authorization attempt: single-use state bound to a session, PKCE verifier, issuer."""

    state_hash = models.CharField(max_length=64, unique=True)
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="flows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_hash = models.CharField(max_length=64)
    code_verifier = EncryptedTextField(blank=True, default="")
    request_token_secret = EncryptedTextField(blank=True, default="")  # OAuth 1.0a
    redirect_uri = models.URLField(max_length=500)
    token_url = models.URLField(max_length=500)
    issuer = models.CharField(max_length=300, blank=True)
    environment = models.CharField(
        max_length=20, choices=Environment.choices, default=Environment.PRODUCTION
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"flow for {self.connection}"
