"""A rule action that calls a URL, optionally signed with one of the topping's connections.

The URL, headers and body may hold ``${Module.Field}`` placeholders, filled from the
event's record when the action runs (URL-encoded in the URL).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.core.exceptions import ValidationError

import deluge
from workflows.actions.base import ActionForm
from workflows.host import is_transient_status
from workflows.models import Action, Execution, Rule
from workflows.outcome import Outcome, failure, host_failure, new_host

name = "webhook"
label = "Webhook"
needs_record = False

METHODS = ["POST", "PUT", "PATCH", "GET", "DELETE"]
WRITTEN_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")  # anything the form must check
PLACEHOLDER = re.compile(r"\$\{\s*([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\s*\}")
MAX_RETURNED = 2000  # characters of the answer kept as the return value


@dataclass(frozen=True)
class Config:
    """``{"method", "url", "headers": [[name, value]], "body", "connection"}``"""

    method: str = "POST"
    url: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    connection: str = ""  # a connection's link name, or "" for none

    @classmethod
    def load(cls, data: dict) -> Config:
        return cls(
            method=str(data.get("method", "POST")),
            url=data.get("url", ""),
            headers=tuple((str(k), str(v)) for k, v in data.get("headers", [])),
            body=data.get("body") or "",
            connection=data.get("connection") or "",
        )

    def dump(self) -> dict:
        return {
            "method": self.method,
            "url": self.url,
            "headers": [[k, v] for k, v in self.headers],
            "body": self.body,
            "connection": self.connection,
        }


class Form(ActionForm):
    kind = name

    method = forms.ChoiceField(choices=[(m, m) for m in METHODS], initial="POST")
    url = forms.CharField(
        label="URL", max_length=2000, help_text="May hold placeholders such as ${Contacts.Email}."
    )
    headers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: Header-Name: value",
    )
    body = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text='A template, e.g. {"email": "${Contacts.Email}"}',
    )
    connection = forms.ChoiceField(
        required=False, help_text="Sign the call with a connection's credential."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = self.rule.topping.connections.values_list("link_name", "name")
        self.fields["connection"].choices = [("", "No connection"), *names]
        config = Config.load(self.instance.config)
        self.initial.update(
            method=config.method,
            url=config.url,
            headers="\n".join(f"{k}: {v}" for k, v in config.headers),
            body=config.body,
            connection=config.connection,
        )

    def _check_placeholders(self, text: str) -> list[str]:
        unknown = []
        for inner in WRITTEN_PLACEHOLDER.findall(text):
            owner, _, field = inner.strip().partition(".")
            if owner != self.module.api_name or self.module.field(field) is None:
                unknown.append("${" + inner + "}")
        return unknown

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if not re.match(r"^https?://[^/\s$]", url):
            raise ValidationError("Start the URL with http:// or https:// and a host.")
        return url

    def clean_headers(self) -> list[tuple[str, str]]:
        headers = []
        for line in self.cleaned_data["headers"].splitlines():
            if not line.strip():
                continue
            header, colon, value = line.partition(":")
            if not colon or not re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", header.strip()):
                raise ValidationError(f"“{line.strip()}” is not “Header-Name: value”.")
            headers.append((header.strip(), value.strip()))
        return headers

    def clean(self) -> dict:
        data = super().clean()
        for field in ("url", "headers", "body"):
            unknown = self._check_placeholders(str(self.data.get(field, "")))
            if unknown:
                self.add_error(
                    field,
                    f"Unknown placeholder {', '.join(unknown)}: use ${{{self.module.api_name}"
                    ".Field}} with a field of the module.",
                )
        return data

    def config_from(self, data: dict) -> Config:
        return Config(
            method=data["method"],
            url=data["url"],
            headers=tuple(data["headers"]),
            body=data.get("body", ""),
            connection=data.get("connection", ""),
        )


def summary(action: Action) -> str:
    config = Config.load(action.config)
    return f"{config.method} {config.url}"


def connection_names(config: Config) -> list[str]:
    return [config.connection] if config.connection else []


def check_limits(rule: Rule, others: Sequence[Action]) -> str:
    return ""


def fill_template(text: str, module: str, record: dict, *, encode: bool = False) -> str:
    """Replace ``${Module.Field}`` with the record's values (URL-encoded in URLs)."""

    def value(match: re.Match) -> str:
        owner, field = match.groups()
        if owner != module:
            return match.group(0)
        raw = record.get(field)
        if isinstance(raw, dict):
            raw = raw.get("name", raw.get("id", ""))
        text = "" if raw is None else json.dumps(raw) if isinstance(raw, list) else str(raw)
        return quote(text, safe="") if encode else text

    return PLACEHOLDER.sub(value, text)


def run(execution: Execution) -> Outcome:
    config = Config.load(execution.action.config) if execution.action else Config()
    record = execution.event.record if execution.event else {}
    module = execution.module
    method = config.method.upper()
    url = fill_template(config.url, module, record, encode=True)
    headers = {k: fill_template(v, module, record) for k, v in config.headers}
    headers["Idempotency-Key"] = execution.idempotency_key
    body = fill_template(config.body, module, record) if config.body else None
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    host = new_host(execution)
    try:
        response = host.http(
            method,
            url,
            connection=config.connection or None,
            headers=headers,
            body=body if method not in ("GET", "DELETE") else None,
            kind=name,
        )
    except deluge.DelugeRuntimeError as error:
        return host_failure(error, host)
    returned = response.text[:MAX_RETURNED]
    if response.status >= 400:
        return failure(
            f"{method} answered {response.status}",
            transient=is_transient_status(response.status),
            return_value=returned,
            calls=host.calls,
        )
    return Outcome(True, return_value=returned, calls=host.calls)
