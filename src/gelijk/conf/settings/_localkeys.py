"""Per-machine keys for development and tests, kept in var/ and never committed.

Production refuses to start without explicitly configured keys (see production.py).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path


def local_keys(var_dir: Path) -> dict[str, str]:
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "local-keys.json"
    if path.exists():
        return json.loads(path.read_text())
    keys = {
        "secret_key": secrets.token_urlsafe(50),
        "pseudonymisation_key": secrets.token_urlsafe(32),
        "field_encryption_key": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "audit_key": secrets.token_urlsafe(32),
    }
    # Write atomically so two processes starting together agree on one set of keys.
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(keys))
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return json.loads(path.read_text())
