"""Error reports that never show a credential: the DEBUG 500 page and error e-mails.

Django's ``SafeExceptionReporterFilter`` hides only what is marked with
``sensitive_variables`` / ``sensitive_post_parameters``, and only while DEBUG is off. A
credential passes through views, services and the broker, so this filter is always on and
also hides, in every frame, locals and POST fields whose names look secret and objects of
the types that carry a credential. Functions that hold raw secrets are still marked with
``sensitive_variables`` so that whole frames (and the frames they call) are hidden.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.views.debug import SafeExceptionReporterFilter
from requests.auth import AuthBase

# Objects that hold a credential; listed lazily so this module imports nothing of the app.
_SECRET_TYPE_PATHS = (
    "connections.schemas.Secrets",
    "connections.broker.client.Injection",
    "connections.broker.redact.Redactor",
    "connections.services.tokens.TokenResponse",
)


def _secret_types() -> tuple[type, ...]:
    from django.utils.module_loading import import_string

    return (AuthBase, *(import_string(path) for path in _SECRET_TYPE_PATHS))


class SecretSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Configured as ``DEFAULT_EXCEPTION_REPORTER_FILTER``; see the module docstring."""

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|CREDENTIAL|VERIFIER", flags=re.I
    )

    def is_active(self, request) -> bool:
        # Django turns its filter off under DEBUG; a leaked token is a leak in any mode.
        return True

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if not params:
            return params
        cleansed = params.copy()
        for name in cleansed:
            if self.hidden_settings.search(name):
                cleansed[name] = self.cleansed_substitute
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        types = _secret_types()
        return [
            (name, self._cleanse(name, value, types))
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]

    def _cleanse(self, name: Any, value: Any, types: tuple[type, ...], depth: int = 0) -> Any:
        if value is self.cleansed_substitute:
            return value
        if (isinstance(name, str) and self.hidden_settings.search(name)) or isinstance(
            value, types
        ):
            return self.cleansed_substitute
        if not isinstance(value, Mapping | list | tuple):
            return value
        if depth >= 4:  # deeper than anything the console builds: hide rather than walk
            return self.cleansed_substitute
        if isinstance(value, Mapping):
            items = value.lists() if hasattr(value, "lists") else value.items()
            return {k: self._cleanse(k, v, types, depth + 1) for k, v in items}
        cleansed = [self._cleanse("", v, types, depth + 1) for v in value]
        return cleansed if isinstance(value, list) else tuple(cleansed)
