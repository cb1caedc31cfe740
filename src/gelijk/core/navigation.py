"""Menu items contributed by each app; shown only to users whose permissions allow them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None  # None: visible to everyone in that area
    order: int = 100


PUBLIC: list[NavItem] = []
OFFICE: list[NavItem] = []


def add_public(item: NavItem) -> None:
    if item not in PUBLIC:
        PUBLIC.append(item)


def add_office(item: NavItem) -> None:
    if item not in OFFICE:
        OFFICE.append(item)


def visible(items: list[NavItem], user, current_path: str) -> list[dict]:
    from gelijk.core.access import has_permission

    result = []
    for item in sorted(items, key=lambda i: (i.order, str(i.label))):
        if item.permission and not has_permission(user, item.permission):
            continue
        url = reverse(item.url_name)
        current = current_path == url or (url != "/" and current_path.startswith(url))
        result.append({"label": item.label, "url": url, "current": current})
    return result
