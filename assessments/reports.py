"""The PDF gap report: a content snapshot, its hash, and the WeasyPrint render.

The snapshot (`report_content`) is plain JSON-able data gathered in a fixed number of
queries. Its SHA-256 identifies the report: unchanged content is never rendered twice,
and the same content always gives the same PDF bytes (fixed dates, no random ids).
"""

import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from . import selectors
from .models import Assessment

# Bump when the template or CSS change, so cached reports are rendered again.
REPORT_LAYOUT_VERSION = "1"
REPORT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "report.css"
FONT_DIRS = ("/usr/share/fonts/",)


class RefusedFetch(ValueError):
    """The report tried to load something from outside the project's own files."""


def report_content(assessment: Assessment, *, with_observations: bool) -> dict:
    """Everything the report shows, as plain data. The observations annex is for the
    jurisdiction and the assessment team only (permissions.can_see_observations)."""
    scores = list(selectors.assessment_scores(assessment).select_related("updated_by"))
    analysis = selectors.assessment_gap_analysis(assessment, scores)
    related = selectors.related_guidance([s.principle_id for s in scores])
    by_principle = {s.principle_id: s for s in scores}
    sections = {s.pk: s for s in assessment.framework.sections.all()}
    strategy, framework = assessment.strategy, assessment.framework

    def guidance(principle_id):
        return [
            {
                "framework": other.framework.short_title,
                "code": other.code,
                "title": other.title,
                "relationship": ref.get_relationship_display(),
                "strength": ref.strength,
            }
            for other, ref in related.get(principle_id, [])
        ]

    def principle_entry(score):
        principle = score.principle
        return {
            "code": principle.code,
            "number": principle.number,
            "title": principle.title,
            "section": sections[principle.section_id].title,
            "level": str(score.level) if score.level_id else "",
            "value": score.level.value if score.level_id else None,
            "not_applicable": bool(score.level_id and score.level.is_not_applicable),
            "justification": score.justification,
            "evidence": score.evidence,
            "location": score.location,
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
                "author": observation.author.get_full_name() or observation.author.get_username(),
                "date": observation.created_at.date().isoformat(),
                "text": observation.text,
            }
        )
    return {
        "layout": REPORT_LAYOUT_VERSION,
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
            "jurisdiction": strategy.jurisdiction.name,
            "jurisdiction_code": strategy.jurisdiction.code,
            "year": strategy.year_adopted,
        },
        "framework": {
            "title": framework.title,
            "short_title": framework.short_title,
            "version": framework.version,
            "item_label": framework.item_label,
            "source": framework.source_document,
        },
        "scale": {
            "name": assessment.scale.name,
            "top": analysis.top_value,
            "levels": [
                {"label": str(level), "guidance": level.guidance}
                for level in assessment.scale.levels.all()
            ],
        },
        "summary": {
            "index": analysis.overall_index,
            "scored": analysis.overall.scored,
            "total": analysis.overall.total,
            "not_applicable": analysis.overall.not_applicable,
            "no_evidence": [i.code for i in analysis.no_evidence],
            "unscored": [i.code for i in analysis.unscored],
        },
        "sections": [
            {
                "title": s.title,
                "depth": s.depth,
                "scored": s.scored,
                "total": s.total,
                "achieved": s.achieved,
                "possible": s.possible,
                "coverage": s.coverage,
            }
            for s in analysis.sections
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
                "title": s.principle.title,
                "text": s.principle.text,
                "section": sections[s.principle.section_id].title,
            }
            for s in scores
        ],
        "observations": observations,
    }


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def coverage_chart_svg(sections: list[dict]) -> str:
    """A horizontal bar chart of coverage by top-level section, as inline SVG."""
    rows = [s for s in sections if s["depth"] == 0]
    bar_x, bar_width, row_height = 190, 300, 26
    height = row_height * len(rows) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="520" height="{height}" '
        f'viewBox="0 0 520 {height}" role="img" aria-label="Coverage by section">'
    ]
    for tick in (0, 25, 50, 75, 100):
        x = bar_x + bar_width * tick / 100
        parts.append(
            f'<line x1="{x}" y1="0" x2="{x}" y2="{height - 20}" stroke="#c8ced6" '
            'stroke-width="0.5"/>'
            f'<text x="{x}" y="{height - 6}" font-size="9" text-anchor="middle">{tick} %</text>'
        )
    for i, row in enumerate(rows):
        y = i * row_height + 4
        coverage = row["coverage"] or 0
        label = _xml_escape(row["title"][:34])
        parts.append(
            f'<text x="{bar_x - 8}" y="{y + 14}" font-size="10" text-anchor="end">{label}</text>'
            f'<rect x="{bar_x}" y="{y}" width="{bar_width * coverage / 100:.1f}" height="18" '
            'fill="#0b5cad"/>'
            f'<text x="{bar_x + bar_width * coverage / 100 + 4:.1f}" y="{y + 14}" '
            f'font-size="10">{"—" if row["coverage"] is None else f"{coverage:g} %"}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def report_html(content: dict, *, language: str = "en") -> str:
    with translation.override(language):
        return render_to_string(
            "reports/gap_report.html",
            {"c": content, "chart": coverage_chart_svg(content["sections"])},
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
