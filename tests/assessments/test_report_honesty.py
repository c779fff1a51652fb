"""The gap report is honest about what is scored, and lays out cleanly: unscored principles
are listed, a section with unscored items is never charted as 0 %, labels never overlap, a
quotation that fits on a page is not split across pages. Checked in the PDF's text layer
(pypdf) and in the chart's SVG."""

import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments import reports
from assessments.models import Observation
from assessments.services import ScoreInput, score_save
from tests.factories import make_assessment, make_framework

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def parse_chart(sections: list[dict]):
    """The chart's SVG as an element tree (our own markup, made from our own data)."""
    return ET.fromstring(reports.coverage_chart_svg(sections))  # noqa: S314


def save(assessment, score, user, code, *, evidence="", justification="Justified."):
    score_save(
        score=score,
        user=user,
        expected_version=score.version,
        data=ScoreInput(
            assessment.scale.levels.get(code=code), justification, evidence, "p. 1", ""
        ),
    )


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def chunks(page) -> list[tuple[float, float, str]]:
    """(x, y, text) of each run of text on a PDF page (HTML text; not the SVG's)."""
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append((round(x, 1), round(y, 1), text.strip()))

    page.extract_text(visitor_text=visit)
    return out


@pytest.fixture
def partly_scored(malta, assessor, reviewer):
    """Nine principles in three sections (Section 1: FRA-1, 4, 7; Section 2: FRA-2, 5, 8;
    Section 3: FRA-3, 6, 9). Section 1 fully scored, Section 2 not at all, Section 3 one of
    three."""
    framework = make_framework(9, sections=3, slug="fra")
    assessment = make_assessment(
        jurisdiction=malta, assessors=[assessor], reviewer=reviewer, framework=framework
    )
    scores = {s.principle.code: s for s in assessment.scores.select_related("principle")}
    for code, level in {"FRA-1": "4", "FRA-4": "2", "FRA-7": "0", "FRA-3": "3"}.items():
        save(assessment, scores[code], assessor, level, evidence=f"Quoted for {code}")
    return assessment


def test_unscored_principles_are_listed_in_a_section_of_their_own(partly_scored):
    content = reports.report_content(partly_scored, with_observations=False)
    pages = pages_text(reports.render_pdf(content))
    text = " ".join(" ".join(pages).split())
    assert "Not yet scored" in pages[0]  # in the contents, on the cover
    listed = text.split("These items have no score yet")[1].split("Prioritized gaps")[0]
    unscored = ["FRA-2", "FRA-5", "FRA-8", "FRA-6", "FRA-9"]
    for code in unscored:
        number = code.split("-")[1]
        assert re.search(rf"{code} Principle {number}\b", listed), code
    assert re.findall(r"FRA-\d", listed) == unscored  # document order by section
    assert "FRA-1" not in listed and "FRA-3" not in listed
    # The index is over the scored items, and says so.
    assert "Overall index: 56.2%*" in text  # (4 + 2 + 0 + 3) / 16
    assert "Over the scored items only: 5 items are not yet scored" in text


def test_a_section_with_unscored_items_is_not_charted_as_zero(partly_scored):
    content = reports.report_content(partly_scored, with_observations=False)
    by_title = {s["title"]: s for s in content["sections"]}
    assert (by_title["Section 2"]["scored"], by_title["Section 2"]["coverage"]) == (0, None)
    svg = parse_chart(content["sections"])
    rows = _chart_rows(svg)
    assert rows["Section 1"]["value"] == "50.0%"  # complete: a plain percentage
    assert rows["Section 2"]["value"] == "0 of 3 scored"  # nothing scored: no percentage
    assert rows["Section 2"]["bar"] is None  # … and no bar, not even an empty one
    assert rows["Section 3"]["value"] == "75.0%* · 1 of 3 scored"  # marked as over 1 item
    pages = pages_text(reports.render_pdf(content))
    page = next(p for p in pages[1:] if "Coverage by section" in p)  # not the contents
    assert page.count("0 of 3 scored") == 1 and page.count("75.0%* · 1 of 3 scored") == 1
    coverage = page.split("Coverage by section")[-1].split("Not yet scored")[0]
    assert re.search(r"Section 2 0 of 3 0 / 0 not yet scored", coverage)
    assert re.search(r"Section 3 1 of 3 3 / 4 75.0%\*", coverage)
    assert "* Over the scored items only: the section has items not yet scored." in coverage


