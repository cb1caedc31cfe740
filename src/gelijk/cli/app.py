"""Application commands: setup, run, worker, scheduler, demo, auditlog, refdata, keys, manage."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time

from gelijk.cli import CliError, django_setup

DEFAULT_ADDRESS = "127.0.0.1:8000"


def register(sub) -> None:
    p = sub.add_parser("setup", help="migrate, load reference data and (with --demo) demo data")
    p.add_argument("--demo", action="store_true", help="also load the seeded demo data")
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("run", help="start web server, task worker and scheduler together")
    p.add_argument("--address", default=DEFAULT_ADDRESS, help="host:port (default %(default)s)")
    p.add_argument("--workers", type=int, default=2, help="web worker processes")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("worker", help="run the background task worker")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("scheduler", help="run the scheduler that enqueues recurring tasks")
    p.add_argument("--once", action="store_true", help="enqueue what is due, then exit")
    p.set_defaults(func=cmd_scheduler)

    p = sub.add_parser("demo", help="demo data and demo logins (default action: load)")
    p.set_defaults(func=cmd_demo_load, seed=2026, only=None)
    demo_sub = p.add_subparsers(dest="demo_command", metavar="ACTION")
    q = demo_sub.add_parser("load", help="load (or refresh) the seeded demo data")
    q.add_argument("--seed", type=int, default=2026)
    q.add_argument("--only", help="comma-separated seeder names")
    q.set_defaults(func=cmd_demo_load)
    q = demo_sub.add_parser("code", help="print the current 2FA code of a demo user")
    q.add_argument("username")
    q.set_defaults(func=cmd_demo_code)
    q = demo_sub.add_parser("logins", help="list the demo logins")
    q.set_defaults(func=cmd_demo_logins)

    p = sub.add_parser("auditlog", help="audit log tools")
    audit_sub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    q = audit_sub.add_parser("verify", help="verify the hash chain; exit 1 when broken")
    q.add_argument(
        "--checkpoint",
        action="store_true",
        help="record a checkpoint when intact (the nightly job does this)",
    )
    q.set_defaults(func=cmd_auditlog_verify)

    p = sub.add_parser("refdata", help="reference data of Utrecht (CBS)")
    ref_sub = p.add_subparsers(dest="refdata_command", metavar="ACTION", required=True)
    q = ref_sub.add_parser("load", help="load wijken, buurten and boundaries into the database")
    q.add_argument("--year", type=int, default=2024, choices=[2023, 2024])
    q.set_defaults(func=cmd_refdata_load)

    p = sub.add_parser("keys", help="encryption keys for sensitive fields")
    key_sub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    q = key_sub.add_parser("generate", help="print a new key for GELIJK_FIELD_ENCRYPTION_KEYS")
    q.set_defaults(func=cmd_keys_generate)
    q = key_sub.add_parser(
        "rotate", help="re-encrypt all sensitive fields and stored files with the first key"
    )
    q.set_defaults(func=cmd_keys_rotate)

    p = sub.add_parser("manage", help="run a Django management command", add_help=False)
    p.add_argument("args", nargs="*")
    p.set_defaults(func=cmd_manage)


def _call(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def cmd_setup(args) -> int:
    django_setup()
    from django.conf import settings

    from gelijk.core.roles import sync_roles
    from gelijk.core.services.refdata import refdata_load

    _check_database()
    print("Migrating the database ...", flush=True)
    _call("migrate", "--no-input", "-v", "0")
    sync_roles()
    counts = refdata_load()
    print(f"Reference data: {counts['districts']} wijken, {counts['neighbourhoods']} buurten.")
    if "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]:
        _collectstatic_when_changed(settings)
    if args.demo:
        _load_demo(args.seed)
    return 0


def _collectstatic_when_changed(settings) -> None:
    """Collect (and compress) static files only when a source file changed: it is the
    slowest step of a repeated `make run`."""
    from pathlib import Path

    fingerprint = []
    for root in settings.STATICFILES_DIRS:
        for path in sorted(Path(root).rglob("*")):
            if path.is_file():
                stat = path.stat()
                fingerprint.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    marker = Path(settings.STATIC_ROOT) / ".gelijk-fingerprint"
    digest = hashlib.sha256("\n".join(fingerprint).encode()).hexdigest()
    if marker.exists() and marker.read_text() == digest:
        return
    _call("collectstatic", "--no-input", "-v", "0")
    marker.write_text(digest)


def _check_database() -> None:
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as exc:
        reason = str(exc).strip()
        raise CliError(f"cannot connect to the database ({connection.vendor}): {reason}") from None


def _load_demo(seed: int, only: list[str] | None = None) -> None:
    from gelijk.core.demo import seed_all

    print("Loading demo data ...", flush=True)
    for name, result in seed_all(seed, only).items():
        summary = ", ".join(f"{k}: {v}" for k, v in result.items())
        print(f"  {name}: {summary}")


def cmd_demo_load(args) -> int:
    django_setup()
    _load_demo(args.seed, args.only.split(",") if args.only else None)
    return 0


def cmd_demo_code(args) -> int:
    django_setup()
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gelijk.core.services.organisation import demo_totp_key

    device = TOTPDevice.objects.filter(user__username=args.username, name="demo").first()
    if device is None or device.key != demo_totp_key(args.username):
        raise CliError(f"{args.username!r} is not a demo user with a demo 2FA device")
    print(f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    return 0


def cmd_demo_logins(args) -> int:
    from gelijk.core.services.demo_seed import DEMO_PASSWORD, DEMO_STAFF

    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, _first, _last, roles, *_rest in DEMO_STAFF:
        print(f"  {username:<20} {', '.join(roles)}")
    print("2FA code for a demo user: .venv/bin/gelijk demo code USERNAME")
    return 0


def cmd_auditlog_verify(args) -> int:
    django_setup()
    from gelijk.core import audit

    result = audit.verify_and_checkpoint() if args.checkpoint else audit.verify()
    print(result.message(), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def cmd_refdata_load(args) -> int:
    django_setup()
    from gelijk.core.services.refdata import refdata_load

    counts = refdata_load(args.year)
    print(
        f"Loaded {counts['districts']} wijken and {counts['neighbourhoods']} buurten "
        f"(CBS {args.year})."
    )
    return 0


def cmd_keys_generate(args) -> int:
    from cryptography.fernet import Fernet

    print(Fernet.generate_key().decode())
    return 0


def cmd_keys_rotate(args) -> int:
    django_setup()
    from gelijk.core.crypto import rotate_all

    result = rotate_all()
    for label, n in result.fields.items():
        print(f"{label}: {n} rows re-encrypted")
    for label, c in result.files.items():
        print(
            f"{label}: {c.rewritten} files re-encrypted, {c.current} already on the newest key, "
            f"{c.missing} missing, {c.unreadable} unreadable, {c.changed} changed meanwhile"
        )
    if not result.complete:
        raise CliError(
            "some files are not on the newest key yet (see above): run `gelijk keys rotate` "
            "again and keep the old keys until it reports none unreadable or changed"
        )
    return 0


def cmd_manage(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gelijk.conf.settings.development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gelijk manage", *args.args])
    return 0


def cmd_worker(args) -> int:
    django_setup()
    _call("db_worker", "--queue-name", "*", "--interval", "1", "--no-reload")
    return 0


def cmd_scheduler(args) -> int:
    django_setup()
    from gelijk.core import scheduler

    if args.once:
        print("enqueued: " + (", ".join(scheduler.tick()) or "nothing due"))
        return 0
    scheduler.run_forever()
    return 0


def cmd_run(args) -> int:
    """Start web server, worker and scheduler; stop all of them when one stops or on Ctrl-C."""
    django_setup()
    host, _, port = args.address.rpartition(":")
    bin_dir = os.path.dirname(sys.executable)
    gelijk = [sys.executable, "-m", "gelijk"]
    commands = {
        "web": [
            os.path.join(bin_dir, "gunicorn"),
            "gelijk.conf.wsgi:application",
            "--bind",
            args.address,
            "--workers",
            str(args.workers),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
        ],
        "worker": [*gelijk, "worker"],
        "scheduler": [*gelijk, "scheduler"],
    }
    procs = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}  # noqa: S603
    time.sleep(1.5)
    print("\n" + "=" * 64)
    print(f" Gelijk runs on http://{host or '127.0.0.1'}:{port}/")
    print(f" Back office:   http://{host or '127.0.0.1'}:{port}/inloggen/")
    from django.conf import settings

    if settings.GELIJK_DEMO:
        cmd_demo_logins(args)
    print(" Stop with Ctrl-C.")
    print("=" * 64 + "\n", flush=True)

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    print(
                        f"gelijk: {name} stopped (exit {proc.returncode}); stopping the rest",
                        file=sys.stderr,
                    )
                    stopping = True
                    break
            time.sleep(0.5)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0
