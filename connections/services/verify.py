"""Test connection: the service's "who am I" request, made with one environment's credential.

The request is the service's ``verify`` (declared per catalog entry, filled from discovery's
``userinfo_endpoint`` or typed in for a custom service). It goes through ``send.send`` like
any run's call, so the answer is redacted, the host is checked and a refresh happens when
due; only the first part of the answer is kept for the page.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from connections import broker, hooks
from connections.models import Connection, Environment
from connections.schemas import Verification
from connections.services import send, tokens
from connections.services.urlparams import UrlParamError

if TYPE_CHECKING:
    from console.models import User

EXCERPT_CHARS = 2000


@dataclass(frozen=True)
class VerifyResult:
    """What the page shows: whether it worked, and the provider's answer (redacted)."""

    ok: bool
    environment: str
    summary: str
    method: str = ""
    url: str = ""
    status: int | None = None
    elapsed_ms: float | None = None
    excerpt: str = ""


def _excerpt(text: str) -> str:
    with contextlib.suppress(ValueError):  # not JSON: shown as it came
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "\n…"


def verify(
    connection: Connection, *, user: User | None, environment: str = Environment.PRODUCTION
) -> VerifyResult:
    """Make the verification request of ``connection``'s service and say what came back."""
    check = connection.service.verification()
    if check is None:
        return VerifyResult(
            False,
            environment,
            f"{connection.service.name} declares no verification request; add one to the "
            "service (a read-only “who am I” endpoint) to test connections.",
        )
    method = check.method.upper()
    try:
        url = tokens.fill_url(check.url, connection)
    except UrlParamError as error:
        return VerifyResult(False, environment, f"The test URL cannot be filled: {error.message}")
    if environment == Environment.SANDBOX:
        for answer in hooks.SANDBOX_ANSWERS:
            found = answer(connection, method, url, user)
            if found is not None:
                return _result(check, environment, method, url, found[0], found[1], None)
    try:
        response = send.send(
            connection.qualified_name,
            method,
            url,
            json=check.body if method != "GET" else None,
            headers={"Accept": "application/json"},
            user=user,
            topping=connection.topping,
            environment=environment,
        )
    except send.ConnectionUnusable as error:
        return VerifyResult(False, environment, error.message, method, url)
    except broker.BrokerError as error:
        return VerifyResult(
            False, environment, f"The request failed: {error.message}", method, error.record.url
        )
    return _result(
        check, environment, method, response.record.url, response.status, response.text(),
        response.elapsed_ms,
    )  # fmt: skip


def _result(
    check: Verification,
    environment: str,
    method: str,
    url: str,
    status: int,
    text: str,
    elapsed_ms: float | None,
) -> VerifyResult:
    ok = 200 <= status < 300
    what = check.description or "the provider's answer"
    summary = (
        f"It works: HTTP {status}, {what}."
        if ok
        else f"The provider answered HTTP {status}: the credential was not accepted "
        "for this request (see the answer below)."
    )
    return VerifyResult(
        ok,
        environment,
        summary,
        method,
        url,
        status,
        None if elapsed_ms is None else round(elapsed_ms, 1),
        _excerpt(text),
    )
