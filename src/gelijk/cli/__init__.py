"""The ``gelijk`` command.

Each area registers its own subcommands in a module of this package, so that
adding an engine means adding one module to ``SUBCOMMAND_MODULES`` and nothing
else. Engine commands run without Django; commands that need the database call
:func:`gelijk.cli.django_setup` first.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# Order is the order in `gelijk --help`.
SUBCOMMAND_MODULES = [
    "gelijk.cli.app",  # run, setup, manage, demo, auditlog, refdata
    "gelijk.cli.monitor",
    "gelijk.cli.bias",
    "gelijk.cli.language",
]


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def django_setup() -> None:
    """Configure Django for commands that touch the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gelijk.conf.settings.development")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gelijk",
        description="Gelijk: equal treatment in enforcement (Utrecht, 'Veiligheid voor iedereen').",
    )
    from gelijk import __version__

    parser.add_argument("--version", action="version", version=f"gelijk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # an area that is not built yet
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        result = args.func(args)
    except CliError as exc:
        print(f"gelijk: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        # A configuration mistake (e.g. a malformed DATABASE_URL) is the user's to fix:
        # one clear line, no traceback.
        if type(exc).__name__ == "ImproperlyConfigured":
            print(f"gelijk: configuration error: {exc}", file=sys.stderr)
            return 2
        raise
    except KeyboardInterrupt:
        print("gelijk: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)
