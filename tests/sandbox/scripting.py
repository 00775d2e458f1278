"""Running Deluge snippets through the sandbox host, for the stub and collection tests."""

from __future__ import annotations

import deluge
from sandbox.models import SandboxSettings, Stub
from sandbox.stubs import SandboxHost

API = "https://api.example.com/v1"


def settings_for(topping, **fields) -> SandboxSettings:
    settings = SandboxSettings.of(topping)
    for key, value in fields.items():
        setattr(settings, key, value)
    settings.save()
    return settings


def execute(topping, owner, code: str, args: dict | None = None):
    """Run ``code`` with a fresh sandbox host; return (result, host)."""
    host = SandboxHost(topping, environment="sandbox", user=owner)
    return deluge.compile_script(code).run(args or {}, host=host), host


def run(topping, owner, code: str, args: dict | None = None):
    result, host = execute(topping, owner, code, args)
    assert result.error is None, result.error
    return result.return_value, host


def call(method: str, url: str, extra: str = "") -> str:
    return f'return invokeurl [ url: "{url}" type: {method} detailed: true {extra} ];'


def stub(topping, pattern: str, body: str = "", **fields) -> Stub:
    return Stub.objects.create(topping=topping, url_pattern=pattern, body=body, **fields)
