"""Engine messages in the user's language.

Engines raise ``InputError`` with an English message (they know nothing of Django or
translation); each app keeps a table of (pattern, Dutch template) pairs for the messages its
users can meet, and this module fills the template of the first pattern that matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

__all__ = ["from_patterns"]


def from_patterns(
    patterns: Iterable[tuple[re.Pattern[str], Any]], message: str, **values: Any
) -> str | None:
    """The template of the first pattern found in ``message``, translated and filled with the
    pattern's named groups and ``values``; None when no pattern matches.

    Templates may be lazy (``gettext_lazy``) or marked with ``gettext_noop``; both are
    translated here, in the language active now. Trailing ``;`` and ``,`` of a group are
    dropped: they belong to the English sentence around it.
    """
    for pattern, template in patterns:
        found = pattern.search(message)
        if found:
            text = str(template) if isinstance(template, Promise) else _(template)
            groups = {k: (v or "").rstrip(";,") for k, v in found.groupdict().items()}
            return text % {**values, **groups}
    return None
