"""``/api/v1/toppings/<namespace>/...``: installation and versions, for the host.

Authenticated with a topping API key, like the event ingress.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from console.api import error_response
from console.apikeys import ToppingKey, own_topping
from releases import services
from workflows import isolation

router = Router(tags=["releases"])


class ExecutionRef(Schema):
    id: int
    status: str


class InstallOut(Schema):
    version: int
    installed: bool  # this call installed the version
    already_installed: bool
    execution: ExecutionRef | None


class VersionOut(Schema):
    number: int
    notes: str
    author: str | None
    created_at: datetime
    current: bool
    installed_at: datetime | None
    snapshot: dict[str, Any]

    @staticmethod
    def resolve_author(version) -> str | None:
        return version.author.email if version.author else None


@router.post(
    "/toppings/{namespace}/install",
    auth=ToppingKey(),
    response={200: InstallOut},
    url_name="topping_install",
)
def install(request: HttpRequest, namespace: str):
    """The host installed the topping: run the current version's "On installation" function,
    once per version. Calling again for the same version reports ``already_installed``."""
    topping = own_topping(request, namespace)
    if topping is None:
        return error_response(404, "not_found", "No such topping.")
    try:
        version, execution, already = services.install(topping)
    except ValidationError:
        return error_response(
            409, "not_published", "Nothing is published yet: publish a version first."
        )
    except isolation.Busy as busy:
        response = error_response(503, "busy", str(busy))
        response["Retry-After"] = "5"
        return response
    return {
        "version": version.number,
        "installed": not already,
        "already_installed": already,
        "execution": execution,
    }


@router.get(
    "/toppings/{namespace}/versions",
    auth=ToppingKey(),
    response=list[VersionOut],
    url_name="topping_versions",
)
def list_versions(request: HttpRequest, namespace: str):
    """Published versions, newest first."""
    topping = own_topping(request, namespace)
    if topping is None:
        return error_response(404, "not_found", "No such topping.")
    return list(topping.versions.select_related("author"))
