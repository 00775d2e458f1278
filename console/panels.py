"""Panels other apps add to a topping's dashboard.

An app appends a callable ``panel(request, topping) -> str | None`` to ``DASHBOARD_PANELS``
in its ``AppConfig.ready()``. It returns the panel's HTML, rendered with
``render_to_string`` (a SafeString; a plain ``str`` is escaped), or None to show nothing.
The console knows nothing about what the panels contain.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from console.models import Topping

Panel = Callable[[HttpRequest, Topping], str | None]

DASHBOARD_PANELS: list[Panel] = []


def render_panels(request: HttpRequest, topping: Topping) -> list[str]:
    rendered = (panel(request, topping) for panel in DASHBOARD_PANELS)
    return [html for html in rendered if html]
