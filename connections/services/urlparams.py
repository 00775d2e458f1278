"""Filling a service's ``{placeholders}`` (a Shopify shop, a QuickBooks realm) safely.

A value is spliced into a URL only after it matched its parameter's pattern, and URL-quoted.
The filled URL must keep the scheme and network location its template declares; where the
template's host has a placeholder, the result must be a plain host name inside the service's
allowed hosts. Anything else raises ``UrlParamError``: no value can re-point a URL that a
client secret, a code or a token is sent to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, urlsplit, urlunsplit

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from connections.broker.addresses import host_matches
from connections.models import AuthType, Service
from connections.schemas import (
    FLOW_URL_FIELDS,
    PLACEHOLDER_RE,
    DataCentre,
    UrlParam,
    may_come_from_callback,
    placeholders,
)

URL_FIELDS = (*FLOW_URL_FIELDS, "api_base_url")
HOST_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


class UrlParamError(ValueError):
    """A URL could not be filled safely; ``param`` names the value at fault, if one is."""

    def __init__(self, message: str, param: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.param = param


class UrlParamMissing(UrlParamError):
    """A placeholder in the URL's host has no value yet."""


def invalid_value(param: UrlParam) -> str:
    return f"This is not a valid value for {param.label}: it must match {param.pattern}"


def _params(service: Service) -> dict[str, UrlParam]:
    return {param.name: param for param in service.url_param_list()}


def _substitute(
    text: str, params: Mapping[str, UrlParam], values: Mapping[str, str], *, strict: bool = True
) -> str:
    """Splice valid values in; an invalid one raises, or with ``strict=False`` stays unfilled."""

    def one(match: re.Match[str]) -> str:
        param, value = params.get(match.group(1)), values.get(match.group(1))
        if param is None or not value:
            return match.group(0)  # no value (yet): left for the caller's checks
        if not param.matches(value):
            if not strict:
                return match.group(0)
            raise UrlParamError(invalid_value(param), param.name)
        return quote(value, safe="")

    return PLACEHOLDER_RE.sub(one, text)


def data_centre(service: Service, key: str) -> DataCentre | None:
    """The data centre ``key`` names, when it is not the default one (the URLs' own)."""
    centres = service.data_centre_list()
    if not key or not centres or key == centres[0].key:
        return None
    for centre in centres:
        if centre.key == key:
            return centre
    raise UrlParamError(f"{service.name} has no data centre {key!r}.")


def _move(url: str, centre: DataCentre | None) -> str:
    """``url`` on ``centre``'s host for its host (only the host changes)."""
    if centre is None or not url:
        return url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    moved = centre.host(host)
    if moved == host:
        return url
    netloc = moved if parts.port is None else f"{moved}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def allowed_hosts(
    service: Service, values: Mapping[str, str], data_centre_key: str = ""
) -> tuple[str, ...]:
    """The service's allowed hosts with valid values filled in, in the chosen data centre.

    A host whose value is missing or invalid keeps its ``{placeholder}``, which matches no
    real host: the list never turns empty (empty would mean "any host").
    """
    params = _params(service)
    centre = data_centre(service, data_centre_key)
    hosts = (
        _substitute(host, params, values, strict=False).lower() for host in service.allowed_hosts
    )
    return tuple(centre.host(host) if centre else host for host in hosts)


def fill(
    service: Service, template: str, values: Mapping[str, str], data_centre_key: str = ""
) -> str:
    """``template`` with ``values`` spliced in, on the chosen data centre's host, or
    ``UrlParamError``."""
    return _move(_fill(service, template, values), data_centre(service, data_centre_key))


def _fill(service: Service, template: str, values: Mapping[str, str]) -> str:
    if not template or "{" not in template:
        return template
    params = _params(service)
    filled = _substitute(template, params, values)
    try:
        declared, result = urlsplit(template), urlsplit(filled)
        host = (result.hostname or "").lower()
    except ValueError:
        raise UrlParamError("The filled-in URL is malformed.") from None
    in_host = sorted(placeholders(declared.netloc))
    missing = [name for name in in_host if name not in params or not values.get(name)]
    if missing:
        label = params[missing[0]].label if missing[0] in params else missing[0]
        raise UrlParamMissing(f"Fill in {label} first.", missing[0])
    culprit = in_host[0] if len(in_host) == 1 else ""
    expected_netloc = _substitute(declared.netloc, params, values)
    if result.scheme != declared.scheme or result.netloc != expected_netloc:
        raise UrlParamError("The filled-in URL does not keep its declared host.", culprit)
    if in_host and not (
        HOST_NAME_RE.match(host) and host_matches(host, allowed_hosts(service, values))
    ):
        raise UrlParamError(
            f"The filled-in URL would go to {host or 'no host'}, outside the hosts this service "
            f"allows ({', '.join(service.allowed_hosts) or 'none'}).",
            culprit,
        )
    return filled


def required(service: Service, param: UrlParam) -> bool:
    """An OAuth 2.0 service may leave an API-base-URL-only value for later (or the redirect)."""
    used_in_flow = any(param.name in placeholders(getattr(service, f)) for f in FLOW_URL_FIELDS)
    return service.auth_type != AuthType.OAUTH2 or used_in_flow


def clean_values(service: Service, values: Mapping[str, str]) -> dict[str, str]:
    """A new connection's values, checked; raises ``ValidationError`` keyed ``url_<name>``.

    Values for names the service does not declare are dropped.
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for param in service.url_param_list():
        value = values.get(param.name) or ""
        if not value:
            if required(service, param):
                errors[f"url_{param.name}"] = f"Please fill in {param.label}."
        elif not param.matches(value):
            errors[f"url_{param.name}"] = invalid_value(param)
        else:
            cleaned[param.name] = value
    if errors:
        raise ValidationError(errors)
    for field in URL_FIELDS:
        try:
            fill(service, getattr(service, field), cleaned)
        except UrlParamMissing as error:
            missing_param = _params(service).get(error.param)
            if missing_param is None or required(service, missing_param):
                raise ValidationError({f"url_{error.param}": error.message}) from None
        except UrlParamError as error:
            key = f"url_{error.param}" if error.param else NON_FIELD_ERRORS
            raise ValidationError({key: error.message}) from None
    return cleaned


def callback_params(service: Service) -> list[UrlParam]:
    """The parameters a provider's redirect may fill in (marked, and safe to take from it)."""
    urls = {field: getattr(service, field) for field in URL_FIELDS}
    return [
        param
        for param in service.url_param_list()
        if param.from_callback and may_come_from_callback(param.name, urls, service.allowed_hosts)
    ]
