"""HTML output: the annotated fragment for templates and the self-contained report page."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from gelijk.engines.language import Finding, annotate_html, render_report_html


def finding(start, end, text, severity="warning", rule_id="test-regel"):
    return Finding(rule_id, "test", severity, start, end, 1, start + 1, text[start:end],
                   ("beter",), "reden", "bron")  # fmt: skip


_OURS = re.compile(
    r'<span class="gl-sr">[^<]*</span>|<sup class="gl-ref[^"]*"><a href="#[^"]*">[^<]*</a></sup>'
    r'|<mark class="gl-mark [^"]*" data-findings="[0-9 ]*">|</mark>'
)


def strip_ours(html: str) -> str:
    return unescape(_OURS.sub("", html))


def test_everything_not_ours_is_escaped():
    text = 'Kijk <script>alert("x")</script> & allochtoon'
    html = annotate_html(text, [finding(text.index("allochtoon"), len(text), text)])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html and "&quot;x&quot;" in html
    assert strip_ours(html) == text


def test_marks_have_visible_labels_not_only_colour():
    text = "Geachte heer/mevrouw, u krijgt een boete."
    html = annotate_html(text, [finding(0, 20, text, "error")], id_prefix="brief1-")
    assert '<mark class="gl-mark gl-error" data-findings="1">Geachte heer/mevrouw</mark>' in html
    assert '<a href="#brief1-1">[1: fout]</a>' in html
    assert '<span class="gl-sr">begin melding 1</span>' in html
    assert '<span class="gl-sr">einde melding 1</span>' in html


def test_overlapping_findings_are_split_into_segments():
    text = "een donker getinte man"
    html = annotate_html(text, [finding(4, 18, text, "warning"), finding(11, 22, text, "error")])
    marks = re.findall(
        r'<mark class="gl-mark gl-(\w+)" data-findings="([0-9 ]+)">([^<]*)</mark>', html
    )
    assert marks == [
        ("warning", "1", "donker "),
        ("error", "1 2", "getinte"),
        ("error", "2", " man"),
    ]
    assert strip_ours(html) == text


def test_document_level_findings_are_not_marked_inline():
    assert annotate_html("tekst", [finding(0, 0, "tekst")]) == "tekst"


class _Checker(HTMLParser):
    """Collects tags and checks that they nest properly."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.ok = True
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in ("meta", "br", "link"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.ok = False


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab <>&\"'\né")), max_size=40),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=6),
)
def test_annotation_round_trips_and_nests(text, spans):
    findings = [finding(min(a, b, len(text)), min(max(a, b), len(text)), text) for a, b in spans]
    html = annotate_html(text, findings)
    assert strip_ours(html) == text
    checker = _Checker()
    checker.feed(html)
    assert checker.ok and not checker.stack
    assert set(checker.tags) <= {"mark", "span", "sup", "a"}


def test_report_page_is_self_contained_dutch_and_accessible(scanner, tmp_path):
    report = scanner.scan_text("Geachte heer/mevrouw,\n\nIn uw straat wonen veel allochtonen.")
    page = render_report_html([report])
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="nl">' in page and "<title>" in page
    assert not re.search(r"<(?:link|script|img)\b", page)
    assert "http" not in page
    assert "geen officiële meting" in page
    assert 'id="gl-d1-f1"' in page and 'href="#gl-d1-f1"' in page
    checker = _Checker()
    checker.feed(page)
    assert checker.ok


def test_report_page_lists_reading_problems_in_dutch():
    from gelijk.engines.language import FileProblem

    problems = [
        FileProblem("brieven/<leeg>.txt", "the file is empty", "empty"),
        FileProblem("brieven/plaatje.txt", "contains binary data, not text", "binary"),
    ]
    page = render_report_html([], problems)
    assert "<li>‘brieven/&lt;leeg&gt;.txt’ is leeg.</li>" in page
    assert "‘brieven/plaatje.txt’ bevat geen tekst maar binaire gegevens." in page
    assert "empty" not in page and "binary data" not in page
