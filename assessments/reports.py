"""The PDF gap report: a content snapshot, its hash, and the WeasyPrint render.

The snapshot (`report_content`) is plain JSON-able data gathered in a fixed number of
queries. Its SHA-256 identifies the report: unchanged content is never rendered twice,
and the same content always gives the same PDF bytes (fixed dates, no random ids).
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ctframework import languages

from . import gap_analysis, selectors
from .models import Assessment, EvidenceLink

# Bump when the template or CSS change, so cached reports are rendered again.
REPORT_LAYOUT_VERSION = "6"
REPORT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "report.css"
FONT_DIRS = ("/usr/share/fonts/",)


class RefusedFetch(ValueError):
    """The report tried to load something from outside the project's own files."""


@dataclass(frozen=True)
class ReportOptions:
    """What the requester chooses about a report. Every field enters the content hash, so a
    French and an English report of the same content exist side by side."""

    language: str = "en"

    def __post_init__(self):
        if self.language not in languages.CODES:
            raise ValueError(f"unknown report language {self.language!r}")

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ReportOptions":
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})

    @classmethod
    def default_for(cls, assessment: Assessment) -> "ReportOptions":
        """The assessed jurisdiction's own language."""
        return cls(language=assessment.strategy.jurisdiction.default_language)


def report_content(
    assessment: Assessment, *, with_observations: bool, options: ReportOptions | None = None
) -> dict:
    """Everything the report shows, as plain data, in the options' language. The
    observations annex is for the jurisdiction and the assessment team only
    (permissions.can_see_observations)."""
    options = options or ReportOptions()
    with translation.override(options.language):
        return _content(assessment, with_observations=with_observations, options=options)


def _text(localized) -> dict:
    """A text of the library in the report's language where translated, with what it is."""
    return {
        "text": localized.text,
        "language": localized.language,
        "original": localized.original,
        "official": localized.official,
    }


