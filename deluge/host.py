"""What a script can reach outside itself: HTTP, Zoho integration tasks, mail, the clock.

The engine only ever calls the methods of ``Host``; the console supplies its own host
(real connections, sandbox records), tests and the command line use ``StandaloneHost``.
Whatever a host raises becomes a DelugeRuntimeError at the task's position.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any

from .errors import DelugeRuntimeError


@dataclass(slots=True)
class InvokeRequest:
    """The parameters of one ``invokeurl`` (or ``getUrl``/``postUrl``) call."""

    url: str
    method: str = "GET"
    headers: dict[str, Any] = field(default_factory=dict)
    parameters: Any = None  # a Map (form fields / query) or a String (raw body)
    body: Any = None
    content_type: str | None = None
    connection: str | None = None
    detailed: bool = False
    response_format: str | None = None
    response_decoding: str | None = None
    files: Any = None
    raw: dict[str, Any] = field(
        default_factory=dict
    )  # every block parameter as written, lower-case keys
    timeout: float = 40.0
    max_response_bytes: int = 5 * 1024 * 1024


@dataclass(slots=True)
class HttpResponse:
    """What a host got back; ``shape_response`` turns it into the script's value."""

    status: int = 200
    text: str = ""
    headers: dict[str, Any] = field(default_factory=dict)


def shape_response(request: InvokeRequest, response: HttpResponse) -> Any:
    """The value ``invokeurl`` returns: JSON parsed to Map/List when the body is JSON,
    else the text; with ``detailed: true`` a Map of responseCode, responseText, responseHeader.
    """
    body: Any = response.text
    stripped = body.strip()
    if stripped[:1] in ("{", "["):
        try:
            from .runtime.values import from_json

            body = from_json(stripped)
        except Exception:
            body = response.text
    if request.detailed:
        return {
            "responseCode": response.status,
            "responseText": body,
            "responseHeader": dict(response.headers),
        }
    return body


class Host:
    """Base host: every outside-world call is refused with a clear message."""

    timezone: str = "UTC"

    def invoke_url(self, request: InvokeRequest) -> Any:
        raise DelugeRuntimeError(f"invokeurl is not available in this console ({request.url})")

    def integration(self, app: str, task: str, args: list[Any]) -> Any:
        raise DelugeRuntimeError(f"zoho.{app}.{task} is not available in this console")

    def call_function(self, namespace: str, name: str, args: list[Any]) -> Any:
        raise DelugeRuntimeError(f"function {namespace}.{name} is not available in this console")

    def send_mail(self, params: dict[str, Any]) -> Any:
        raise DelugeRuntimeError("sendmail is not available in this console")

    def info(self, text: str) -> None:
        """Called with each ``info`` line as it happens (the run result collects them too)."""

    def now(self) -> _dt.datetime:
        return _dt.datetime.now()

    def login_user_id(self) -> str:
        return "user@example.com"

    def login_user(self) -> str:
        return "Console User"

    def admin_user_id(self) -> str:
        return self.login_user_id()

    def variable(self, name: str) -> Any:
        """``zoho.<name>`` system variables other than the date/user ones (appname...)."""
        raise DelugeRuntimeError(f"zoho.{name} is not available in this console")


class StandaloneHost(Host):
    """For tests and the command line: canned HTTP answers, in-memory records, no network.

    ``http_fixtures`` maps ``"METHOD URL"`` (or just ``URL``) to a response: a Map/List
    (sent back as JSON), a String, or ``{"status": 404, "body": ..., "headers": {...}}``.
    ``records`` maps module name to a list of record maps for zoho.crm/bigin tasks.
    Every call is recorded in ``calls``; sent mail in ``mails``; info lines in ``lines``.
    """

    def __init__(
        self,
        http_fixtures: dict[str, Any] | None = None,
        records: dict[str, list[dict[str, Any]]] | None = None,
        now: _dt.datetime | None = None,
        user_id: str = "user@example.com",
        user: str = "Console User",
        timezone: str = "UTC",
    ) -> None:
        self.http_fixtures = dict(http_fixtures or {})
        self.records = {k.lower(): list(v) for k, v in (records or {}).items()}
        self._now = now
        self.user_id = user_id
        self.user = user
        self.timezone = timezone
        self.calls: list[tuple[str, Any]] = []
        self.mails: list[dict[str, Any]] = []
        self.lines: list[str] = []

    def now(self) -> _dt.datetime:
        return self._now or _dt.datetime.now()

    def login_user_id(self) -> str:
        return self.user_id

    def login_user(self) -> str:
        return self.user

    def info(self, text: str) -> None:
        self.lines.append(text)

    def invoke_url(self, request: InvokeRequest) -> Any:
        self.calls.append(("invokeurl", request))
        key = f"{request.method.upper()} {request.url}"
        if key in self.http_fixtures:
            fixture = self.http_fixtures[key]
        elif request.url in self.http_fixtures:
            fixture = self.http_fixtures[request.url]
        else:
            raise DelugeRuntimeError(
                f"no HTTP fixture for {key} (this console makes no real network calls)"
            )
        return shape_response(request, _fixture_response(fixture))

    def send_mail(self, params: dict[str, Any]) -> Any:
        self.mails.append(params)
        self.calls.append(("sendmail", params))
        return None

    def integration(self, app: str, task: str, args: list[Any]) -> Any:
        self.calls.append((f"zoho.{app}.{task}", list(args)))
        lowered = task.lower()
        if app.lower() in ("crm", "bigin") and args and isinstance(args[0], str):
            rows = self.records.get(args[0].lower())
            if rows is not None:
                if lowered == "getrecordbyid" and len(args) > 1:
                    for row in rows:
                        if str(row.get("id")) == str(args[1]):
                            return row
                    return {}
                if lowered == "getrecords":
                    return list(rows)
                if lowered == "createrecord" and len(args) > 1 and isinstance(args[1], dict):
                    new = dict(args[1])
                    new.setdefault("id", str(len(rows) + 1))
                    rows.append(new)
                    return {"id": new["id"]}
                if lowered == "updaterecord" and len(args) > 2 and isinstance(args[2], dict):
                    for row in rows:
                        if str(row.get("id")) == str(args[1]):
                            row.update(args[2])
                            return {"id": row["id"]}
                    return {}
        return super().integration(app, task, args)


def _fixture_response(fixture: Any) -> HttpResponse:
    if (
        isinstance(fixture, dict)
        and type(fixture.get("status")) is int
        and set(fixture) <= {"status", "body", "headers"}
    ):
        body = fixture.get("body", "")
        text = body if isinstance(body, str) else json.dumps(body)
        return HttpResponse(int(fixture["status"]), text, dict(fixture.get("headers") or {}))
    if isinstance(fixture, str):
        return HttpResponse(200, fixture, {})
    return HttpResponse(200, json.dumps(fixture), {"Content-Type": "application/json"})


def normalise_method(value: Any) -> str:
    # unknown verbs pass through upper-cased: the host decides whether to allow them
    return str(value or "GET").strip().upper()
