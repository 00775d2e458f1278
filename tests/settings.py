"""Settings for the test suite: console.settings with fixed test keys.

Only defaults are set here, so CI's DATABASE_URL and REDIS_URL still choose PostgreSQL and
Redis. Beyond that only the password hasher is made fast.
"""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("SECRET_KEY", "test-" + "k" * 60)
# Fernet keys for tests only (urlsafe base64 of 32 bytes).
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "dGVzdC1rZXktb25lLXRlc3Qta2V5LW9uZS10ZXN0LTE=")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("CONSOLE_HTTPS", "false")
os.environ.setdefault(
    "CONSOLE_LOCAL_DIR", os.path.join(os.path.dirname(__file__), "..", ".local", "test")
)
# Commands run with these settings (make lint) must never touch the developer's db.sqlite3.
os.environ.setdefault(
    "DATABASE_URL",
    "sqlite:///"
    + os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", ".local", "test", "manage.sqlite3"
    ),
)
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Most tests run inside a transaction that a child process cannot see; the tests of
# isolation itself (tests/workflows/test_isolation.py) switch it back to "process".
os.environ.setdefault("CONSOLE_SCRIPT_ISOLATION", "inline")

_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
if os.environ.get("REDIS_URL") and _worker.isdigit():
    # Each xdist worker gets its own Redis database so cache clears do not collide.
    _url = urlsplit(os.environ["REDIS_URL"])
    os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{1 + int(_worker)}"))

from console.settings import *  # noqa: E402, F403

# Hashing passwords slowly is a production property, not something tests need to repeat.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if not REDIS_URL:  # noqa: F405
    CACHES["default"]["LOCATION"] = str(LOCAL_DIR / f"cache-{_worker}")  # noqa: F405

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not shared-cache memory: threads and worker processes in tests then lock the
    # way they do in production (busy timeout) instead of failing with "table is locked".
    # The process id keeps two test runs on one machine (two checkouts, an editor's test
    # runner) from sharing a file; each run deletes its own at the end.
    _name = f"test-db-{_worker}-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(LOCAL_DIR / _name)}  # noqa: F405

LOCAL_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
