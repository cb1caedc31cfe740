"""Production: every secret must be configured; HTTPS only. Passes `check --deploy`."""

from gelijk.conf.env import env_bool, env_int, env_list, env_required

from .base import *  # noqa: F403

DEBUG = False
_KEY_HINT = "Production needs it explicitly; see docs/configuration.md."
SECRET_KEY = env_required("GELIJK_SECRET_KEY", _KEY_HINT)
GELIJK_PSEUDONYMISATION_KEY = env_required("GELIJK_PSEUDONYMISATION_KEY", _KEY_HINT)
GELIJK_FIELD_ENCRYPTION_KEYS = env_list("GELIJK_FIELD_ENCRYPTION_KEYS") or [
    env_required("GELIJK_FIELD_ENCRYPTION_KEYS", _KEY_HINT)
]
GELIJK_AUDIT_KEY = env_required("GELIJK_AUDIT_KEY", _KEY_HINT)
ALLOWED_HOSTS = env_list("GELIJK_ALLOWED_HOSTS") or [
    env_required("GELIJK_ALLOWED_HOSTS", "List the host names Gelijk is served on.")
]
GELIJK_DEMO = False

SECURE_SSL_REDIRECT = env_bool("GELIJK_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("GELIJK_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
