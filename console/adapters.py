from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open only when the operator says so (``CONSOLE_ALLOW_SIGNUP``)."""

    def is_open_for_signup(self, request) -> bool:
        return settings.CONSOLE_ALLOW_SIGNUP
