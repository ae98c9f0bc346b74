"""One settings module for every environment; everything that differs comes from the environment.

With no environment at all the app runs on SQLite in DEBUG, so a newcomer needs no server.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, low: int, high: int, what: str = "a whole number") -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ImproperlyConfigured(f"{name} must be {what} from {low} to {high}, not {raw!r}")
    return int(raw)


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default="SECRET_KEY" not in os.environ)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 (refused above outside DEBUG)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A form refused by the CSRF check gets a designed page that hands back what was typed (csp/views.py).
CSRF_FAILURE_VIEW = "csp.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "import_export",
    "simple_history",
    "csp",
    "indicators",
    "themes",
    "returns",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "csp.caching.PrivateResponsesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "csp.two_factor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a locked-out sign-in gets axes' response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in throttling: about 10 wrong passwords for one username from one address locks that pair out for
# a while, so a shared agency gateway is not locked out by one person's typos, and guessing stays slow.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address behind CSP_PROXY_COUNT reverse proxies, from X-Forwarded-For (csp/proxies.py).
AXES_CLIENT_IP_CALLABLE = "csp.proxies.client_address"
CSP_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0, low=0, high=10, what="the number of proxies")

# Two-factor sign-in (TOTP) for coordinators and administrators: on by default outside DEBUG.
CSP_REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", default=not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "CSP action-plan tracker")

ROOT_URLCONF = "csp.urls"
WSGI_APPLICATION = "csp.wsgi.application"

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
                "csp.context_processors.partnership",
                "csp.context_processors.navigation",
                "csp.context_processors.service",
            ],
        },
    },
]
FORM_RENDERER = "csp.forms.GovUKFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    from psycopg_pool import ConnectionPool

    # psycopg 3's pool keeps connections warm between requests; Django closes nothing it did not open.
    # `check` tries each connection (an empty query) before handing it out: after PostgreSQL drops its
    # connections (a restart, a failover) the dead ones are replaced instead of failing the next requests.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
        "max_size": int(os.environ.get("DATABASE_POOL_MAX", "10")),
        "check": ConnectionPool.check_connection,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default takes concurrent requests: a write transaction takes SQLite's write lock when it
    # begins (IMMEDIATE), so two writers queue for up to `timeout` seconds rather than one failing with
    # "database is locked" when it upgrades a read; WAL lets pages read while a save writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id with parameters chosen by bench/password_hash.py (csp/hashers.py); older hashes are upgraded to
# it when their owner next signs in, so PBKDF2 stays listed only to check those.
PASSWORD_HASHERS = [
    "csp.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# A period's default submission deadline: the quarter's end plus this many working days.
CSP_DEADLINE_WORKING_DAYS = int(os.environ.get("CSP_DEADLINE_WORKING_DAYS", "20"))

# Django 6.1's MAILERS: the console by default; SMTP when EMAIL_HOST is set.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "csp-tracker@localhost")

SESSION_ENGINE = "csp.sessions"  # Django's database sessions, saved with one statement (csp/sessions.py)
SESSION_COOKIE_HTTPONLY = True
# Signed out after this long without a request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
# How long before that the page warns, with "Stay signed in" (static/js/app.js).
CSP_SESSION_WARNING_SECONDS = min(120, SESSION_COOKIE_AGE // 2)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere: htmx's settings and the CSRF header live in attributes.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# A return changes only through the workflow's services (locks, period checks, versions): no "Revert".
SIMPLE_HISTORY_REVERT_DISABLED = True
IMPORT_EXPORT_USE_TRANSACTIONS = True  # an import applies whole or not at all
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Everything goes to the root logger's one handler (standard error, which gunicorn and containers keep).
# Django's own "django" logger has a console handler of its own in DEBUG, and its records also reach the
# root: every line printed twice. Redefined here with no handlers, it only passes its records on.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}

# Formula escaping on export is done by csp.spreadsheets.SafeCSV/SafeXLSX (every admin uses them):
# import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT strips only one "=" and turns numbers to text.

# --- The quarterly report's PDFs (reporting) -------------------------------------------------------------
# PDFs are made through Django's Tasks framework, off the request path where a worker runs.
# TASKS_BACKEND=immediate (the default) makes them inside the request; TASKS_BACKEND=database queues them
# in the database for `manage.py db_worker` (django-tasks-db), as production and docker-compose do.
INSTALLED_APPS += ["django_tasks_db"]
_TASKS_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks_backend = os.environ.get("TASKS_BACKEND", "immediate").strip().lower()
if _tasks_backend not in _TASKS_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be immediate or database, not {_tasks_backend!r}")
TASKS = {"default": {"BACKEND": _TASKS_BACKENDS[_tasks_backend]}}

# --- Reminders and notifications (returns.reminders, returns.notifications) ------------------------------
# `manage.py send_reminders`, run daily by cron, emails each officer with outstanding returns once when the
# deadline is CSP_REMINDER_DAYS_BEFORE days away (or nearer), and once when it passed
# CSP_LATE_REMINDER_DAYS_AFTER days ago (or longer). Links in emails start with CSP_SITE_URL, the address
# people use to reach the app (emails are sent outside any request, so it cannot be worked out).


def env_days(name: str, default: int) -> int:
    return env_int(name, default, low=0, high=60, what="a whole number of days")


CSP_REMINDER_DAYS_BEFORE = env_days("CSP_REMINDER_DAYS_BEFORE", 5)
CSP_LATE_REMINDER_DAYS_AFTER = env_days("CSP_LATE_REMINDER_DAYS_AFTER", 1)
if CSP_LATE_REMINDER_DAYS_AFTER < 1:
    raise ImproperlyConfigured(
        "CSP_LATE_REMINDER_DAYS_AFTER must be at least 1: on the deadline day it is not late"
    )
CSP_SITE_URL = os.environ.get("CSP_SITE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
if not CSP_SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"CSP_SITE_URL must start with https:// or http://, not {CSP_SITE_URL!r}")

# Who runs this deployment, for the footer, the accessibility statement and the privacy notice: set per
# deployment. CSP_PRIVACY_NOTICE_URL points at the running organisation's own notice; blank, the app's own
# page says what the service holds and who to ask. CSP_PHASE is the phase banner's tag (blank: no banner).
CSP_SERVICE_OWNER = os.environ.get("CSP_SERVICE_OWNER", "").strip()
CSP_SUPPORT_EMAIL = os.environ.get("CSP_SUPPORT_EMAIL", "").strip()
CSP_PRIVACY_NOTICE_URL = os.environ.get("CSP_PRIVACY_NOTICE_URL", "").strip()
if CSP_PRIVACY_NOTICE_URL and not CSP_PRIVACY_NOTICE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        f"CSP_PRIVACY_NOTICE_URL must start with https://, not {CSP_PRIVACY_NOTICE_URL!r}"
    )
CSP_PHASE = os.environ.get("CSP_PHASE", "Beta").strip()
