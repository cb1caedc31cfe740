"""Engine messages put into the user's language (gelijk.core.messages)."""

import re

from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from gelijk.core.messages import from_patterns

PATTERNS = [
    (
        re.compile(r"^(?P<f>.+?): the file is empty or has no header line$"),
        gettext_lazy("%(f)s is leeg of heeft geen kopregel met kolomnamen."),
    ),
    (
        re.compile(r"is not a valid (?P<ext>\S+) file"),
        gettext_noop(
            "‘%(name)s’ is geen geldig %(ext)s-bestand: het is beschadigd of een ander "
            "soort bestand."
        ),
    ),
]


def test_first_matching_pattern_fills_its_template_with_groups_and_values():
    assert (
        from_patterns(PATTERNS, "x.csv: the file is empty or has no header line")
        == "x.csv is leeg of heeft geen kopregel met kolomnamen."
    )
    # search, not match; the English sentence's comma after a group is not part of it
    assert (
        from_patterns(PATTERNS, "brief.docx is not a valid .docx, file", name="brief.docx")
        == "‘brief.docx’ is geen geldig .docx-bestand: het is beschadigd of een ander soort "
        "bestand."
    )


def test_no_match_is_none_so_the_caller_chooses_the_fallback():
    assert from_patterns(PATTERNS, "something else entirely") is None
    assert from_patterns([], "x") is None


def test_lazy_and_noop_templates_follow_the_active_language():
    with translation.override("en"):
        lazy = from_patterns(PATTERNS, "x.csv: the file is empty or has no header line")
        noop = from_patterns(PATTERNS, "is not a valid .odt file", name="a.odt")
    assert lazy == "x.csv is empty or has no header row with column names."
    assert noop.startswith("‘a.odt’ is not a valid .odt file")
