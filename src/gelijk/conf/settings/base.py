"""Settings shared by every environment. Values come from environment variables
(see docs/configuration.md); the variants development/test/production adjust them."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from gelijk.conf.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/gelijk
BASE_DIR = PACKAGE_DIR.parents[1]  # the repository (or install) root
VAR_DIR = Path(env_str("GELIJK_VAR_DIR", str(BASE_DIR / "var")))
DATA_DIR = Path(env_str("GELIJK_DATA_DIR", str(BASE_DIR / "data")))

DEBUG = False
SECRET_KEY = env_str("GELIJK_SECRET_KEY")
ALLOWED_HOSTS = env_list("GELIJK_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("GELIJK_CSRF_TRUSTED_ORIGINS")
# Reverse proxies in front of Gelijk, each appending to X-Forwarded-For. The client address
# (rate limits, login lockout, audit log) is the N-th entry from the right; with 0 the header
# is ignored, since a client can write anything in it (gelijk.core.middleware.client_ip).
GELIJK_TRUSTED_PROXIES = env_int("GELIJK_TRUSTED_PROXIES", 0, minimum=0)

# --- Gelijk's own settings -------------------------------------------------
# Counts below this are suppressed in everything shown outside a case file.
GELIJK_SMALL_CELL_K = env_int("GELIJK_SMALL_CELL_K", 10, minimum=1)
# Keyed hash for officer and subject identifiers on import (HMAC-SHA256).
GELIJK_PSEUDONYMISATION_KEY = env_str("GELIJK_PSEUDONYMISATION_KEY")
# Fernet keys for special-category fields; the first encrypts, all decrypt (rotation).
GELIJK_FIELD_ENCRYPTION_KEYS = env_list("GELIJK_FIELD_ENCRYPTION_KEYS")
# Key for the audit log's hash chain (HMAC), so the chain cannot be recomputed without it.
GELIJK_AUDIT_KEY = env_str("GELIJK_AUDIT_KEY")
# Theme: the name of a folder under static/themes/ with a tokens CSS file.
GELIJK_THEME = env_str("GELIJK_THEME", "voorbeeld")
# Demo mode: shows demo logins on the login page and allows `gelijk demo code`.
GELIJK_DEMO = env_bool("GELIJK_DEMO", False)
# Perceived origin on stop forms is honoured only when a legal basis / DPIA is named here.
GELIJK_STOPFORM_PILOT = env_str("GELIJK_STOPFORM_PILOT")
GELIJK_ORGANISATION_NAME = env_str("GELIJK_ORGANISATION_NAME", "Gemeente Utrecht")
# Public address of this site, for links in e-mails to residents and staff.
GELIJK_PUBLIC_BASE_URL = env_str("GELIJK_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Meldingen and complaints (docs/reporting.md). Rates are per client address: N/second,
# N/minute, N/hour or N/day; the load benchmark raises the submit rate.
GELIJK_REPORTING_SUBMIT_RATE = env_str("GELIJK_REPORTING_SUBMIT_RATE", "10/hour")
GELIJK_REPORTING_INVALID_SUBMIT_RATE = env_str("GELIJK_REPORTING_INVALID_SUBMIT_RATE", "60/hour")
GELIJK_REPORTING_STATUS_RATE = env_str("GELIJK_REPORTING_STATUS_RATE", "20/hour")
GELIJK_REPORTING_MAX_ATTACHMENT_MB = env_int("GELIJK_REPORTING_MAX_ATTACHMENT_MB", 5, minimum=1)
GELIJK_REPORTING_ANONYMISE_MONTHS = env_int("GELIJK_REPORTING_ANONYMISE_MONTHS", 12, minimum=1)
GELIJK_REPORTING_DELETE_YEARS = env_int("GELIJK_REPORTING_DELETE_YEARS", 5, minimum=1)
GELIJK_REPORTING_POLICE_COMPLAINTS_URL = env_str(
    "GELIJK_REPORTING_POLICE_COMPLAINTS_URL", "https://www.politie.nl/"
)
# Language (docs/language/app.md).
GELIJK_LANGUAGE_STALE_MINUTES = env_int("GELIJK_LANGUAGE_STALE_MINUTES", 60, minimum=5)
# Monitor (docs/monitor.md).
GELIJK_MONITOR_MAX_UPLOAD_MB = env_int("GELIJK_MONITOR_MAX_UPLOAD_MB", 512, minimum=1)
GELIJK_MONITOR_STALE_MINUTES = env_int("GELIJK_MONITOR_STALE_MINUTES", 120, minimum=5)
GELIJK_MONITOR_SCHEDULED_MONTHS = env_int("GELIJK_MONITOR_SCHEDULED_MONTHS", 12, minimum=1)
GELIJK_MONITOR_DEFAULT_GROUP = env_str("GELIJK_MONITOR_DEFAULT_GROUP", "age_band")
GELIJK_MONITOR_ANALYSES = env_list("GELIJK_MONITOR_ANALYSES")  # empty: every analysis
GELIJK_MONITOR_DEMO_ACTIONS = env_int("GELIJK_MONITOR_DEMO_ACTIONS", 60000, minimum=1000)

# --- Django ----------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "gelijk.core",
    "gelijk.reporting",
    "gelijk.algorithms",
    "gelijk.language",
    "gelijk.monitor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gelijk.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "gelijk.core.middleware.AuditContextMiddleware",
    "gelijk.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gelijk.conf.urls"
WSGI_APPLICATION = "gelijk.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gelijk.core.context_processors.shell",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gelijk.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (rate limits): local memory per process by default; production with several web
# workers needs a shared cache, e.g. GELIJK_CACHE_URL=redis://127.0.0.1:6379/1.
_CACHE_URL = env_str("GELIJK_CACHE_URL", "locmem://")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
    if _CACHE_URL.startswith(("redis://", "rediss://"))
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gelijk"}
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env_int("GELIJK_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("GELIJK_LOGIN_COOLOFF_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "gelijk.core.views.auth.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# The lockout counts per the same client address as every other limit.
AXES_CLIENT_IP_CALLABLE = "gelijk.core.middleware.client_ip"

OTP_TOTP_ISSUER = "Gelijk"
OTP_TOTP_THROTTLE_FACTOR = 1

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "gelijk.core.views.errors.csrf_failure"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# E-mail: console by default; SMTP when GELIJK_EMAIL_HOST is set.
EMAIL_HOST = env_str("GELIJK_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("GELIJK_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("GELIJK_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env_str("GELIJK_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("GELIJK_EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("GELIJK_EMAIL_FROM", "Gelijk <noreply@gelijk.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: django-tasks with its database backend.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "imports", "analysis", "maintenance"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"public_submit": "20/hour", "anon": "120/hour"},
    # DRF's own address look-up (any throttle not using client_ip) trusts as many proxies.
    "NUM_PROXIES": GELIJK_TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gelijk API",
    "DESCRIPTION": "Meldingen, monitor, algoritmeregister en indicatoren van Gelijk.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# Security headers. The CSP allows only our own origin; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Optional single sign-on (OIDC), off unless configured.
OIDC_RP_CLIENT_ID = env_str("GELIJK_OIDC_CLIENT_ID")
if OIDC_RP_CLIENT_ID:
    from gelijk.conf.env import env_required

    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "gelijk.core.auth.OIDCBackend")
    OIDC_RP_CLIENT_SECRET = env_required(
        "GELIJK_OIDC_CLIENT_SECRET", "Needed with GELIJK_OIDC_CLIENT_ID."
    )
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_required("GELIJK_OIDC_AUTHORIZATION_ENDPOINT", "")
    OIDC_OP_TOKEN_ENDPOINT = env_required("GELIJK_OIDC_TOKEN_ENDPOINT", "")
    OIDC_OP_USER_ENDPOINT = env_required("GELIJK_OIDC_USER_ENDPOINT", "")
    OIDC_OP_JWKS_ENDPOINT = env_required("GELIJK_OIDC_JWKS_ENDPOINT", "")
    OIDC_RP_SIGN_ALGO = env_str("GELIJK_OIDC_SIGN_ALGO", "RS256")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("GELIJK_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"level": "WARNING"},
    },
}

FORM_RENDERER = "gelijk.core.forms.NLDSFormRenderer"
INSTALLED_APPS.append("django.forms")
