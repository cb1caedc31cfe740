"""Template helpers: register HTML (sanitised again on output), numbers in Dutch notation."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from gelijk.algorithms import html as register_html

register = template.Library()
_BLOCK = frozenset({"div", "br", "p", "ul", "ol", "li"})


@register.filter
def register_text(value) -> str:
    """A free-text field of the register: only the standard's block tags survive."""
    if not value:
        return ""
    return mark_safe(register_html.sanitise(str(value), _BLOCK))  # noqa: S308 - sanitised by nh3


@register.filter
def plain(value) -> str:
    return register_html.to_plain(str(value or ""))


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)


def _nl(number: float, digits: int) -> str:
    return f"{number:,.{digits}f}".replace(",", " ").replace(".", ",")


@register.filter
def pct(value, digits: int = 1) -> str:
    """0.1234 -> '12,3%'; None -> '–'."""
    if value is None:
        return "–"
    return _nl(float(value) * 100, int(digits)) + "%"


@register.filter
def num(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    return _nl(float(value), int(digits))


@register.filter
def pvalue(value) -> str:
    if value is None:
        return "–"
    value = float(value)
    return "< 0,001" if value < 0.001 else _nl(value, 3)
