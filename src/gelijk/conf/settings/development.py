"""Local use and the demo (`make run`): embedded SQLite unless DATABASE_URL is set,
keys generated once per machine under var/."""

from gelijk.conf.env import env_bool

from ._localkeys import local_keys
from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = env_bool("GELIJK_DEBUG", False)
_keys = local_keys(VAR_DIR)
SECRET_KEY = SECRET_KEY or _keys["secret_key"]  # noqa: F405
GELIJK_PSEUDONYMISATION_KEY = GELIJK_PSEUDONYMISATION_KEY or _keys["pseudonymisation_key"]  # noqa: F405
GELIJK_FIELD_ENCRYPTION_KEYS = GELIJK_FIELD_ENCRYPTION_KEYS or [_keys["field_encryption_key"]]  # noqa: F405
GELIJK_AUDIT_KEY = GELIJK_AUDIT_KEY or _keys["audit_key"]  # noqa: F405
