"""The host the Deluge engine calls when a function runs in the console.

``invokeurl`` goes through the connections broker (with the named connection's credential,
or none), integration tasks reach a record store, ``sendmail`` uses Django's e-mail
backend and ``info`` lines are kept. Every outbound call leaves a redacted record in
``calls``. A sandbox may set ``intercept`` to answer calls from stubs first.
"""

from __future__ import annotations

import datetime as dt
import json as jsonlib
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.utils import timezone

from connections import broker
from connections.services import tokens
from connections.services.send import ConnectionUnusable, resolve, send
from connections.services.urlparams import UrlParamError
from deluge import (
    DelugeLimitError,
    DelugeRuntimeError,
    Host,
    HttpResponse,
    InvokeRequest,
    shape_response,
)
from workflows import books, records

TRANSIENT_BROKER_CODES = {"timeout", "connection"}


class TransientError(DelugeRuntimeError):
    """A failure worth retrying: a timeout, a refused connection, 429 or 5xx."""


def absolute_url(connection, url: str) -> str:
    """A connection's relative URL joined to its service's API base URL."""
    if url.lower().startswith(("http://", "https://")):
        return url
    try:
        filled = tokens.fill_url(connection.service.api_base_url, connection)
    except UrlParamError as error:  # a stored value that no longer passes its pattern
        raise DelugeRuntimeError(str(error)) from None
    return urljoin(filled.rstrip("/") + "/", url.lstrip("/"))


def _with_query(url: str, params: Any) -> str:
    """``url`` with query ``params`` given apart from it, as the trace shows the call."""
    if not params or not isinstance(params, dict):
        return url
    return (
        url
        + ("&" if "?" in url else "?")
        + urlencode({str(k): _text(v) for k, v in params.items()})
    )


def is_transient_status(status: int) -> bool:
    return status == 429 or status >= 500


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return jsonlib.dumps(value, default=str)
    return "" if value is None else str(value)


def _form_pairs(value: Any) -> dict:
    return {str(k): _text(v) for k, v in value.items()}


