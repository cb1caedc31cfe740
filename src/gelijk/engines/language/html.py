"""HTML output: an annotated text fragment for templates, and a self-contained report page.

:func:`annotate_html` returns a *fragment* a Django template can include with ``|safe``:
every character of the input is escaped; the only markup is what this function creates:

* ``<mark class="gl-mark gl-<severity>" data-findings="1 3">…</mark>`` around text that one
  or more findings cover (overlapping findings are split into segments);
* ``<span class="gl-sr">begin melding 1</span>`` / ``einde melding 1`` — text for screen
  readers, hidden visually by the ``gl-sr`` class (the page must define it);
* ``<sup class="gl-ref"><a href="#gl-f1">[1: fout]</a></sup>`` after each finding: a visible
  number and severity in words, so highlighting never relies on colour alone, linking to the
  finding's entry (``id="gl-f1"``) in the list the page shows beside the text.

Numbers follow the order of the ``findings`` argument. Keep line breaks visible with
``white-space: pre-wrap`` on the container.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from itertools import pairwise

from .report import FileProblem, Finding, FolderReport, ScanReport
from .rules import SEVERITY_RANK

SEVERITY_NL = {"error": "fout", "warning": "waarschuwing", "suggestion": "suggestie"}


def annotate_html(text: str, findings: Sequence[Finding], *, id_prefix: str = "gl-f") -> str:
    """Escaped ``text`` with accessible ``<mark>`` highlighting of ``findings``."""
    numbered = [(i + 1, f) for i, f in enumerate(findings) if f.end > f.start]
    cuts = {0, len(text)}
    for _, f in numbered:
        cuts.add(max(0, min(f.start, len(text))))
        cuts.add(max(0, min(f.end, len(text))))
    bounds = sorted(cuts)
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[tuple[int, Finding]]] = {}
    for n, f in numbered:
        starts.setdefault(f.start, []).append(n)
        ends.setdefault(f.end, []).append((n, f))
    prefix = escape(id_prefix, quote=True)
    out: list[str] = []
    for a, b in pairwise(bounds):
        for n, f in ends.get(a, ()):
            out.append(_ref(n, f, prefix))
        for n in starts.get(a, ()):
            out.append(f'<span class="gl-sr">begin melding {n}</span>')
        segment = escape(text[a:b], quote=True)
        active = [(n, f) for n, f in numbered if f.start <= a and f.end >= b]
        if active:
            worst = max(active, key=lambda nf: SEVERITY_RANK[nf[1].severity])[1].severity
            ids = " ".join(str(n) for n, _ in active)
            out.append(f'<mark class="gl-mark gl-{worst}" data-findings="{ids}">{segment}</mark>')
        else:
            out.append(segment)
    for n, f in ends.get(len(text), ()):
        out.append(_ref(n, f, prefix))
    return "".join(out)


def _ref(n: int, f: Finding, prefix: str) -> str:
    label = SEVERITY_NL[f.severity]
    return (
        f'<span class="gl-sr">einde melding {n}</span>'
        f'<sup class="gl-ref gl-{f.severity}"><a href="#{prefix}{n}">[{n}: {label}]</a></sup>'
    )


_CSS = """
:root { --fout: #a4001d; --waarschuwing: #7a4d00; --suggestie: #0b4f8a; }
body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #1a1a1a; }
h1, h2, h3 { line-height: 1.2; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #767676; padding: .25rem .5rem; text-align: left; vertical-align: top; }
.gl-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
         white-space: nowrap; }
.gl-text { white-space: pre-wrap; border: 1px solid #767676; padding: 1rem; background: #fff; }
mark.gl-mark { background: #fff3b0; color: inherit; }
mark.gl-error { background: #ffd6dc; border-bottom: 3px solid var(--fout); }
mark.gl-warning { background: #ffe9c2; border-bottom: 3px dashed var(--waarschuwing); }
mark.gl-suggestion { background: #dcebfa; border-bottom: 2px dotted var(--suggestie); }
sup.gl-ref a { font-weight: bold; text-decoration: underline; }
sup.gl-error a { color: var(--fout); }
sup.gl-warning a { color: var(--waarschuwing); }
sup.gl-suggestion a { color: var(--suggestie); }
.gl-findings li { margin-bottom: .75rem; }
.gl-badge { font-weight: bold; text-transform: uppercase; font-size: .85em; }
.gl-badge.gl-error { color: var(--fout); }
.gl-badge.gl-warning { color: var(--waarschuwing); }
.gl-badge.gl-suggestion { color: var(--suggestie); }
.gl-verdict { border-left: 6px solid #767676; padding: .5rem 1rem; background: #f3f3f3; }
.gl-verdict pre { white-space: pre-wrap; font-family: inherit; margin: .25rem 0; }
:focus { outline: 3px solid #000; outline-offset: 2px; }
"""


def _num(value: float | None, digits: int = 1, percent: bool = False) -> str:
    if value is None:
        return "—"
    if percent:
        return f"{100 * value:.0f}%"
    return f"{value:.{digits}f}".replace(".", ",")


def findings_list_html(findings: Sequence[Finding], *, id_prefix: str = "gl-f") -> str:
    """An ``<ol>`` with one entry per finding (ids match :func:`annotate_html`)."""
    if not findings:
        return "<p>Geen meldingen.</p>"
    items = []
    for n, f in enumerate(findings, start=1):
        where = "hele tekst" if f.is_document_level else f"regel {f.line}, kolom {f.column}"
        alts = "; ".join(escape(a) for a in f.alternatives) or "—"
        quoted = f" „{escape(f.text)}”" if f.text else ""
        items.append(
            f'<li id="{escape(id_prefix, quote=True)}{n}">'
            f'<span class="gl-badge gl-{f.severity}">{SEVERITY_NL[f.severity]}</span> '
            f"({escape(f.category)}, {where}){quoted}<br>"
            f"<strong>Beter:</strong> {alts}<br>"
            f"<strong>Waarom:</strong> {escape(f.reason)}<br>"
            f"<small>Bron: {escape(f.source)} · regel <code>{escape(f.rule_id)}</code></small>"
            "</li>"
        )
    return '<ol class="gl-findings">' + "".join(items) + "</ol>"


def _report_section(report: ScanReport, index: int) -> str:
    r = report.readability
    prefix = f"gl-d{index}-f"
    title = escape(report.file or "tekst")
    counts = report.counts
    rows = [
        ("Zinnen (zonder kopjes en aanhef)", str(r.sentences)),
        ("Woorden", str(r.words)),
        ("Woorden per zin", _num(r.words_per_sentence)),
        ("Lettergrepen per woord", _num(r.syllables_per_word, 2)),
        ("Flesch-Douma", f"{_num(r.flesch_douma)} ({escape(r.flesch_douma_band or '—')})"),
        ("Leesindex Brouwer", _num(r.brouwer)),
        (f"Lange woorden ({r.long_word_min_syllables}+ lettergrepen)",
         _num(r.long_word_share, percent=True)),
        ("Weinig voorkomende woorden", _num(r.infrequent_word_share, percent=True)),
        (f"Zinnen langer dan {r.long_sentence_over_words} woorden", str(r.long_sentences)),
        ("Zinnen in de lijdende vorm", str(r.passive_sentences)),
        ("Naamwoordstijl", str(r.nominalisations)),
    ]  # fmt: skip
    table = "".join(f"<tr><th scope='row'>{k}</th><td>{v}</td></tr>" for k, v in rows)
    notes = "".join(f"<p>{escape(n)}</p>" for n in report.notes)
    document_level = [f for f in report.findings if f.is_document_level]
    missing = ""
    if document_level:
        missing = (
            "<p><strong>Over de hele tekst:</strong> "
            + "; ".join(f"{SEVERITY_NL[f.severity]}: {escape(f.reason)}" for f in document_level)
            + "</p>"
        )
    return (
        f'<section aria-labelledby="gl-d{index}"><h2 id="gl-d{index}">{title}</h2>'
        f"<p>Soort tekst: {'vacature' if report.kind == 'vacancy' else 'brief'}"
        f"{' (automatisch herkend)' if report.kind_detected else ''}. "
        f"{counts['error']} fouten, {counts['warning']} waarschuwingen, "
        f"{counts['suggestion']} suggesties.</p>{notes}"
        f'<div class="gl-verdict"><p><strong>B1-indicatie: {escape(report.b1.label)}</strong></p>'
        f"<pre>{escape(report.b1.explanation)}</pre><p><small>{escape(report.b1.disclaimer)}"
        f"</small></p></div>"
        f"<h3>Leesbaarheid</h3><table><caption class='gl-sr'>Leesbaarheid van {title}</caption>"
        f"{table}</table>{missing}"
        f"<h3>Tekst met markeringen</h3>"
        f'<div class="gl-text" role="region" aria-label="Tekst van {title}" tabindex="0">'
        f"{annotate_html(report.text, report.findings, id_prefix=prefix)}</div>"
        f"<h3>Meldingen</h3>{findings_list_html(report.findings, id_prefix=prefix)}</section>"
    )


def render_report_html(
    reports: Sequence[ScanReport], problems: Sequence[FileProblem] = (), *, skipped: int = 0
) -> str:
    """A complete, self-contained Dutch HTML page for one or more scanned files."""
    folder = FolderReport(tuple(reports), tuple(problems), skipped)
    s = folder.summary()
    share = s["b1_and_clean_share"]
    summary_rows = [
        ("Bestanden gescand", s["files_scanned"]),
        ("Bestanden niet gelezen", s["files_failed"]),
        ("Bestanden met fouten", s["files_with_errors"]),
        ("Fouten", s["findings"]["error"]),
        ("Waarschuwingen", s["findings"]["warning"]),
        ("Suggesties", s["findings"]["suggestion"]),
        ("Waarschijnlijk B1 en zonder fouten of waarschuwingen",
         f"{s['b1_and_clean']} ({_num(share, percent=True)})"),
    ]  # fmt: skip
    summary = "".join(f"<tr><th scope='row'>{k}</th><td>{v}</td></tr>" for k, v in summary_rows)
    problem_list = ""
    if problems:
        problem_list = (
            "<h2>Niet gelezen</h2><ul>"
            + "".join(f"<li>{escape(p.dutch)}</li>" for p in problems)
            + "</ul>"
        )
    sections = "".join(_report_section(r, i) for i, r in enumerate(reports, start=1))
    return (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Taalscan Gelijk</title><style>{_CSS}</style></head><body><main>"
        "<h1>Taalscan: inclusieve taal en leesbaarheid</h1>"
        "<p>Markeringen hebben een nummer en een woord (fout, waarschuwing, suggestie), "
        "niet alleen een kleur. De B1-indicatie is geen officiële meting.</p>"
        f"<h2>Samenvatting</h2><table>{summary}</table>{problem_list}{sections}"
        "</main></body></html>"
    )
