"""Turn a scan result (the engine's ``ScanReport.to_dict()``) into what the pages show.

The annotated text is the engine's ``annotate_html``: every character of the letter escaped,
``<mark>`` around each finding with a numbered label in words (not colour alone), linking to the
finding in the list. The list here links back: ``annotate_html`` gives its reference links no
id, so ``_BACKREF`` adds one. That regex can only match the engine's own markup, because the
engine escapes every ``<`` of the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from gelijk.engines.language import SEVERITIES, Finding, annotate_html

SEVERITY_LABELS = {
    "error": _("fout"),
    "warning": _("waarschuwing"),
    "suggestion": _("suggestie"),
}
SEVERITY_CHOICES = [
    ("suggestion", _("alles: fouten, waarschuwingen en suggesties")),
    ("warning", _("fouten en waarschuwingen")),
    ("error", _("alleen fouten")),
]
_RANK = {s: len(SEVERITIES) - i for i, s in enumerate(SEVERITIES)}  # error 3 … suggestion 1
CATEGORY_LABELS = {
    "herkomst": _("herkomst en etniciteit"),
    "gender": _("gender"),
    "beperking": _("beperking"),
    "leeftijd": _("leeftijd"),
    "religie": _("religie"),
    "handhaving": _("handhavingsbrief: afkomst of uiterlijk"),
    "ambtelijk": _("ambtelijke taal"),
    "vacature": _("vacaturetekst"),
    "leesbaarheid": _("leesbaarheid"),
}
B1_LABELS = {
    "likely_b1": _("waarschijnlijk B1"),
    "possibly_above_b1": _("mogelijk moeilijker dan B1"),
    "likely_above_b1": _("waarschijnlijk moeilijker dan B1"),
    "insufficient_text": _("te weinig tekst voor een indicatie"),
}


_PERCENT_CRITERIA = {"long_sentence_share", "infrequent_word_share", "passive_share"}
CRITERION_LABELS = {
    "words_per_sentence": _("gemiddeld aantal woorden per zin"),
    "long_sentence_share": _("deel van de zinnen langer dan 20 woorden"),
    "flesch_douma": _("Flesch-Douma-score"),
    "infrequent_word_share": _("deel van de woorden dat weinig voorkomt"),
    "passive_share": _("deel van de zinnen in de lijdende vorm"),
    "officialese_per_100_words": _("ambtelijke woorden per 100 woorden"),
}


def _figure(value: float, percent: bool) -> str:
    if percent:
        return f"{number_format(100 * value, 0)}%"
    return number_format(value, 1)


def criteria(b1: dict) -> list[dict]:
    """The B1 criteria as rows: what, value, limit and whether it is met, in words."""
    rows = []
    for c in b1.get("criteria", []):
        percent = c["name"] in _PERCENT_CRITERIA
        if c["met"]:
            verdict = _("goed")
        else:
            verdict = _("te hoog") if c["direction"] == "max" else _("te laag")
        rows.append(
            {
                "label": CRITERION_LABELS.get(c["name"], c["label"]),
                "value": _figure(c["value"], percent),
                "limit": (_("hoogstens %(v)s") if c["direction"] == "max" else _("minstens %(v)s"))
                % {"v": _figure(c["limit"], percent)},
                "met": c["met"],
                "verdict": verdict,
            }
        )
    return rows


def finding_from_dict(d: dict) -> Finding:
    return Finding(
        rule_id=d["rule_id"],
        category=d["category"],
        severity=d["severity"],
        start=d["start"],
        end=d["end"],
        line=d["line"],
        column=d["column"],
        text=d["text"],
        alternatives=tuple(d.get("alternatives") or ()),
        reason=d["reason"],
        source=d["source"],
        file=d.get("file"),
    )


@dataclass(frozen=True)
class Item:
    number: int
    anchor: str
    mark_anchor: str | None
    finding: Finding

    @property
    def severity_label(self):
        return SEVERITY_LABELS[self.finding.severity]

    @property
    def category_label(self):
        return CATEGORY_LABELS.get(self.finding.category, self.finding.category)


def _with_backrefs(html: str, prefix: str) -> str:
    pattern = re.compile(r'<a href="#' + re.escape(prefix) + r'(\d+)">')
    return pattern.sub(
        lambda m: f'<a id="{prefix}{m.group(1)}-plek" href="#{prefix}{m.group(1)}">', html
    )


def present(
    result: dict, text: str, *, min_severity: str = "suggestion", id_prefix: str = "melding-"
) -> dict:
    """Everything ``language/_result.html`` needs for one scan result."""
    if min_severity not in _RANK:
        min_severity = "suggestion"
    everything = [finding_from_dict(d) for d in result.get("findings", [])]
    floor = _RANK[min_severity]
    shown = [f for f in everything if _RANK[f.severity] >= floor]
    annotated = _with_backrefs(annotate_html(text, shown, id_prefix=id_prefix), id_prefix)
    items = [
        Item(
            n,
            f"{id_prefix}{n}",
            None if f.is_document_level else f"{id_prefix}{n}-plek",
            f,
        )
        for n, f in enumerate(shown, start=1)
    ]
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in everything:
        counts[f.severity] += 1
    b1 = result.get("b1", {})
    return {
        "annotated": SafeString(annotated) if annotated else mark_safe(""),
        "items": items,
        "document_items": [i for i in items if i.mark_anchor is None],
        "hidden": len(everything) - len(shown),
        "counts": counts,
        "total": len(everything),
        "min_severity": min_severity,
        "readability": result.get("readability", {}),
        "b1": b1,
        "b1_label": B1_LABELS.get(b1.get("code"), b1.get("label", "")),
        "criteria": criteria(b1),
        "criteria_met": sum(1 for c in b1.get("criteria", []) if c["met"]),
        "b1_and_clean": result.get("b1_and_clean", False),
        "kind": result.get("kind"),
        "kind_detected": result.get("kind_detected", False),
        "notes": result.get("notes", []),
        "encoding": result.get("encoding"),
    }


def trend_spec(points) -> dict:
    """Vega-Lite spec of the share of letters B1 and clean per whole-library batch scan.

    The page shows the same figures in a table; the chart is drawn by ``gelijk/charts.js``
    with the expression interpreter, so the strict CSP needs no ``unsafe-eval``."""
    from django.utils import timezone

    values = [
        {
            "moment": timezone.localtime(p.batch.finished_at).strftime("%Y-%m-%dT%H:%M:%S"),
            "aandeel": round(p.share, 4),
            "label": f"{round(100 * p.share)}%",
            "n": p.scanned,
            "schoon": p.clean,
        }
        for p in points
    ]
    x = {
        "field": "moment",
        "type": "temporal",
        "title": str(_("Batchscan van de hele bibliotheek")),
        "axis": {"format": "%d-%m-%Y", "labelAngle": 0, "tickCount": min(len(values), 6)},
    }
    y = {
        "field": "aandeel",
        "type": "quantitative",
        "title": str(_("Aandeel B1 en zonder fouten of waarschuwingen")),
        "scale": {"domain": [0, 1]},
        "axis": {"format": ".0%"},
    }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": str(
            _(
                "Lijngrafiek: aandeel standaardbrieven dat waarschijnlijk B1 is en geen fouten "
                "of waarschuwingen heeft, per batchscan. De tabel onder de grafiek geeft "
                "dezelfde cijfers."
            )
        ),
        "width": "container",
        "height": 260,
        "data": {"values": values},
        "encoding": {"x": x, "y": y},
        "layer": [
            {"mark": {"type": "line", "point": {"size": 60}, "color": "#0b4f8a"}},
            {
                "mark": {"type": "text", "dy": -12, "fontSize": 12, "color": "#1a1a1a"},
                "encoding": {"text": {"field": "label"}},
            },
        ],
        "config": {"font": "system-ui, sans-serif", "axis": {"labelColor": "#1a1a1a"}},
    }