def _content(assessment: Assessment, *, with_observations: bool, options: ReportOptions) -> dict:
    scores = list(selectors.assessment_scores(assessment).select_related("updated_by"))
    analysis = selectors.assessment_gap_analysis(assessment, scores)
    related = selectors.related_guidance([s.principle_id for s in scores])
    by_principle = {s.principle_id: s for s in scores}
    strategy, framework = assessment.strategy, assessment.framework
    sections = {s.pk: s for s in framework.sections.all()}
    for section in sections.values():
        section.framework = framework
    for score in scores:
        score.principle.framework = framework
    labels = gap_analysis.section_labels(
        [
            gap_analysis.SectionInfo(s.pk, s.parent_id, s.tr("title").text, s.order)
            for s in sections.values()
        ]
    )

    def guidance(principle_id):
        return [
            {
                "framework": other.framework.tr("short_title").text,
                "code": other.code,
                "title": other.tr("title").text,
                "relationship": ref.get_relationship_display(),
                "strength": ref.strength,
            }
            for other, ref in related.get(principle_id, [])
        ]

    # The assessors' working translations of linked passages, shown as theirs.
    translations = defaultdict(list)
    for link in (
        EvidenceLink.objects.filter(score__assessment=assessment, status=EvidenceLink.Status.LINKED)
        .exclude(translation="")
        .select_related("passage")
        .order_by("passage__document_id", "passage__position", "pk")
    ):
        translations[link.score_id].append(
            {
                "location": link.location,
                "text": link.translation,
                "language": link.translation_language,
            }
        )

    def principle_entry(score):
        principle = score.principle
        return {
            "code": principle.code,
            "number": principle.number,
            "title": principle.tr("title").text,
            "section": labels[principle.section_id],
            "level": str(score.level) if score.level_id else "",
            "value": score.level.value if score.level_id else None,
            "not_applicable": bool(score.level_id and score.level.is_not_applicable),
            "justification": score.justification,
            "evidence": score.evidence,
            "location": score.location,
            "translations": translations.get(score.pk, []),
            "recommendation": score.recommendation,
            "guidance": guidance(principle.pk),
        }

    gaps = [
        {**principle_entry(by_principle[gap.item.principle_id]), "gap": gap.gap}
        for gap in analysis.gaps
    ]
    observations = []
    annex = assessment.observations.select_related("principle", "author")
    for observation in annex if with_observations else []:
        observations.append(
            {
                "principle": observation.principle.code if observation.principle_id else "",
                "principle_title": (
                    observation.principle.tr("title").text if observation.principle_id else ""
                ),
                "author": observation.author.get_full_name() or observation.author.get_username(),
                "date": observation.created_at.date().isoformat(),
                "text": observation.text,
            }
        )
    return {
        "layout": REPORT_LAYOUT_VERSION,
        "options": options.as_dict(),
        "with_observations": with_observations,
        "assessment": {
            "id": assessment.pk,
            "title": str(assessment),
            "status": assessment.get_status_display(),
            "sharing": assessment.sharing,
            "sharing_label": assessment.get_sharing_display(),
            "revision": assessment.revision,
            "date": (assessment.finalized_at or assessment.updated_at).date().isoformat(),
        },
        "strategy": {
            "title": strategy.title,
            "jurisdiction": strategy.jurisdiction.display_name,
            "jurisdiction_code": strategy.jurisdiction.code,
            "year": strategy.year_adopted,
        },
        "framework": {
            "title": framework.tr("title").text,
            "short_title": framework.tr("short_title").text,
            "version": framework.version,
            "item_label": framework.tr("item_label").text,
            "source": framework.source_document,
            "language": framework.language,
        },
        "scale": {
            "name": str(assessment.scale),
            "top": analysis.top_value,
            "levels": [
                {"label": str(level), "guidance": level.tr("guidance").text}
                for level in assessment.scale.levels.all()
            ],
        },
        "summary": {
            "index": analysis.overall_index,
            "scored": analysis.overall.scored,
            "total": analysis.overall.total,
            "not_applicable": analysis.overall.not_applicable,
            "complete": analysis.overall.complete,
            "no_evidence": [i.code for i in analysis.no_evidence],
            "unscored": [
                {"code": i.code, "title": i.title, "section": labels[i.section_id]}
                for i in analysis.unscored
            ],
        },
        # Sections without an assessable item count nowhere and are not shown.
        "sections": [
            {
                "title": s.title,
                "label": s.label,
                "depth": s.depth,
                "scored": s.scored,
                "total": s.total,
                "achieved": s.achieved,
                "possible": s.possible,
                "coverage": s.coverage,
                "complete": s.complete,
            }
            for s in analysis.sections
            if s.total
        ],
        "gaps": gaps,
        "top_gaps": gaps[:5],
        "improved": [
            {"code": c.item.code, "title": c.item.title, "before": c.before, "after": c.after}
            for c in analysis.improved
        ],
        "declined": [
            {"code": c.item.code, "title": c.item.title, "before": c.before, "after": c.after}
            for c in analysis.declined
        ],
        "principles": [
            {
                "code": s.principle.code,
                "number": s.principle.number,
                "title": _text(s.principle.tr("title")),
                "text": _text(s.principle.tr("text")),
                "section": labels[s.principle.section_id],
            }
            for s in scores
        ],
        "observations": observations,
    }


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# The coverage chart's geometry, in SVG user units (CSS px). The label column, the bars and
# the value column never overlap; rows grow with their label's lines.
CHART_WIDTH = 640
CHART_LABEL_END = 214  # labels end here (text-anchor="end")
CHART_BAR_X, CHART_BAR_WIDTH = 226, 240
CHART_VALUE_X = CHART_BAR_X + CHART_BAR_WIDTH + 10
CHART_FONT_SIZE, CHART_LINE_HEIGHT = 11, 14
CHART_LABEL_CHARS, CHART_LABEL_LINES = 34, 2
CHART_BAR_HEIGHT, CHART_ROW_GAP = 16, 8
CHART_AXIS_HEIGHT = 22


def chart_value_text(section: dict) -> str:
    """What the chart says beside a section's bar: its coverage when every item is scored;
    "n of m scored" when some are not, with the coverage over the scored ones marked (*)."""
    # The plural follows the scored items: "1 of 3 scored", "2 of 3 scored" (agreement).
    scored = ngettext(
        "%(scored)d of %(total)d scored", "%(scored)d of %(total)d scored", section["scored"]
    ) % {"scored": section["scored"], "total": section["total"]}
    if section["coverage"] is None:
        return scored if section["scored"] < section["total"] else _("not applicable")
    coverage = languages.percent(section["coverage"])
    if section["complete"]:
        return coverage
    return _("%(percent)s* · %(scored)s") % {"percent": coverage, "scored": scored}


def wrap_label(text: str, width: int = CHART_LABEL_CHARS, lines: int = CHART_LABEL_LINES):
    """Split a label into at most `lines` lines of about `width` characters, at spaces;
    what does not fit ends with an ellipsis."""
    words, out, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width or not current:
            current = candidate
        else:
            out.append(current)
            current = word
    out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return [line if len(line) <= width else line[: width - 1] + "…" for line in out]


