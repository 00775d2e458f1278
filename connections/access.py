"""Loading connections and custom services for a request: 404 for anyone outside the topping."""

from __future__ import annotations

from django.http import Http404

from connections.models import Connection, Service
from console.access import get_topping_for_user


def get_connection_for_user(user, namespace: str, link_name: str) -> Connection:
    topping = get_topping_for_user(user, namespace)
    connection = (
        topping.connections.select_related("service", "topping").filter(link_name=link_name).first()
    )
    if connection is None:
        raise Http404("No such connection.")
    return connection


def get_service_for_user(user, namespace: str, key: str) -> Service:
    """A catalog service or one of the topping's custom services."""
    topping = get_topping_for_user(user, namespace)
    service = Service.objects.usable_by(topping).filter(key=key).order_by("topping").last()
    if service is None:
        raise Http404("No such service.")
    return service


def get_custom_service_for_user(user, namespace: str, key: str) -> Service:
    topping = get_topping_for_user(user, namespace)
    service = topping.custom_services.filter(key=key).first()
    if service is None:
        raise Http404("No such custom service.")
    return service
