"""Turn a credential into what the broker attaches to a request, as the service says."""

from __future__ import annotations

from django.views.decorators.debug import sensitive_variables
from requests.auth import AuthBase, HTTPBasicAuth
from requests_oauthlib import OAuth1

from connections.broker import Injection
from connections.models import AuthType, Connection, Credential, ParamType
from connections.services import urlparams


def _place(
    param_type: str,
    name: str,
    value: str,
    headers: dict[str, str],
    query: dict[str, str],
    form: dict[str, str],
) -> None:
    target: dict[str, dict[str, str]] = {
        ParamType.HEADER: headers,
        ParamType.QUERY: query,
        ParamType.FORM: form,
    }
    target.get(param_type, headers)[name] = value


def allowed_hosts(connection: Connection) -> tuple[str, ...]:
    return urlparams.allowed_hosts(
        connection.service, connection.url_values, connection.data_centre
    )


@sensitive_variables()
def injection_for(connection: Connection, credential: Credential) -> Injection:
    service = connection.service
    secrets = credential.secrets
    headers: dict[str, str] = dict(service.custom_headers)
    query: dict[str, str] = {}
    form: dict[str, str] = {}
    auth: AuthBase | None = None
    if service.auth_type in (AuthType.OAUTH2, AuthType.BEARER):
        token = secrets.access_token
        if service.param_type == ParamType.HEADER:
            prefix = service.token_prefix if service.auth_type == AuthType.OAUTH2 else "Bearer"
            value = f"{prefix} {token}" if prefix else token
            headers[service.header_name or "Authorization"] = value
        else:
            _place(service.param_type, "access_token", token, headers, query, form)
    elif service.auth_type == AuthType.API_KEY:
        params = service.key_params()
        header_params = [p for p in params if p.param_type == ParamType.HEADER]
        for param in params:
            value = param.header_prefix + secrets.values.get(param.name, "")
            name = param.name
            if (
                param.param_type == ParamType.HEADER
                and service.header_name
                and len(header_params) == 1
            ):
                name = service.header_name
            _place(param.param_type, name, value, headers, query, form)
    elif service.auth_type == AuthType.BASIC:
        auth = HTTPBasicAuth(secrets.values.get("username", ""), secrets.values.get("password", ""))
    elif service.auth_type == AuthType.OAUTH1:
        client_key, client_secret = connection.oauth_client()
        auth = OAuth1(
            client_key,
            client_secret=client_secret,
            resource_owner_key=secrets.access_token,
            resource_owner_secret=secrets.token_secret,
        )
    client_secret = connection.oauth_client()[1]
    return Injection(
        headers=headers,
        query=query,
        form=form,
        secrets=tuple(s for s in (*secrets.all_values(), client_secret) if s),
        auth=auth,
        allowed_hosts=allowed_hosts(connection),
    )
