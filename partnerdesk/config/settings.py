"""Settings, read from the environment.

Every value a deployment changes comes from an environment variable; the README lists them.
`PARTNERDESK_ENV=development` (what `make run` and the tests use) relaxes only what plain
HTTP on 127.0.0.1 needs; everything else is the production default.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PARTNERDESK_VAR_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("PARTNERDESK_ENV", "production")
DEVELOPMENT = ENVIRONMENT in {"development", "test"}
DEBUG = env_bool("PARTNERDESK_DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEVELOPMENT:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when PARTNERDESK_ENV is production.")
    SECRET_KEY = "development-only-" + "x" * 50

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEVELOPMENT else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
PUBLIC_URL = os.environ.get("PARTNERDESK_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "partnerdesk.core",
    "partnerdesk.partners",
    "partnerdesk.customers",
    "partnerdesk.accounts",
    "partnerdesk.catalog",
    "partnerdesk.connectors",
    "partnerdesk.health",
    "partnerdesk.offering",
    "partnerdesk.sla",
    "partnerdesk.tickets",
    "partnerdesk.portal",
    "partnerdesk.mail",
    "partnerdesk.web",
    "partnerdesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "partnerdesk.accounts.middleware.ActorMiddleware",
    "partnerdesk.web.middleware.UserLocaleMiddleware",
    "partnerdesk.accounts.middleware.StaffMfaRequiredMiddleware",
    "partnerdesk.core.middleware.RejectNulMiddleware",
    "partnerdesk.core.middleware.IdempotencyMiddleware",
    "partnerdesk.core.middleware.DomainErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "partnerdesk.config.urls"
WSGI_APPLICATION = "partnerdesk.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "partnerdesk.web.context_processors.desk",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'partnerdesk.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock when the transaction starts, so concurrent writers wait
        # (up to the busy timeout) instead of failing half-way with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
    # Tests run on a file, not in memory: worker processes started by tests share it. One per
    # test run, so two runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "PARTNERDESK_TEST_DB", str(VAR_DIR / f"test-partnerdesk-{os.getpid()}.sqlite3")
        )
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "PARTNERDESK_TEST_DB", f"test_{DATABASES['default']['NAME']}_{os.getpid()}"
        )
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- security ---------------------------------------------------------------------------------

# Argon2id at OWASP's parameters (accounts/hashers.py: Django's use 100 MiB per sign-in).
PASSWORD_HASHERS = [
    "partnerdesk.accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# A failing subscriber of a ticket event (core/events.py) is logged and undone in production;
# in the tests it fails the test.
PARTNERDESK_EVENTS_STRICT = env_bool("PARTNERDESK_EVENTS_STRICT", ENVIRONMENT == "test")
if ENVIRONMENT == "test":
    # Tests create hundreds of users; argon2 stays the production hasher.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

HTTPS = env_bool("PARTNERDESK_HTTPS", not DEVELOPMENT)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_NAME = "partnerdesk_session"
CSRF_COOKIE_NAME = "partnerdesk_csrftoken"
SECURE_SSL_REDIRECT = HTTPS and env_bool("PARTNERDESK_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PARTNERDESK_BEHIND_PROXY = env_bool("PARTNERDESK_BEHIND_PROXY", False)
if PARTNERDESK_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_FAILURE_VIEW = "partnerdesk.web.views.csrf_failure"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"

# --- i18n -------------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- static files -----------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEVELOPMENT
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEVELOPMENT
if DEVELOPMENT:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing root
MEDIA_ROOT = VAR_DIR / "media"
# Attachments: refused above this size or outside the allow-list, with the reason.
PARTNERDESK_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("PARTNERDESK_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- mail -------------------------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Partnerdesk <partnerdesk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Extra CA certificates (a PEM file) trusted for IMAP servers, besides the system's.
PARTNERDESK_IMAP_CA_FILE = os.environ.get("PARTNERDESK_IMAP_CA_FILE", "")

# --- Mail limits (partnerdesk.mail.parsing_limits): a message past one is quarantined ----------
PARTNERDESK_MAIL_MAX_BYTES = int(os.environ.get("PARTNERDESK_MAIL_MAX_BYTES", str(25 * 2**20)))
PARTNERDESK_MAIL_MAX_PARTS = int(os.environ.get("PARTNERDESK_MAIL_MAX_PARTS", "200"))
PARTNERDESK_MAIL_MAX_DEPTH = int(os.environ.get("PARTNERDESK_MAIL_MAX_DEPTH", "10"))
PARTNERDESK_MAIL_MAX_HEADER_BYTES = int(
    os.environ.get("PARTNERDESK_MAIL_MAX_HEADER_BYTES", str(256 * 1024))
)
PARTNERDESK_MAIL_MAX_HEADER_LINE = int(
    os.environ.get("PARTNERDESK_MAIL_MAX_HEADER_LINE", str(64 * 1024))
)
PARTNERDESK_MAIL_MAX_RECIPIENTS = int(os.environ.get("PARTNERDESK_MAIL_MAX_RECIPIENTS", "500"))
PARTNERDESK_MAIL_MAX_LINKS = int(os.environ.get("PARTNERDESK_MAIL_MAX_LINKS", "5000"))
PARTNERDESK_MAIL_ZIP_MAX_RATIO = int(os.environ.get("PARTNERDESK_MAIL_ZIP_MAX_RATIO", "100"))
PARTNERDESK_MAIL_ZIP_MAX_BYTES = int(os.environ.get("PARTNERDESK_MAIL_ZIP_MAX_BYTES", str(2**30)))
# The separate parsing process: its address-space limit and its time limit (seconds).
PARTNERDESK_MAIL_PARSE_MEMORY_BYTES = int(
    os.environ.get("PARTNERDESK_MAIL_PARSE_MEMORY_BYTES", str(2**30))
)
PARTNERDESK_MAIL_PARSE_TIMEOUT = float(os.environ.get("PARTNERDESK_MAIL_PARSE_TIMEOUT", "10"))

# --- vendor connectors ------------------------------------------------------------------------

# The sandbox vendor server (`partnerdesk sandbox-vendor`; `partnerdesk run` starts one and sets
# this for its children): when set, new Microsoft connections point at it instead of Microsoft.
PARTNERDESK_SANDBOX_VENDOR_URL = os.environ.get("PARTNERDESK_SANDBOX_VENDOR_URL", "").rstrip("/")

# --- background work --------------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Modules imported at start-up that register extra outbox handlers or periodic jobs
# (the test suite uses this to give worker processes test-only jobs).
PARTNERDESK_PLUGINS = env_list("PARTNERDESK_PLUGINS")
# How long a worker owns an outbox item it is delivering, and the scheduler lease.
PARTNERDESK_OUTBOX_LEASE_SECONDS = int(os.environ.get("PARTNERDESK_OUTBOX_LEASE_SECONDS", "120"))
# A worker silent this long is taken for dead and its running tasks are run again.
PARTNERDESK_WORKER_TIMEOUT_SECONDS = int(
    os.environ.get("PARTNERDESK_WORKER_TIMEOUT_SECONDS", "120")
)
PARTNERDESK_SCHEDULER_LEASE_SECONDS = int(
    os.environ.get("PARTNERDESK_SCHEDULER_LEASE_SECONDS", "15")
)

# --- logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PARTNERDESK_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