class WorkflowHost(Host):
    def __init__(
        self,
        topping,
        *,
        environment: str,
        user=None,
        intercept: Callable[[str, str, dict], HttpResponse | None] | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        self.topping = topping
        self.environment = environment
        self.user = user
        self.intercept = intercept
        # Sees every real (not stubbed) response: the sandbox records them as stubs.
        self.observe: Callable[[str, str, HttpResponse], None] | None = None
        # What ``intercept`` adds to the trace of the call it answered (emulated, bodies).
        self.intercept_detail: dict[str, Any] = {}
        self.idempotency_key = idempotency_key
        self.calls: list[dict] = []
        self.transient = False
        self.mail_recipients = 0
        self.timezone = settings.TIME_ZONE
        self._store = None

    # -------------------------------------------------------------- who and when
    def now(self) -> dt.datetime:
        return timezone.localtime().replace(tzinfo=None)

    def login_user_id(self) -> str:
        return getattr(self.user, "email", "") or "console@localhost"

    def login_user(self) -> str:
        if self.user is None:
            return "Console"
        return self.user.get_full_name() or self.user.email

    # -------------------------------------------------------------------- HTTP
    def http(
        self,
        method: str,
        url: str,
        *,
        connection: str | None = None,
        params: Any = None,
        headers: dict | None = None,
        body: Any = None,
        kind: str = "invokeurl",
    ) -> HttpResponse:
        """One call through stubs (sandbox) or the broker, recorded without secrets."""
        started = time.perf_counter()
        entry: dict[str, Any] = {"kind": kind, "method": method, "url": url}
        if connection:
            entry["connection"] = connection
        try:
            options = {"params": params, "headers": headers, "body": body}
            if self.intercept is not None:
                target = url
                if connection:
                    # A stubbed call still needs the connection, so that tests are faithful.
                    target = absolute_url(resolve(connection, topping=self.topping), url)
                entry["url"] = _with_query(target, params)
                answer = self.intercept(method, target, {"connection": connection, **options})
                if answer is not None:
                    entry.update(status=answer.status, stubbed=True, **self.intercept_detail)
                    self.intercept_detail = {}
                    return answer
            if connection:
                response = send(
                    connection,
                    method,
                    url,
                    user=self.user,
                    topping=self.topping,
                    environment=self.environment,
                    **options,
                )
            else:
                response = broker.send(method, url, params=params, headers=headers, data=body)
            entry.update(url=response.record.url, status=response.status)
            answer = HttpResponse(response.status, response.text(), dict(response.headers))
            if self.observe is not None:
                self.observe(method, response.record.url, answer)
            return answer
        except ConnectionUnusable as error:
            entry["error"] = error.message
            raise DelugeRuntimeError(error.message) from None
        except broker.BrokerError as error:
            entry.update(url=error.record.url, error=error.message)
            if error.code in TRANSIENT_BROKER_CODES:
                self.transient = True
                raise TransientError(f"{method} {error.record.url}: {error.message}") from None
            raise DelugeRuntimeError(f"{method} {error.record.url}: {error.message}") from None
        finally:
            entry["ms"] = round((time.perf_counter() - started) * 1000, 1)
            self.calls.append(entry)

    def invoke_url(self, request: InvokeRequest) -> Any:
        method = request.method.upper()
        headers = {str(k): _text(v) for k, v in (request.headers or {}).items()}
        if request.content_type:
            headers.setdefault("Content-Type", request.content_type)
        params, body = None, request.body
        if isinstance(request.parameters, dict):
            if method in ("GET", "DELETE") or body is not None:
                params = _form_pairs(request.parameters)
            else:
                body = _form_pairs(request.parameters)
        elif request.parameters is not None:
            body = _text(request.parameters)
        if isinstance(body, dict | list) and not isinstance(request.parameters, dict):
            body = jsonlib.dumps(body, default=str)
            headers.setdefault("Content-Type", "application/json")
        response = self.http(
            method,
            request.url,
            connection=request.connection,
            params=params,
            headers=headers,
            body=body,
        )
        return shape_response(request, response)

    # ------------------------------------------------------------ integration
    def store(self) -> records.RecordStore:
        """Where ``zoho.crm.*`` / ``zoho.bigin.*`` tasks go: the host's REST API through the
        topping's connection (the sandbox's host overrides this with its emulated records)."""
        if self._store is None:
            self._store = records.HostApiStore(self.topping, self.user, self._host_api)
        return self._store

    def _host_api(self, connection: str, method: str, path: str, params, body) -> Any:
        payload = None if body is None else jsonlib.dumps(body, default=str)
        headers = {"Content-Type": "application/json"} if payload else {}
        response = self.http(
            method, path, connection=connection, params=params, headers=headers, body=payload
        )
        return shape_response(InvokeRequest(url=path), response)

    def integration(self, app: str, task: str, args: list) -> Any:
        if app.lower() == "books":
            rest, connection = records.take_connection("books", task, list(args))
            return books.perform(self, task, rest, connection)
        if app.lower() not in records.HOST_APPS:
            return super().integration(app, task, args)
        call = records.parse_task(app.lower(), task, args)
        return self.store().perform(call)

    # -------------------------------------------------------------------- mail
    def count_recipients(self, count: int) -> None:
        """Refuse mail past ``WORKFLOW_MAIL_PER_RUN`` recipients in this run or
        ``WORKFLOW_MAIL_PER_HOUR`` in this topping's clock hour (counted in the shared cache,
        so every worker sees the same count)."""
        per_run = settings.WORKFLOW_MAIL_PER_RUN
        if self.mail_recipients + count > per_run:
            raise DelugeLimitError(
                "mail_per_run", f"sendmail may reach at most {per_run} recipients in one run"
            )
        per_hour = settings.WORKFLOW_MAIL_PER_HOUR
        key = f"workflows:mail:{self.topping.pk}:{int(time.time() // 3600)}"
        cache.add(key, 0, timeout=3700)
        try:
            total = cache.incr(key, count)
        except ValueError:  # the key expired in between: this hour starts now
            cache.set(key, count, timeout=3700)
            total = count
        if total > per_hour:
            cache.decr(key, count)
            raise DelugeLimitError(
                "mail_per_hour",
                f"sendmail may reach at most {per_hour} recipients an hour for this topping",
            )
        self.mail_recipients += count

    def send_mail(self, params: dict) -> Any:
        def addresses(key: str) -> list[str]:
            value = params.get(key)
            if value in (None, ""):
                return []
            items = value if isinstance(value, list) else str(value).split(",")
            return [str(a).strip() for a in items if str(a).strip()]

        to = addresses("to")
        if not to:
            raise DelugeRuntimeError("sendmail needs a “to” address")
        self.count_recipients(len(to) + len(addresses("cc")) + len(addresses("bcc")))
        message = EmailMessage(
            subject=_text(params.get("subject")),
            body=_text(params.get("message")),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=to,
            cc=addresses("cc"),
            bcc=addresses("bcc"),
            reply_to=addresses("from") or None,
        )
        if "html" in str(params.get("content type", params.get("content-type", ""))).lower():
            message.content_subtype = "html"
        started = time.perf_counter()
        message.send()
        self.calls.append(
            {
                "kind": "sendmail",
                "to": to,
                "subject": message.subject[:200],
                "ms": round((time.perf_counter() - started) * 1000, 1),
            }
        )
        return None
