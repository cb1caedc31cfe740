"""The test suite: fixed keys, fast hashing, no manifest for static files."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
GELIJK_PSEUDONYMISATION_KEY = "test-pseudonymisation-key"
GELIJK_FIELD_ENCRYPTION_KEYS = ["x4o8hNHtC6Ez0pVwIE4B8T4CEeVs9u6Pr7cHfJgqo0Q="]
GELIJK_AUDIT_KEY = "test-audit-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "test-media" / str(os.getpid()))},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "imports", "analysis", "maintenance"],
    }
}
ALLOWED_HOSTS = ["*"]
