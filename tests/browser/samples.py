"""What the page walk needs to visit every URL of the URL configuration.

- ``SAMPLES``: for a URL with parameters, a function that creates (or finds) an object
  and returns the URL's kwargs. Each app adds its own; a URL without a sample fails the
  walk, so no page can be forgotten.
- ``NOT_PAGES``: URLs that are not HTML pages for a GET (POST-only actions, JSON), with
  the reason. Their own tests cover them.
"""

from __future__ import annotations

from collections.abc import Callable

SAMPLES: dict[str, Callable[[], dict]] = {}

NOT_PAGES: dict[str, str] = {
    "set_language": "POST-only language switch",
    "core:logout": "POST-only",
    "core:auditlog-verify": "POST-only action",
    "api-schema": "OpenAPI document (YAML/JSON), not a page",
}


def sample(name: str):
    def decorator(func: Callable[[], dict]):
        SAMPLES[name] = func
        return func

    return decorator
