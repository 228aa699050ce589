"""relint settings: one file, every value read from the environment.

Each variable is documented in `.env.example`. The readers in `config.env`
refuse malformed values, so a typo fails at start-up instead of quietly
running with a default.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_choice, env_int, env_list, env_str, load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(Path(os.environ.get("RELINT_ENV_FILE", BASE_DIR / ".env")))

DEBUG = env_bool("DJANGO_DEBUG", False)

# A secret is mandatory outside DEBUG: a guessable key signs sessions and
# password-reset links.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-development-key-only-for-debug" if DEBUG else None)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "axes",
    "csp",
    "django_htmx",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "relint.core",
    "relint.accounts",
    "relint.departments",
    "relint.partners",
    "relint.activities",
    "relint.coordination",
    "relint.reports",
    "relint.workspace",
    "relint.ops",
    "relint.portal",
    "relint.exchange",
    "relint.api",
    "relint.opendata",
    # Django's own widget templates, last so that relint/core/templates
    # overrides one of them (the select's, for speed): see FORM_RENDERER.
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Right after SecurityMiddleware, before whitenoise: static files get it too.
    "relint.ops.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Needs the session, the user and the messages.
    "relint.ops.middleware.SessionTimeoutMiddleware",
    "relint.ops.middleware.AuditMiddleware",
    "relint.ops.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it turns a lockout raised by the auth backend
    # into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Widgets render through TEMPLATES, so relint/core/templates can replace
# Django's select template with one that writes its options in Python
# (relint/core/templatetags/core_widgets.py): the activity form has
# thousands of options, and two template includes per option made it the
# slowest staff page (docs/benchmarks.md, load).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL is production (DATABASE_URL).
DATA_DIR = Path(env_str("RELINT_DATA_DIR", str(BASE_DIR / "var")))
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'relint.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Measured here: with SQLite's defaults 18 of 20 concurrent writers got
    # "database is locked". WAL lets readers run beside the writer, IMMEDIATE
    # takes the write lock at BEGIN (so a transaction never fails half-way on
    # upgrade), and the busy timeout makes writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            f"PRAGMA busy_timeout={env_int('SQLITE_BUSY_TIMEOUT', 20, minimum=1) * 1000};"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out client is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The first hasher hashes new passwords; the test suite names a fast one.
PASSWORD_HASHERS = env_list(
    "DJANGO_PASSWORD_HASHERS",
    [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ],
)
LOGIN_URL = "account:login"
LOGIN_REDIRECT_URL = "workspace:dashboard"
LOGOUT_REDIRECT_URL = "account:login"

# Lock by the pair (username, IP) with a cool-off: never permanently, and
# never a whole office behind one NAT address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout page in the site's layout and language, saying how long to wait.
AXES_LOCKOUT_CALLABLE = "relint.workspace.views.locked_out"
# Behind a reverse proxy the client address is in a header the proxy sets;
# the number of trusted proxies must be stated, or any client could forge it.
# (axes' own AXES_IPWARE_* settings need django-ipware, which is not installed.)
RELINT_PROXY_COUNT = env_int("RELINT_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "relint.ops.network.client_ip"

# --- Sessions and transport security --------------------------------------
# Besides the cookie's own age: a signed-in session ends after this long
# without a request, and after this long in any case (relint.ops.middleware).
RELINT_SESSION_IDLE_MINUTES = env_int("RELINT_SESSION_IDLE_MINUTES", 60, minimum=1)
RELINT_SESSION_MAX_HOURS = env_int("RELINT_SESSION_MAX_HOURS", 10, minimum=1)
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page of relint uses (sent by relint.ops.middleware).
RELINT_PERMISSIONS_POLICY = env_str(
    "RELINT_PERMISSIONS_POLICY",
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()",
)
if RELINT_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Django's admin templates carry a few style="" attributes.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Rome"
USE_TZ = True

# --- Static and uploaded files --------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Front-end packages come from npm (`npm ci`); they are served from
# node_modules rather than copied into the repository.
for _prefix, _package_dir in (
    ("bootstrap-italia", BASE_DIR / "node_modules" / "bootstrap-italia" / "dist"),
    ("world-atlas", BASE_DIR / "node_modules" / "world-atlas"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # The portal's map: d3-geo needs d3-array; topojson-client reads world-atlas.
    ("d3-array", BASE_DIR / "node_modules" / "d3-array" / "dist"),
    ("d3-geo", BASE_DIR / "node_modules" / "d3-geo" / "dist"),
    ("topojson-client", BASE_DIR / "node_modules" / "topojson-client" / "dist"),
):
    if _package_dir.is_dir():
        STATICFILES_DIRS.append((_prefix, _package_dir))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024, minimum=1024)

# --- Background tasks (django.tasks API, Django 6 compatible) -------------
TASKS = {
    "default": {
        "BACKEND": env_str("RELINT_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Cache ------------------------------------------------------------------
# The public pages, API lists and open-data page are cached under the
# publication generation (relint/portal/cache.py), so an entry is never
# stale. The default backend is a table of the main database
# (`manage.py createcachetable` creates it; `migrate` does not): it needs
# nothing else and every app server shares it. "locmem" keeps one cache per
# process (only for a single server); "none" turns caching off.
RELINT_CACHE_BACKEND = env_choice("RELINT_CACHE_BACKEND", "database", ("database", "locmem", "none"))
CACHES = {
    "default": {
        "BACKEND": {
            "database": "django.core.cache.backends.db.DatabaseCache",
            "locmem": "django.core.cache.backends.locmem.LocMemCache",
            "none": "django.core.cache.backends.dummy.DummyCache",
        }[RELINT_CACHE_BACKEND],
        "LOCATION": "relint_cache",
        # The database backend counts its rows on every write and culls a
        # third when there are more than this.
        "OPTIONS": {"MAX_ENTRIES": env_int("RELINT_CACHE_MAX_ENTRIES", 5000, minimum=10)},
    },
    # Each process's own copy of the public entries it served, in front of
    # the shared cache: safe because an entry keyed on a generation never
    # changes (relint/portal/cache.py).
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "relint-public",
        "OPTIONS": {"MAX_ENTRIES": env_int("RELINT_LOCAL_CACHE_MAX_ENTRIES", 200, minimum=0)},
    },
}
RELINT_PUBLIC_CACHE = "default"
# "" when RELINT_LOCAL_CACHE_MAX_ENTRIES is 0: no per-process copy.
RELINT_PUBLIC_CACHE_LOCAL = "local" if CACHES["local"]["OPTIONS"]["MAX_ENTRIES"] else ""
# How long a public response is kept (0: not cached). Correctness does not
# depend on it, only the space the cache takes.
RELINT_PUBLIC_CACHE_SECONDS = env_int("RELINT_PUBLIC_CACHE_SECONDS", 3600, minimum=0)

# --- Email ----------------------------------------------------------------
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "relint@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging --------------------------------------------------------------
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # One record is one line: control characters in messages are escaped.
        "plain": {
            "()": "relint.ops.audit.ControlEscapingFormatter",
            "format": "{asctime} {levelname} {name} {message}",
            "style": "{",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_choice("RELINT_LOG_LEVEL", "INFO", LOG_LEVELS)},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # axes announces itself at every start-up at INFO.
        "axes.apps": {"level": "WARNING"},
    },
}

# --- Spreadsheet import (docs/import.md) ----------------------------------
# Checked before any parser reads a file: a zip bomb or a huge sheet is
# refused in milliseconds instead of burning CPU (PITFALLS.md).
RELINT_IMPORT_MAX_UPLOAD_BYTES = env_int("RELINT_IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)
RELINT_IMPORT_MAX_UNPACKED_BYTES = env_int("RELINT_IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024, minimum=1024)
RELINT_IMPORT_MAX_ZIP_ENTRIES = env_int("RELINT_IMPORT_MAX_ZIP_ENTRIES", 500, minimum=10)
RELINT_IMPORT_MAX_COMPRESSION_RATIO = env_int("RELINT_IMPORT_MAX_COMPRESSION_RATIO", 200, minimum=2)
RELINT_IMPORT_MAX_ROWS = env_int("RELINT_IMPORT_MAX_ROWS", 20_000, minimum=1)
RELINT_IMPORT_MAX_CELL_CHARS = env_int("RELINT_IMPORT_MAX_CELL_CHARS", 10_000, minimum=1)

# --- relint ---------------------------------------------------------------
# Contact persons not confirmed for this long are deleted by
# `manage.py purge_contacts` (docs/privacy.md).
RELINT_CONTACT_RETENTION_DAYS = env_int("RELINT_CONTACT_RETENTION_DAYS", 730, minimum=1)
RELINT_CITY_NAME = env_str("RELINT_CITY_NAME", "Città di Torino")
# The City's tax code: its IATI organisation identifier is IT-CF-<tax code>.
RELINT_CITY_TAX_CODE = env_str("RELINT_CITY_TAX_CODE", "00514490010")
# The accessibility statement (dichiarazione di accessibilità) the City
# publishes through AgID's form; every portal page links to it.
RELINT_ACCESSIBILITY_STATEMENT_URL = env_str("RELINT_ACCESSIBILITY_STATEMENT_URL", "https://form.agid.gov.it/")
