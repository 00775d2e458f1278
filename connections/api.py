"""``/api/v1/connections/<namespace>__<link>/proxy/<path>``: call a service with its credential.

Authenticated by a per-topping API key; the connection must belong to the key's topping.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from connections import broker
from connections.services.send import ConnectionUnusable, parse_ref, send
from console.apikeys import ToppingKey

router = Router(tags=["connections"])

# Request headers passed on; everything else (cookies, auth, hop-by-hop) stays here.
FORWARDED_HEADERS = ("content-type", "accept", "accept-language", "if-none-match", "if-match")
RETURNED_HEADERS = ("content-type", "etag", "last-modified", "retry-after", "location")
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@router.api_operation(
    METHODS, "/connections/{ref}/proxy/{path:path}", auth=ToppingKey(), url_name="connection_proxy"
)
def proxy(request: HttpRequest, ref: str, path: str) -> HttpResponse:
    topping = request.api_topping
    if parse_ref(ref).namespace != topping.namespace:
        return JsonResponse({"error": "not_found", "message": "No such connection."}, status=404)
    headers = {k: v for k, v in request.headers.items() if k.lower() in FORWARDED_HEADERS}
    try:
        response = send(
            ref,
            request.method,
            path,
            params=[(k, v) for k, vs in request.GET.lists() for v in vs] or None,
            headers=headers,
            body=request.body or None,
            topping=topping,
        )
    except ConnectionUnusable as error:
        status = 404 if "no connection" in error.message.lower() else 409
        return JsonResponse(
            {"error": "connection_unusable", "message": error.message}, status=status
        )
    except broker.BrokerError as error:
        return JsonResponse({"error": error.code, "message": error.message}, status=502)
    result = HttpResponse(response.content, status=response.status)
    for name in RETURNED_HEADERS:
        value = response.headers.get(name) or response.headers.get(name.title())
        if value:
            result[name] = value
    return result