def _chart_rows(svg) -> dict[str, dict]:
    """Each chart row's label (lines joined), value text, bar and the y of its texts."""
    labels = [t for t in svg.iter(f"{SVG}text") if t.get("class") == "label"]
    values = [t for t in svg.iter(f"{SVG}text") if t.get("class") == "value"]
    bars = list(svg.iter(f"{SVG}rect"))
    rows, current = {}, None
    # Labels come in row order, each row's lines followed by its bar and value.
    for element in svg:
        kind = element.get("class")
        if element.tag == f"{SVG}text" and kind == "label":
            if current is None or current.get("value") is not None:
                current = {"lines": [], "ys": [], "bar": None, "value": None}
            current["lines"].append(element.text)
            current["ys"].append(float(element.get("y")))
        elif element.tag == f"{SVG}rect":
            current["bar"] = element
        elif element.tag == f"{SVG}text" and kind == "value":
            current["value"] = element.text
            current["value_y"] = float(element.get("y"))
            rows[" ".join(current["lines"])] = current
    assert len(rows) == len(values) and len(bars) <= len(values) and labels
    return rows


@pytest.mark.parametrize("long_titles", [False, True])
def test_chart_labels_are_each_present_once_and_never_overlap(partly_scored, long_titles):
    if long_titles:  # wrapped on two lines, or cut with an ellipsis
        sections = partly_scored.framework.sections.order_by("order")
        for section, title in zip(sections, LONG_TITLES, strict=True):
            section.title = title
            section.save(update_fields=["title"])
    partly_scored.scale.levels.filter(code="2").update(guidance="")
    content = reports.report_content(partly_scored, with_observations=False)
    svg = parse_chart(content["sections"])
    rows = _chart_rows(svg)
    titles = [s["title"] for s in content["sections"] if s["depth"] == 0]
    assert len(rows) == len(titles) == 3
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    for title, label in zip(titles, rows, strict=True):
        assert label == title or (label.endswith("…") and title.startswith(label[:-1]))
        assert texts.count(rows[label]["lines"][0]) == 1  # each label present once
    line = reports.CHART_FONT_SIZE
    label_ys = sorted(y for row in rows.values() for y in row["ys"])
    assert all(b - a >= line for a, b in zip(label_ys, label_ys[1:], strict=False))
    value_ys = sorted(row["value_y"] for row in rows.values())
    assert all(b - a >= line for a, b in zip(value_ys, value_ys[1:], strict=False))
    for row in rows.values():  # each row's value sits within its own label's lines
        assert min(row["ys"]) - line <= row["value_y"] <= max(row["ys"]) + line
    if long_titles:
        assert max(len(row["lines"]) for row in rows.values()) == 2
        assert all(
            len(line) <= reports.CHART_LABEL_CHARS for r in rows.values() for line in r["lines"]
        )
    # The columns never meet: labels end before the bars, values start after 100 %.
    for text in svg.iter(f"{SVG}text"):
        if text.get("class") == "label":
            assert float(text.get("x")) < reports.CHART_BAR_X and text.get("text-anchor") == "end"
        if text.get("class") == "value":
            assert float(text.get("x")) > reports.CHART_BAR_X + reports.CHART_BAR_WIDTH


LONG_TITLES = [
    "The Committee also requests CTED to integrate the present guidance in its dialogue",
    "In the field of mutual legal assistance and extradition between States",
    "Short",
]


def test_scale_legend_keeps_each_label_on_its_own_line_when_guidance_is_empty(
    partly_scored,
):
    """The legend of levels is floated labels beside their guidance: an empty guidance used
    to let the next level's guidance ride up beside the wrong label (the `clear` problem)."""
    guidance = {
        "0": "Nothing at all.",
        "1": "Mentioned only, with no measure. " * 4,
        "2": "",
        "3": "",
        "4": "Everything is there.",
    }
    for code, text in guidance.items():
        partly_scored.scale.levels.filter(code=code).update(guidance=text.strip())
    content = reports.report_content(partly_scored, with_observations=False)
    labels = [str(level) for level in partly_scored.scale.levels.order_by("order")]
    guidance = {label: guidance.get(label.split(" · ")[0], "").strip() for label in labels}

    def misplaced(pdf: bytes) -> list[str]:
        """The labels not alone on their line, or beside a guidance not their own."""
        reader = PdfReader(io.BytesIO(pdf))
        page = next(p for p in reader.pages if "Score scale" in p.extract_text())
        runs = chunks(page)
        top = next(y for x, y, t in runs if t.startswith("Score scale"))
        bottom = next(y for x, y, t in runs if t == "Top five gaps")
        legend = [(x, y, t) for x, y, t in runs if bottom < y < top]
        found = {}
        for label in labels:
            hits = [(x, y) for x, y, t in legend if t == label]
            assert len(hits) == 1, (label, legend)  # each label present once
            found[label] = hits[0]
        assert len({x for x, _ in found.values()}) == 1  # in one column
        ys = [y for _, y in found.values()]
        assert ys == sorted(ys, reverse=True)  # top to bottom, in order
        assert all(a - b >= 9.5 for a, b in zip(ys, ys[1:], strict=False))  # a line apart
        wrong = []
        for label, (x, y) in found.items():
            beside = [t for x2, y2, t in legend if abs(y2 - y) < 1 and x2 > x]
            if [guidance[label].startswith(t) for t in beside] != [True] * bool(guidance[label]):
                wrong.append(label)
        return wrong

    # With the rows' floats let out (the old layout), the guidance of 4 rides up beside 2.
    assert misplaced(_render_with(content, ".pair { display: block !important }"))
    assert misplaced(reports.render_pdf(content)) == []


