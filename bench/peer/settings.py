"""The smallest Django project that serves django-helpdesk, for `make bench-peer`.

Runs only inside bench/var/peer-venv. It mounts django-helpdesk as its installation guide says
(the app, its URLs at the site root, its login page, the e-mail templates its migrations load),
with the server settings Partnerdesk runs with: `DEBUG=False`, the database from DATABASE_URL
(persistent connections on PostgreSQL, WAL and an immediate-mode busy timeout on SQLite).
Teams mode is off (it would need pinax-teams); e-mail goes to the dummy backend, so a ticket
created through the API renders its notifications but sends nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BENCH = Path(__file__).resolve().parent.parent
VAR = BENCH / "var"

SECRET_KEY = os.environ.get("PEER_SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "peer.urls"
WSGI_APPLICATION = "peer.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR / 'peer-dev.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR / "peer-static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR / "peer-media"

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/dashboard/"

EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@bench-partner.example"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# django-helpdesk's own settings (helpdesk/settings.py reads them with these defaults).
HELPDESK_TEAMS_MODE_ENABLED = False  # else it needs pinax-teams
# Customers have accounts here, so the owner pickers list staff only (the default lists every
# active user: 3,050 options in each picker, a 1.4 MB ticket list page).
HELPDESK_STAFF_ONLY_TICKET_OWNERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
