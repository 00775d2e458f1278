"""Settings for Topping Console, read from environment variables (see README "Configuration")."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from console import devkeys
from console.env import (
    env_allowlist,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = Path(env_str("CONSOLE_LOCAL_DIR", str(BASE_DIR / ".local")))

DEBUG = env_bool("DEBUG", False)

_dev_keys = devkeys.load_or_create(LOCAL_DIR / "dev-keys.json") if DEBUG else {}
SECRET_KEY = env_str("SECRET_KEY") or _dev_keys.get("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off (see README).")
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY is too weak for production: use 50+ random characters.")

# A list, newest key first: rows are encrypted with the first and readable with any
# (rotate with `manage.py rotate_encryption_key`).
FIELD_ENCRYPTION_KEY = env_list("FIELD_ENCRYPTION_KEY", []) or (
    [_dev_keys["FIELD_ENCRYPTION_KEY"]] if DEBUG else []
)
if not FIELD_ENCRYPTION_KEY:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEY is required when DEBUG is off: a comma-separated list of Fernet "
        "keys, newest first (python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "django_htmx",
    "ninja",
    "django_q",
    "console",
    "connections",
    "workflows",
    "sandbox",
    "releases",
    "sync",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "console.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"
ASGI_APPLICATION = "console.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_url(
    "DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}", ("sqlite", "postgres", "postgresql")
)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web process read while a worker writes; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Opening a SQLite connection (and setting WAL on it) costs more than most queries:
    # keep it, as for PostgreSQL. django-q2's broker closes only connections past this age.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", None, ("redis", "rediss"))
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # A file cache is shared by the web and worker processes, so login rate limits hold.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(LOCAL_DIR / "cache"),
        }
    }

AUTH_USER_MODEL = "console.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "console:topping_list"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_choice(
    "CONSOLE_EMAIL_VERIFICATION", "none", ("none", "optional", "mandatory")
)
ACCOUNT_ADAPTER = "console.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": f"{env_int('CONSOLE_LOGIN_FAILURES_PER_5M', 5, minimum=1)}/5m/key,20/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
CONSOLE_ALLOW_SIGNUP = env_bool("CONSOLE_ALLOW_SIGNUP", False)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "console@localhost")

# HTTPS hardening: on unless DEBUG; a TLS-terminating proxy must set X-Forwarded-Proto.
_secure = env_bool("CONSOLE_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = _secure
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if _secure else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _secure else None
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Outbound calls to non-public addresses are refused unless listed here (hosts or CIDRs).
CONSOLE_OUTBOUND_ALLOWLIST = env_allowlist("CONSOLE_OUTBOUND_ALLOWLIST")
# Per call through a connection (functions, webhooks, the proxy): seconds and response bytes.
CONSOLE_HTTP_TIMEOUT = env_float("CONSOLE_HTTP_TIMEOUT", 40.0, minimum=1.0)
CONSOLE_HTTP_MAX_BYTES = env_int("CONSOLE_HTTP_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)

# Workflows: how executions retry, how long a claimed run may take before it is picked up
# again, and the per-topping limits on rules and actions.
WORKFLOW_MAX_ATTEMPTS = env_int("WORKFLOW_MAX_ATTEMPTS", 5, minimum=1, maximum=50)
WORKFLOW_RETRY_BASE_SECONDS = env_int("WORKFLOW_RETRY_BASE_SECONDS", 30, minimum=1)
WORKFLOW_LEASE_SECONDS = env_int("WORKFLOW_LEASE_SECONDS", 150, minimum=1)
WORKFLOW_MAX_RULES_PER_MODULE = env_int("WORKFLOW_MAX_RULES_PER_MODULE", 25, minimum=1)
WORKFLOW_MAX_ACTIONS_PER_RULE = env_int("WORKFLOW_MAX_ACTIONS_PER_RULE", 10, minimum=1)
WORKFLOW_MAX_EVENT_BYTES = env_int("WORKFLOW_MAX_EVENT_BYTES", 256 * 1024, minimum=1024)
WORKFLOW_MAX_STORED_CALLS = env_int("WORKFLOW_MAX_STORED_CALLS", 200, minimum=1)
WORKFLOW_MAIL_PER_RUN = env_int("WORKFLOW_MAIL_PER_RUN", 50, minimum=1)
WORKFLOW_MAIL_PER_HOUR = env_int("WORKFLOW_MAIL_PER_HOUR", 500, minimum=1)
# Limits of one script run (deluge.Limits); the others keep the engine's defaults.
DELUGE_MAX_INFO_CHARS = env_int("DELUGE_MAX_INFO_CHARS", 1_000_000, minimum=1000)
DELUGE_MAX_REGEX_SECONDS = env_float("DELUGE_MAX_REGEX_SECONDS", 5.0, minimum=0.01)
# Scripts started from a web request run in child processes (workflows/isolation.py).
CONSOLE_SCRIPT_ISOLATION = env_choice("CONSOLE_SCRIPT_ISOLATION", "process", ("process", "inline"))
CONSOLE_SCRIPT_WORKERS = env_int("CONSOLE_SCRIPT_WORKERS", 2, minimum=1, maximum=64)
CONSOLE_SCRIPT_MEMORY_MB = env_int("CONSOLE_SCRIPT_MEMORY_MB", 512, minimum=32)
CONSOLE_SCRIPT_HARD_SECONDS = env_float("CONSOLE_SCRIPT_HARD_SECONDS", 70.0, minimum=0.1)
CONSOLE_SCRIPT_WAIT_SECONDS = env_float("CONSOLE_SCRIPT_WAIT_SECONDS", 10.0, minimum=0.0)

Q_CLUSTER = {
    "name": env_str("Q_CLUSTER_NAME", "console"),
    "workers": env_int("Q_WORKERS", 2, minimum=1, maximum=64),
    "timeout": env_int("Q_TIMEOUT", 120, minimum=1),
    "retry": env_int("Q_RETRY", 180, minimum=2),
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 5, minimum=0),
    "queue_limit": env_int("Q_QUEUE_LIMIT", 50, minimum=1),
    "bulk": env_int("Q_BULK", 10, minimum=1),
    "catch_up": False,
    "ack_failures": True,
    "save_limit": env_int("Q_SAVE_LIMIT", 1000, minimum=0),
    "poll": 0.2,
    "label": "Background tasks",
}
if env_choice("Q_BROKER", "orm", ("orm", "redis")) == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("Q_BROKER=redis needs REDIS_URL.")
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Error pages and reports hide credentials, with DEBUG on too (connections/reporting.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "connections.reporting.SecretSafeExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # urllib3 logs request lines with their query strings, where API keys may travel.
    "loggers": {"urllib3": {"level": "WARNING"}},
}

# Content-Security-Policy (console/middleware.py), sent on every response. The pages use no
# inline script or style and no other origin (htmx is a static file), and the admin and the
# API docs (/api/v1/docs, swagger from ninja's static files) work within the same policy.
# No form-action: connecting a connection posts a form that redirects to the provider's
# authorization page, and browsers apply form-action to that redirect. CONSOLE_CSP=off
# sends no header; a policy must be one line, as a header is.
CONSOLE_CSP = env_str(
    "CONSOLE_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
)
if "\r" in CONSOLE_CSP or "\n" in CONSOLE_CSP:
    raise ImproperlyConfigured("CONSOLE_CSP must be one line.")
if CONSOLE_CSP.lower() == "off":
    CONSOLE_CSP = ""
