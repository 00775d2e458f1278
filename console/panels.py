"""The dashboard's panels, which other apps provide (``console.hooks.DASHBOARD_PANELS``)."""

from __future__ import annotations

from django.http import HttpRequest

from console.hooks import DASHBOARD_PANELS
from console.models import Topping


def render_panels(request: HttpRequest, topping: Topping) -> list[str]:
    rendered = (panel(request, topping) for panel in DASHBOARD_PANELS)
    return [html for html in rendered if html]
