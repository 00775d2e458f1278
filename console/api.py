"""The REST API root (``/api/v1/``, OpenAPI at ``/api/v1/openapi.json``); apps add routers.

It also holds what every endpoint shares about input, so that bad input gets the same 4xx
from every router and on every database, never a 500: ``Int64`` for integer parameters,
``json_body`` for request bodies, ``unstorable`` for values a database cannot keep, a check
of every request's path, query and headers, and the handlers that turn ``ApiError`` and
over-large bodies into JSON errors.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, NinjaAPI, Schema

api = NinjaAPI(title="Topping Console API", version="1", urls_namespace="api")

# Integer columns are signed 64-bit: a larger number in a filter or an id overflows in the
# driver (OverflowError on SQLite, DataError on PostgreSQL) instead of matching nothing, so
# parameters typed with these are refused with 422 before any query.
INT64_MAX = 2**63 - 1
Int64 = Annotated[int, Field(ge=-INT64_MAX - 1, le=INT64_MAX)]


class ApiError(Exception):
    """Raise from any endpoint or helper to answer ``{"error": code, "message": ...}``."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def error_response(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": code, "message": message, **extra}, status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, error: ApiError) -> JsonResponse:
    return error_response(error.status, error.code, error.message, **error.extra)


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, error: RequestDataTooBig) -> JsonResponse:
    # Django raises this when an endpoint reads a body declared larger than its upload
    # limit (DATA_UPLOAD_MAX_MEMORY_SIZE); left alone it becomes Django's HTML error page.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_response(413, "too_large", f"The body is over {limit} bytes.")


def refuse_nul_in_request(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a NUL in the path, query or headers before authentication and parameters.

    PostgreSQL cannot compare text holding U+0000 (psycopg raises DataError), so a ``%00``
    in an id, a filter, a connection's name or the API key would be a 500 there and a 404
    on SQLite. Applied to every operation of every router (``api.add_decorator`` below).
    """

    @functools.wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        query = [text for key, values in request.GET.lists() for text in (key, *values)]
        if any("\x00" in text for text in [request.path, *query, *request.headers.values()]):
            return error_response(
                400, "bad_request", "The path, query and headers must not contain NUL characters."
            )
        return run(request, *args, **kwargs)

    return checked


api.add_decorator(refuse_nul_in_request, mode="view")


def no_constants(name: str) -> Any:
    # NaN and Infinity are not JSON (Python accepts them; PostgreSQL's jsonb does not).
    raise ValueError(f"{name} is not JSON")


def json_body(request: HttpRequest) -> Any:
    """The request body parsed as strict JSON (``null`` when empty); 400 when it is not."""
    try:
        return json.loads(request.body or b"null", parse_constant=no_constants)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python goes
        raise ApiError(400, "bad_json", "The body is not valid JSON.") from None


def body_doc(schema: dict) -> dict:
    """``openapi_extra`` documenting a JSON body that an endpoint reads with ``json_body``."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


_UNSTORABLE_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def unstorable(value: Any) -> str | None:
    """Why a parsed JSON value (keys included, at any depth) cannot be stored, or None.

    PostgreSQL refuses U+0000 in jsonb and text; a lone UTF-16 surrogate (``"\\ud800"``,
    which JSON's escapes allow) cannot be encoded as UTF-8, so SQLite's text columns fail on
    it while its JSON columns keep it escaped; a number beyond a double (``1e400``) parses
    as infinity, which is not JSON. Refusing them all here answers the same on every
    database.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = _UNSTORABLE_CHARACTER.search(item)
            if found is not None:
                if found.group() == "\x00":
                    return "must not contain NUL characters"
                return "must not contain lone surrogates (unpaired \\ud800-\\udfff escapes)"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "must be a finite number"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def unstorable_fields(data: dict) -> dict[str, str]:
    """``unstorable`` for each key and value of an object: field -> why, for a 422."""
    return {key: problem for key, value in data.items() if (problem := unstorable([key, value]))}


class Health(Schema):
    status: str


@api.get("/health", response=Health, auth=None, tags=["console"])
def health(request):
    return {"status": "ok"}
