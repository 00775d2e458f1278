"""The Content-Security-Policy header on every response (``CONSOLE_CSP`` in settings)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Adds ``settings.CONSOLE_CSP`` to every response that sets no policy of its own.

    The console's pages load scripts and styles from static files only, so the policy can
    refuse inline code and other origins; an empty setting sends no header. With DEBUG on,
    error responses go without it: Django's debug pages carry their styles and scripts
    inline, and a blocked traceback page helps nobody.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        debug_page = settings.DEBUG and response.status_code >= 400
        if settings.CONSOLE_CSP and not debug_page and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONSOLE_CSP
        return response
