"""The outbound HTTP broker: every credential-carrying request leaves through ``send``.

It refuses server-side request forgery (non-public addresses unless the operator
allowlists them, non-http schemes, DNS rebinding by pinning the checked address), keeps
credentials on their origin (scheme, host and port) across redirects, caps size and time, and
produces call records with secrets redacted.
"""

from .addresses import clear_dns_cache, is_public, parse_ip_literal
from .client import BrokerError, BrokerResponse, Headers, Injection, send
from .redact import REDACTED, CallRecord, Redactor
from .transport import BrokerSession, thread_session

__all__ = [
    "REDACTED",
    "BrokerError",
    "BrokerResponse",
    "BrokerSession",
    "CallRecord",
    "Headers",
    "Injection",
    "Redactor",
    "clear_dns_cache",
    "is_public",
    "parse_ip_literal",
    "send",
    "thread_session",
]
