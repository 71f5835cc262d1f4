"""Django settings for miaf, driven by environment variables through small strict helpers.

``DATABASE_URL`` selects the database (default: embedded SQLite under ``var/``); ``MIAF_DEBUG`` must be
``true`` or ``false``; ``MIAF_SECRET_KEY`` is required when debug is off (a system check refuses the
built-in development key in production).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("MIAF_HOME", Path.cwd()))
VAR_DIR = Path(os.environ.get("MIAF_VAR_DIR", PROJECT_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envint(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if not raw.strip().isdigit() or int(raw) < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {raw!r}")
    return int(raw)


def envorigins(name: str) -> list[str]:
    origins = envlist(name, "")
    for origin in origins:
        if not origin.startswith(("https://", "http://")) or origin.count("/") != 2:
            raise ValueError(f"{name}: {origin!r} must be a scheme and host such as https://miaf.example.org")
    return origins


DEV_SECRET_KEY = "dev-only-miaf-secret-key-do-not-use-in-production"
DEBUG = envbool("MIAF_DEBUG", False)
SECRET_KEY = os.environ.get("MIAF_SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = envlist("MIAF_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envorigins("MIAF_CSRF_TRUSTED_ORIGINS")

# HTTPS in production (docs/deploy.md): MIAF_HTTPS=true turns on the SSL redirect, secure cookies and one year
# of HSTS; each can still be set on its own. Behind nginx, MIAF_BEHIND_PROXY=true trusts its
# X-Forwarded-Proto (for request.is_secure) and the last X-Forwarded-For hop (the client address used by the
# login throttle); never set it when clients can reach gunicorn directly.
MIAF_HTTPS = envbool("MIAF_HTTPS", False)
MIAF_BEHIND_PROXY = envbool("MIAF_BEHIND_PROXY", False)
SECURE_SSL_REDIRECT = envbool("MIAF_SSL_REDIRECT", MIAF_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("MIAF_SECURE_COOKIES", MIAF_HTTPS)
SECURE_HSTS_SECONDS = envint("MIAF_HSTS_SECONDS", 31_536_000 if MIAF_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("MIAF_HSTS_INCLUDE_SUBDOMAINS", MIAF_HTTPS)
SECURE_HSTS_PRELOAD = envbool("MIAF_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if MIAF_BEHIND_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
# Preloading binds the domain to HTTPS in browsers for good; it is the organisation's decision, not a default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
#: Content-Security-Policy of every response (miaf.web.core.security). No inline scripts; 'unsafe-eval' only
#: because Vega compiles chart expressions with Function(); inline styles for Leaflet and Vega.
MIAF_CSP = os.environ.get("MIAF_CSP") or "; ".join([
    "default-src 'self'", "script-src 'self' 'unsafe-eval'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https://tile.openstreetmap.org", "connect-src 'self'", "font-src 'self' data:",
    "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
])  # fmt: skip
#: Failed logins (form, admin, API token) before a lockout, per account and per client address, and the
#: lockout window [s] (miaf.web.accounts.throttle).
MIAF_LOGIN_FAILURES_PER_ACCOUNT = envint("MIAF_LOGIN_FAILURES_PER_ACCOUNT", 5, minimum=1)
MIAF_LOGIN_FAILURES_PER_ADDRESS = envint("MIAF_LOGIN_FAILURES_PER_ADDRESS", 20, minimum=1)
MIAF_LOGIN_LOCKOUT_S = envint("MIAF_LOGIN_LOCKOUT_S", 900, minimum=1)
#: Only a database marked as a demo gets the demo users with their published password (`miaf demo`).
MIAF_DEMO_DATABASE = envbool("MIAF_DEMO_DATABASE", envbool("MIAF_TESTING", False))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "miaf.web.accounts",
    "miaf.web.catalogue",
    "miaf.web.registry",
    "miaf.web.plots",
    "miaf.web.records",
    "miaf.web.fieldwork",
    "miaf.web.intake",
    "miaf.web.core",
    "miaf.web.economy",
    "miaf.web.evidence",
    "miaf.web.exports",
    "miaf.web.environs",
    "miaf.web.designer",
    "miaf.web.dashboard",
    "miaf.web.process",
    "miaf.web.market",
    "miaf.web.trade",
    "miaf.web.scaleup",
    "simple_history",
    "miaf.web.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A read whose database connection was lost (a PostgreSQL restart) is answered again on a new one.
    "miaf.web.core.middleware.retry_reads_after_a_lost_database",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed on the wire (a family page: 33 KB → about 8 KB on a 400 kbit/s line). Django's
    # GZipMiddleware mitigates BREACH (random filename padding) and the CSRF token is masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "miaf.web.core.middleware.spanish_first",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "miaf.web.core.security.security_headers",
    "simple_history.middleware.HistoryRequestMiddleware",  # who changed what (miaf.web.audit)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "miaf.web.urls"
WSGI_APPLICATION = "miaf.web.wsgi.application"

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
                "miaf.web.core.context.role",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'miaf.sqlite3'}"), conn_max_age=60,
        # A kept connection is checked before each request, so a database restart costs no failed request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the dashboard read while an import writes; a busy timeout instead of "database is locked".
    # IMMEDIATE: a transaction takes the write lock at BEGIN, waiting up to the timeout; a deferred one that
    # read first and then wants to write fails at once with "database is locked" when another writer is
    # active (SQLite cannot wait there). Imports hold the lock only while they write (docs/forms.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The dashboard's results live in files under var/ so that every gunicorn worker and every restart shares them
# (miaf.web.dashboard.cache); the prefix keeps two databases served from one var/ apart. Tests use memory.
_DB_TAG = hashlib.blake2b(repr((DATABASES["default"]["ENGINE"], DATABASES["default"]["NAME"],
                                DATABASES["default"].get("HOST"))).encode(), digest_size=4).hexdigest()
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "dashboard": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                  "LOCATION": str(VAR_DIR / "cache" / "dashboard"), "KEY_PREFIX": _DB_TAG,
                  "OPTIONS": {"MAX_ENTRIES": 2000}},
    # Failed-login counters, shared by every gunicorn worker (miaf.web.accounts.throttle).
    "throttle": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                 "LOCATION": str(VAR_DIR / "cache" / "throttle"), "KEY_PREFIX": _DB_TAG},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es", "Español"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Spanish number and date formats of Mexico (1,234.5; Django's plain "es" would give 1.234,5).
FORMAT_MODULE_PATH = "miaf.web.formats"
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "miaf.web.core.storage.MiafStaticStorage"},
}
if DEBUG or envbool("MIAF_TESTING", False):
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
#: Largest photo or document attached as evidence of a process step [bytes].
MIAF_EVIDENCE_MAX_BYTES = int(os.environ.get("MIAF_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024))
#: Reading limits of uploaded files, checked before reading (field of miaf.limits.Limits → value; unset
#: fields keep their defaults: zip 100 MB uncompressed, 200,000 rows, 2,000 columns, 50 Mpx rasters,
#: 5,000 plot vertices, JSON 64 levels deep). See docs/bad-inputs.md.
MIAF_FILE_LIMITS: dict = {}
#: Report jobs queued or running at once, per user and in all (more are refused with a message / 429).
MIAF_REPORT_JOBS_PER_USER = int(os.environ.get("MIAF_REPORT_JOBS_PER_USER", 1))
MIAF_REPORT_JOBS_TOTAL = int(os.environ.get("MIAF_REPORT_JOBS_TOTAL", 2))
#: Scale-up runs from the web page: per user at once (the server-wide limit is MIAF_REPORT_JOBS_TOTAL, shared
#: with the reports), and the largest run the page accepts (units and draws; the CLI has no such bound).
MIAF_SCALEUP_JOBS_PER_USER = int(os.environ.get("MIAF_SCALEUP_JOBS_PER_USER", 1))
MIAF_SCALEUP_MAX_UNITS = int(os.environ.get("MIAF_SCALEUP_MAX_UNITS", 200_000))
MIAF_SCALEUP_MAX_DRAWS = int(os.environ.get("MIAF_SCALEUP_MAX_DRAWS", 200))
#: Upload folders (import previews never confirmed) older than this are deleted [hours].
# How long a read that lost its database connection waits for the server before giving up (core.middleware).
MIAF_DB_RETRY_WAIT_S = float(os.environ.get("MIAF_DB_RETRY_WAIT_S", 10))
MIAF_UPLOAD_MAX_AGE_HOURS = float(os.environ.get("MIAF_UPLOAD_MAX_AGE_HOURS", 24))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "miaf.web.core.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MIAF_LOG_LEVEL", "WARNING")},
}

# How the dashboard's data version fingerprints the record tables (miaf.web.dashboard.cache.read_version):
# "activity" reads PostgreSQL's per-table change counters (a millisecond at any size, at most ~10 s late);
# "counts" counts every table (exact, seconds at 100,000 families). SQLite always counts.
MIAF_DATA_VERSION_SOURCE = os.environ.get("MIAF_DATA_VERSION_SOURCE", "activity")
if MIAF_DATA_VERSION_SOURCE not in ("activity", "counts"):
    raise ValueError(f"MIAF_DATA_VERSION_SOURCE must be activity or counts, not {MIAF_DATA_VERSION_SOURCE!r}")

if envbool("MIAF_TESTING", False):
    # Fast hashing in tests only: the personas log in many times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The dashboard re-reads its data version on every request, so tests see each change at once.
    MIAF_DASHBOARD_VERSION_TTL_S = 0
    # Exact at once: a test reads right after another connection (the live server's) committed.
    MIAF_DATA_VERSION_SOURCE = "counts"
    CACHES["dashboard"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dashboard"}
    CACHES["throttle"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