def test_observations_annex_names_each_principle_with_its_title(partly_scored, ministry_malta):
    principle = partly_scored.framework.principles.get(code="FRA-4")
    Observation.objects.create(
        assessment=partly_scored, principle=principle, author=ministry_malta, text="We differ."
    )
    Observation.objects.create(
        assessment=partly_scored, principle=None, author=ministry_malta, text="In general."
    )
    content = reports.report_content(partly_scored, with_observations=True)
    text = "\n".join(pages_text(reports.render_pdf(content)))
    annex = text.split("Annex: observations of the jurisdiction")[-1].split("Annex: full texts")[0]
    assert re.search(r"FRA-4 Principle 4 · maria-ministry · \d{4}-\d\d-\d\d", annex)
    assert re.search(r"General · maria-ministry", annex)


def test_not_addressed_needs_no_evidence(client, malta, assessor, reviewer):
    """A score of 0 is never listed as scored without evidence, nor flagged in the report."""
    assessment = make_assessment(
        jurisdiction=malta, assessors=[assessor], reviewer=reviewer, principles=3
    )
    zero, one, four = assessment.scores.select_related("principle").order_by("principle__order")
    save(assessment, zero, assessor, "0")
    save(assessment, one, assessor, "1")
    save(assessment, four, assessor, "4", evidence="All of it is there.")
    content = reports.report_content(assessment, with_observations=False)
    assert content["summary"]["no_evidence"] == [one.principle.code]
    text = " ".join(" ".join(pages_text(reports.render_pdf(content))).split())
    assert text.count("No evidence quoted.") == 1  # the level-1 item only
    assert "1 item scored above the lowest level has no evidence quoted." in text
    client.force_login(assessor)
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    listed = page.split("Scored without evidence")[1].split("</ul>")[0]
    assert one.principle.code in listed and zero.principle.code not in listed


QUOTE_WORDS = re.findall(
    r"\S+",
    "the national strategy commits every ministry to prevent terrorism protect victims "
    "and prosecute offenders under the rule of law with parliamentary oversight",
)


def test_a_quotation_that_fits_on_a_page_is_not_split(malta, assessor, reviewer):
    """Quotes of about a dozen lines, after justifications of varying length: without
    `break-inside: avoid` some would straddle a page break (checked), with it none does."""
    assessment = make_assessment(
        jurisdiction=malta, assessors=[assessor], reviewer=reviewer, principles=10
    )
    for i, score in enumerate(assessment.scores.order_by("principle__order")):
        quote = " ".join(QUOTE_WORDS[(i + k) % len(QUOTE_WORDS)] for k in range(150))
        save(
            assessment,
            score,
            assessor,
            str(i % 4),
            evidence=f"QSTART{i} {quote} QEND{i}",
            justification=" ".join(QUOTE_WORDS[: 5 + 9 * i]),
        )
    content = reports.report_content(assessment, with_observations=False)

    def split_quotes(pdf: bytes) -> list[int]:
        texts = pages_text(pdf)
        page_of = {
            marker: next(n for n, t in enumerate(texts) if marker in t)
            for i in range(10)
            for marker in (f"QSTART{i}", f"QEND{i}")
        }
        return [i for i in range(10) if page_of[f"QSTART{i}"] != page_of[f"QEND{i}"]]

    assert split_quotes(_render_with(content, "blockquote { break-inside: auto !important }"))
    assert split_quotes(reports.render_pdf(content)) == []


def _render_with(content: dict, extra_css: str) -> bytes:
    """The report rendered as render_pdf does, with one more stylesheet after the report's."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = reports.local_only_fetcher()
    html = HTML(
        string=reports.report_html(content),
        base_url=str(reports.REPORT_CSS.parent),
        url_fetcher=fetcher,
    )
    sheets = [
        CSS(filename=str(reports.REPORT_CSS), font_config=fonts, url_fetcher=fetcher),
        CSS(string=extra_css, font_config=fonts),
    ]
    return html.write_pdf(stylesheets=sheets, font_config=fonts)