def coverage_chart_svg(sections: list[dict]) -> str:
    """A horizontal bar chart of coverage by top-level section, as inline SVG.

    A section with unscored items is never drawn as 0 %: with nothing scored it gets no bar
    and says "0 of m scored"; partly scored, its bar is the coverage over the scored items,
    marked with * and "n of m scored".
    """
    rows = [s for s in sections if s["depth"] == 0]
    layout, y = [], 4
    for row in rows:
        lines = wrap_label(row["title"])
        height = max(CHART_BAR_HEIGHT, CHART_LINE_HEIGHT * len(lines)) + CHART_ROW_GAP
        layout.append((row, lines, y, height))
        y += height
    plot_bottom = y
    height = plot_bottom + CHART_AXIS_HEIGHT
    title = _xml_escape(_("Coverage by section"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" height="{height}" '
        f'viewBox="0 0 {CHART_WIDTH} {height}" role="img" aria-label="{title}">'
    ]
    for tick in (0, 25, 50, 75, 100):
        x = CHART_BAR_X + CHART_BAR_WIDTH * tick / 100
        parts.append(
            f'<line x1="{x:g}" y1="0" x2="{x:g}" y2="{plot_bottom}" stroke="#c8ced6" '
            'stroke-width="0.5"/>'
            f'<text class="tick" x="{x:g}" y="{height - 6}" font-size="9" '
            f'text-anchor="middle">{tick} %</text>'
        )
    for row, lines, top, row_height in layout:
        middle = top + row_height / 2
        first = middle - CHART_LINE_HEIGHT * (len(lines) - 1) / 2 + CHART_FONT_SIZE * 0.35
        for k, line in enumerate(lines):
            parts.append(
                f'<text class="label" x="{CHART_LABEL_END}" '
                f'y="{first + k * CHART_LINE_HEIGHT:g}" font-size="{CHART_FONT_SIZE}" '
                f'text-anchor="end">{_xml_escape(line)}</text>'
            )
        if row["coverage"] is not None:
            width = CHART_BAR_WIDTH * row["coverage"] / 100
            parts.append(
                f'<rect x="{CHART_BAR_X}" y="{middle - CHART_BAR_HEIGHT / 2:g}" '
                f'width="{width:.1f}" height="{CHART_BAR_HEIGHT}" '
                f'fill="{"#0b5cad" if row["complete"] else "#6f9fd0"}"/>'
            )
        parts.append(
            f'<text class="value" x="{CHART_VALUE_X}" y="{middle + CHART_FONT_SIZE * 0.35:g}" '
            f'font-size="{CHART_FONT_SIZE}">{_xml_escape(chart_value_text(row))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _xml_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def report_html(content: dict) -> str:
    """The report's HTML, in its options' language (right to left for Arabic)."""
    language = content["options"]["language"]
    with translation.override(language):
        return render_to_string(
            "reports/gap_report.html",
            {
                "c": content,
                "language": language,
                "direction": "rtl" if language in languages.RIGHT_TO_LEFT else "ltr",
                "chart": coverage_chart_svg(content["sections"]),
                # Some coverage is over the scored items only: the note explains the *.
                "partial": any(
                    not s["complete"] and s["coverage"] is not None for s in content["sections"]
                ),
            },
        )


def check_fetch(url: str) -> None:
    """Refuse every URL but the report's own CSS folder, the system fonts and data: URLs."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return
    if parts.scheme == "file":
        path = str(Path(parts.path).resolve())
        if path.startswith((str(REPORT_CSS.parent) + "/", *FONT_DIRS)):
            return
    raise RefusedFetch(f"the report may not load {url[:80]}")


def local_only_fetcher():
    """A WeasyPrint URL fetcher that asks `check_fetch` before loading anything."""
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            check_fetch(url)
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("file", "data"))


def render_pdf(content: dict) -> bytes:
    """Lay out the report with WeasyPrint. Nothing is fetched from the network."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = local_only_fetcher()
    html = HTML(string=report_html(content), base_url=str(REPORT_CSS.parent), url_fetcher=fetcher)
    stylesheet = CSS(filename=str(REPORT_CSS), font_config=fonts, url_fetcher=fetcher)
    return html.write_pdf(stylesheets=[stylesheet], font_config=fonts)
