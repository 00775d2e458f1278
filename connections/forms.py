from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from connections.models import AuthType, Connection, GrantType, Service, TokenAuthMethod
from connections.services import discovery, urlparams
from connections.services.naming import is_valid_link_name
from console.forms import apply_errors


def _secret_field(label: str, required: bool = True) -> forms.CharField:
    # Write-only: a secret is never rendered back into the page.
    return forms.CharField(
        label=label, required=required, widget=forms.PasswordInput(render_value=False), strip=False
    )


def https_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """A model field's form field; URLs typed without a scheme are read as https.

    That is Django 6's default; saying so now also silences Django 5.2's deprecation warning.
    """
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ConnectionForm(forms.Form):
    name = forms.CharField(max_length=100, label="Connection name")
    link_name = forms.CharField(
        max_length=50,
        help_text="Code refers to the connection by this name. It cannot be changed later.",
    )
    scopes = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    user_level = forms.BooleanField(
        required=False,
        label="Use credentials of login user",
        help_text="Each member authorizes their own account; runs use the runner's credential.",
    )

    def __init__(self, *args, service: Service, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        scopes = service.scope_list()
        if scopes:
            self.fields["scopes"].choices = [
                (s.name, f"{s.name}: {s.description}" if s.description else s.name) for s in scopes
            ]
            self.fields["scopes"].initial = service.default_scopes
        else:
            del self.fields["scopes"]
        centres = service.data_centre_list()
        if centres:
            self.fields["data_centre"] = forms.ChoiceField(
                label="Data centre",
                choices=[(c.key, c.name) for c in centres],
                initial=centres[0].key,
                help_text="Where the account lives: the console authorizes and calls the "
                "provider's servers in this data centre. It cannot be changed later.",
            )
        for param in service.url_param_list():
            self.fields[f"url_{param.name}"] = forms.CharField(
                label=param.label,
                required=False,
                help_text="Leave empty: the provider sends it when you connect."
                if param in urlparams.callback_params(service)
                else "",
            )
        if service.is_oauth() and not service.client_id:
            self.fields["client_id"] = forms.CharField(
                label="Client ID", help_text="From the app you registered with the provider."
            )
            self.fields["client_secret"] = _secret_field("Client secret", required=False)

    def clean_link_name(self) -> str:
        value = self.cleaned_data["link_name"]
        if not is_valid_link_name(value):
            raise forms.ValidationError(
                "Start with a lowercase letter; use only a-z, 0-9 and _ (at most 50)."
            )
        return value

    def clean(self):
        data = super().clean()
        typed = {
            p.name: data.get(f"url_{p.name}", "").strip() for p in self.service.url_param_list()
        }
        try:
            self._url_values = urlparams.clean_values(self.service, typed)
        except ValidationError as error:
            apply_errors(self, error)
        return data

    def url_values(self) -> dict[str, str]:
        """The URL parameter values, checked against their patterns and declared hosts."""
        return dict(self._url_values)


class EditConnectionForm(forms.Form):
    name = forms.CharField(max_length=100, label="Connection name")
    scopes = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, connection: Connection, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scopes = connection.service.scope_list()
        if scopes:
            self.fields["scopes"].choices = [(s.name, s.name) for s in scopes]
        else:
            del self.fields["scopes"]


class CredentialValuesForm(forms.Form):
    """The values a key-based service needs; shown empty every time."""

    def __init__(self, *args, service: Service, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if service.auth_type == AuthType.BEARER:
            self.fields["token"] = _secret_field("Access token")
        elif service.auth_type == AuthType.BASIC and not service.api_key_params:
            self.fields["username"] = forms.CharField(label="Username")
            self.fields["password"] = _secret_field("Password", required=False)
        else:
            for param in service.key_params():
                required = not param.label.lower().startswith("password (")
                self.fields[param.name] = _secret_field(param.label, required=required)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# Authorize-request parameters the console sets itself (flows.start); a service may not
# override them through its extra parameters.
RESERVED_AUTHORIZE_PARAMS = frozenset(
    {
        "response_type",
        "client_id",
        "redirect_uri",
        "state",
        "code_challenge",
        "code_challenge_method",
        "scope",
    }
)

# The endpoint fields of the custom-service form that must be https (http only to an
# allowlisted host; see discovery.check_url and CONSOLE_OUTBOUND_ALLOWLIST).
ENDPOINT_FIELDS = {
    "authorize_url": "authorize URL",
    "token_url": "token URL",
    "refresh_url": "refresh URL",
    "revoke_url": "revoke URL",
    "request_token_url": "request token URL",
    "api_base_url": "API base URL",
}


def parse_authorize_params(text: str) -> dict[str, str]:
    """``name=value`` lines as a dict; raises ``ValidationError`` naming the bad lines."""
    params: dict[str, str] = {}
    errors: list[str] = []
    for line in _lines(text):
        name, sep, value = line.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or any(c.isspace() for c in name):
            errors.append(f"Not 'name=value': {line}")
        elif name.lower() in RESERVED_AUTHORIZE_PARAMS:
            errors.append(f"{name} is set by the console and cannot be changed here.")
        elif name in params:
            errors.append(f"{name} is given twice.")
        else:
            params[name] = value
    if errors:
        raise ValidationError(errors)
    return params


# The form fields behind manage.DESTINATION_FIELDS (where credentials may be sent).
DESTINATION_FORM_FIELDS = (
    "auth_type",
    "authorize_url",
    "token_url",
    "refresh_url",
    "revoke_url",
    "request_token_url",
    "param_type",
    "api_base_url",
    "allowed_hosts_text",
    "issuer",
    "authorization_response_iss_parameter_supported",
)


class DiscoverForm(forms.Form):
    """The issuer URL whose metadata pre-fills the custom-service form."""

    issuer_url = forms.CharField(
        label="Discover from issuer URL",
        required=False,
        max_length=300,
        help_text=(
            "The provider's issuer, e.g. https://login.example.com. The console reads its "
            "OpenID / OAuth metadata and fills in the fields below; review them and save."
        ),
    )


CLIENT_AUTH_HELP = (
    "How the console proves it is your client at the token and revocation endpoints: "
    "client_secret_basic sends the id and secret in an HTTP Basic header (OAuth's default; "
    "the provider's documentation or metadata says which it wants), client_secret_post "
    "sends them in the request body, none is for public clients: only the client id is "
    "sent, no secret, and PKCE is always used."
)


# The fields each authentication type uses; the rest are hidden (by authfields.js) and
# ignored on save. A field not named here applies to every type.
OAUTH = ("oauth2", "oauth1")
FIELD_AUTH_TYPES: dict[str, tuple[str, ...]] = {
    "grant_type": ("oauth2",),
    "client_id": OAUTH,
    "client_secret_input": OAUTH,
    "token_auth_method": ("oauth2",),
    "authorize_url": OAUTH,
    "token_url": OAUTH,
    "refresh_url": ("oauth2",),
    "revoke_url": ("oauth2",),
    "issuer": ("oauth2",),
    "authorization_response_iss_parameter_supported": ("oauth2",),
    "request_token_url": ("oauth1",),
    "scope_delimiter": ("oauth2",),
    "scopes_text": ("oauth2",),
    "default_scopes_text": ("oauth2",),
    "authorize_params_text": ("oauth2",),
    "param_type": ("api_key", "oauth2", "bearer"),
    "key_params_text": ("api_key",),
}
# What a hidden field holds instead ("" for the rest).
HIDDEN_VALUES = {
    "authorization_response_iss_parameter_supported": False,
    "scope_delimiter": " ",
    "param_type": "header",
}
VERIFY_METHODS = [("GET", "GET"), ("POST", "POST")]


class CustomServiceForm(forms.ModelForm):
    key = forms.CharField(
        label="Service link name", max_length=50, help_text="a-z, 0-9 and _, starting with a letter"
    )
    client_secret_input = _secret_field("Client secret / consumer secret", required=False)
    scopes_text = forms.CharField(
        label="Scopes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: name, optionally followed by ' - description'.",
    )
    default_scopes_text = forms.CharField(
        label="Default scopes", required=False, help_text="Separated by spaces or commas."
    )
    key_params_text = forms.CharField(
        label="API key parameters",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: key | display name",
    )
    headers_text = forms.CharField(
        label="Custom headers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: Header-Name: value (added to every call).",
    )
    token_auth_method = forms.ChoiceField(
        label="Client authentication",
        choices=TokenAuthMethod.choices,
        required=False,
        initial=TokenAuthMethod.CLIENT_SECRET_BASIC,
        help_text=CLIENT_AUTH_HELP,
    )
    authorize_params_text = forms.CharField(
        label="Extra authorize parameters",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "OAuth 2.0: added to the authorize URL. One per line: name=value, e.g. "
            "prompt=consent, access_type=offline or audience=https://api.example.com."
        ),
    )
    allowed_hosts_text = forms.CharField(
        label="Allowed hosts",
        required=False,
        help_text=(
            "Hosts the credential may be sent to, separated by spaces "
            "(default: the API base URL's host)."
        ),
    )
    verify_url = forms.CharField(
        label="Test request URL",
        required=False,
        max_length=500,
        help_text=(
            "A read-only “who am I” endpoint (e.g. https://api.example.com/v1/me) that Test "
            "connection calls with the credential; absolute, or relative to the API base URL."
        ),
    )
    verify_method = forms.ChoiceField(
        label="Test request method", choices=VERIFY_METHODS, initial="GET", required=False
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "key",
            "auth_type",
            "grant_type",
            "client_id",
            "token_auth_method",
            "authorize_url",
            "token_url",
            "refresh_url",
            "revoke_url",
            "issuer",
            "authorization_response_iss_parameter_supported",
            "request_token_url",
            "param_type",
            "scope_delimiter",
            "api_base_url",
            "docs_url",
        ]
        formfield_callback = https_formfield
        labels = {
            "name": "Service name",
            "auth_type": "Authentication type",
            "grant_type": "Grant type",
            "client_id": "Client ID / consumer key",
            "authorize_url": "Authorize URL",
            "token_url": "Token URL",
            "refresh_url": "Refresh URL",
            "revoke_url": "Revoke URL",
            "issuer": "Issuer",
            "request_token_url": "Request token URL",
            "param_type": "Send the key in",
            "scope_delimiter": "Scope separator",
            "api_base_url": "API base URL",
            "docs_url": "Documentation URL",
        }
        help_texts = {
            "auth_type": "The fields below change with it.",
            "client_id": "From the app (client) you registered with the provider.",
            "authorize_url": "Where the user is sent to grant access (the consent page).",
            "token_url": "Where the console exchanges the code and refreshes tokens.",
            "refresh_url": "Only if it differs from the token URL.",
            "revoke_url": "Optional (RFC 7009): asked to revoke tokens when you revoke.",
            "request_token_url": "OAuth 1.0a: where the temporary credentials come from.",
            "api_base_url": "Relative URLs in invokeurl and the proxy API are joined to it.",
            "issuer": (
                "OAuth 2.0: the authorization server's issuer identifier. The iss on the "
                "redirect must equal it exactly (default: the authorize URL's origin)."
            ),
            "authorization_response_iss_parameter_supported": (
                "OAuth 2.0 (RFC 9207): the provider always sends iss on the redirect; an "
                "answer without it is refused."
            ),
        }

    def __init__(self, *args, topping, can_change_destinations: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.topping = topping
        self.fields["grant_type"].required = False
        for name, field in self.fields.items():
            # Read by the template: which authentication types show the field.
            field.auth_types = " ".join(FIELD_AUTH_TYPES.get(name, ()))  # type: ignore[attr-defined]
        service = self.instance
        if service.pk and service.verify:
            self.fields["verify_url"].initial = service.verify.get("url", "")
            self.fields["verify_method"].initial = service.verify.get("method", "GET")
        if not service.pk and "token_auth_method" not in (kwargs.get("initial") or {}):
            # RFC 6749 2.3.1's default; the model's default keeps older rows as they were.
            self.initial["token_auth_method"] = TokenAuthMethod.CLIENT_SECRET_BASIC
        if service.pk:
            self.fields["key"].disabled = True
            if not can_change_destinations:
                # The service function refuses the change (403); say so before it is tried.
                for name in DESTINATION_FORM_FIELDS:
                    self.fields[name].help_text = "Only Administrators can change this."
            self.fields["scopes_text"].initial = "\n".join(
                f"{s.name} - {s.description}" if s.description else s.name
                for s in service.scope_list()
            )
            self.fields["default_scopes_text"].initial = " ".join(service.default_scopes)
            self.fields["key_params_text"].initial = "\n".join(
                f"{p.name} | {p.label}" for p in service.key_params()
            )
            self.fields["headers_text"].initial = "\n".join(
                f"{k}: {v}" for k, v in service.custom_headers.items()
            )
            self.fields["allowed_hosts_text"].initial = " ".join(service.allowed_hosts)
            self.fields["authorize_params_text"].initial = "\n".join(
                f"{k}={v}" for k, v in service.authorize_params.items()
            )

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if not is_valid_link_name(key):
            raise forms.ValidationError("Start with a lowercase letter; only a-z, 0-9 and _.")
        clash = Service.objects.filter(key=key).filter(topping__isnull=True).exists() or (
            self.topping.custom_services.filter(key=key).exclude(pk=self.instance.pk).exists()
        )
        if clash:
            raise forms.ValidationError("A service with this link name already exists.")
        return key

    def clean(self):
        data = super().clean()
        auth = data.get("auth_type")
        if auth:
            for name, types in FIELD_AUTH_TYPES.items():
                if auth not in types and name in self.fields:
                    # Hidden for this type: whatever it holds is neither checked nor kept.
                    self._errors.pop(name, None)
                    data[name] = HIDDEN_VALUES.get(name, "")
        verify_url = (data.get("verify_url") or "").strip()
        if verify_url.lower().startswith(("http://", "https://")):
            try:
                discovery.check_url(verify_url, "test request URL")
            except discovery.DiscoveryError as error:
                self.add_error("verify_url", error.message)
        elif verify_url and (verify_url.startswith("//") or ":" in verify_url.split("/")[0]):
            self.add_error("verify_url", "Use an absolute https URL or a path.")
        data["verify_url"] = verify_url
        required = {
            AuthType.OAUTH2: ["client_id", "token_url"],
            AuthType.OAUTH1: ["client_id", "request_token_url", "authorize_url", "token_url"],
        }.get(auth, [])
        if auth == AuthType.OAUTH2 and data.get("grant_type") != GrantType.CLIENT_CREDENTIALS:
            required.append("authorize_url")
            data["grant_type"] = GrantType.AUTHORIZATION_CODE
        for name in required:
            if not data.get(name):
                self.add_error(name, "Required for this authentication type.")
        method = data.get("token_auth_method") or (
            self.instance.token_auth_method
            if self.instance.pk
            else TokenAuthMethod.CLIENT_SECRET_BASIC
        )
        data["token_auth_method"] = method
        data["issuer"] = (data.get("issuer") or "").strip()
        if data["issuer"]:
            try:
                discovery.check_url(data["issuer"], "issuer")
            except discovery.DiscoveryError as error:
                self.add_error("issuer", error.message)
        public = auth == AuthType.OAUTH2 and method == TokenAuthMethod.NONE
        if public and data.get("grant_type") == GrantType.CLIENT_CREDENTIALS:
            self.add_error(
                "token_auth_method",
                "Client credentials need a client secret; choose client_secret_basic or "
                "client_secret_post.",
            )
        if (
            auth == AuthType.OAUTH2
            and not public
            and not self.instance.client_secret
            and not data.get("client_secret_input")
        ):
            self.add_error(
                "client_secret_input", "Required for OAuth (unless the client is public)."
            )
        if auth == AuthType.API_KEY and not self._key_params(data.get("key_params_text", "")):
            self.add_error("key_params_text", "Add at least one parameter.")
        for line in _lines(data.get("headers_text", "")):
            if ":" not in line:
                self.add_error("headers_text", f"Not 'Name: value': {line}")
        try:
            self._authorize_params = parse_authorize_params(data.get("authorize_params_text", ""))
        except ValidationError as error:
            self.add_error("authorize_params_text", error)
        for name, what in ENDPOINT_FIELDS.items():
            if data.get(name):
                try:
                    discovery.check_url(data[name], what)
                except discovery.DiscoveryError as error:
                    self.add_error(name, error.message)
        return data

    @staticmethod
    def _key_params(text: str) -> list[dict]:
        params = []
        for line in _lines(text):
            name, _, label = line.partition("|")
            params.append({"name": name.strip(), "label": label.strip() or name.strip()})
        return params

    def save(self, commit: bool = True) -> Service:
        from urllib.parse import urlsplit

        service = super().save(commit=False)
        data = self.cleaned_data
        service.topping = self.topping
        service.category = "Custom"
        if data.get("client_secret_input"):
            service.client_secret = data["client_secret_input"]
        if (
            service.auth_type == AuthType.OAUTH2
            and service.token_auth_method == TokenAuthMethod.NONE
        ):
            # A public client has no secret to keep, and PKCE is what protects its codes.
            service.client_secret = ""
            service.pkce = True
        scopes = []
        for line in _lines(data.get("scopes_text", "")):
            name, _, description = line.partition(" - ")
            scopes.append({"name": name.strip(), "description": description.strip()})
        service.scopes = scopes
        service.default_scopes = data.get("default_scopes_text", "").replace(",", " ").split()
        service.api_key_params = [
            {**p, "param_type": service.param_type, "header_prefix": ""}
            for p in self._key_params(data.get("key_params_text", ""))
        ]
        service.header_name = "" if service.auth_type == AuthType.API_KEY else "Authorization"
        service.custom_headers = {
            k.strip(): v.strip()
            for k, _, v in (line.partition(":") for line in _lines(data.get("headers_text", "")))
        }
        hosts = data.get("allowed_hosts_text", "").split()
        if not hosts and service.api_base_url:
            hosts = [urlsplit(service.api_base_url).hostname or ""]
        service.allowed_hosts = [h.lower() for h in hosts if h]
        service.authorize_params = dict(self._authorize_params)
        verify_url = data.get("verify_url", "")
        if verify_url and not verify_url.lower().startswith(("http://", "https://")):
            verify_url = service.api_base_url.rstrip("/") + "/" + verify_url.lstrip("/")
        service.verify = (
            {"method": data.get("verify_method") or "GET", "url": verify_url, "body": None}
            if verify_url
            else {}
        )
        return service


class SelfClientForm(forms.Form):
    """A self-client grant code and the client it was generated for; all write-only but the id."""

    client_id = forms.CharField(max_length=300, label="Client ID")
    client_secret = _secret_field("Client secret")
    code = _secret_field("Grant code")
    code.help_text = "Generated for the connection's scopes; valid for a few minutes."
