"""Measure the passage suggestions against labelled evaluation sets: recall@5 and MRR.

Each set is a folder with a strategy text and `labels.yaml` (see
tests/strategies/evaluation/README.md). The text goes through the same extraction and
ranking as an uploaded document; the principles, their themes and crosswalk come from the
database, so the principle library must be loaded.
"""

from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments.selectors import related_guidance
from assessments.suggestions import principle_query
from principles.models import Framework
from strategies.extraction import extract_passages
from strategies.extraction.passages import PARAGRAPH
from strategies.language_detection import detect_languages
from strategies.ranking import PassageIndex, passage_terms

EVALUATION = Path(settings.BASE_DIR) / "tests" / "strategies" / "evaluation"
# English (development and held-out), then a tuning and a held-out set per language.
DEFAULT_SETS = [EVALUATION, EVALUATION / "heldout"] + sorted(
    folder.parent for folder in EVALUATION.glob("*/*/labels.yaml")
)
CUTOFF = 5


def evaluate(folder: Path, *, cutoff: int = CUTOFF, read=None) -> dict:
    """recall@cutoff and MRR of the suggestions on one labelled set, with per-principle rows.

    `read`, given the strategy's text, returns its paragraphs read another way (a scanned
    copy read by OCR, where the labels' exact snippets may not survive): each labelled
    paragraph then stands for the read paragraph most like it.
    """
    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))
    data = (folder / labels["document"]).read_bytes()
    text = [p for p in extract_passages(data, "txt").passages if p.kind == PARAGRAPH]
    passages = text if read is None else read(data)
    counterpart = {i: i for i in range(len(text))} if read is None else _closest(text, passages)
    # Each paragraph's language detected as on upload (the set's README names the language).
    languages = detect_languages([p.text for p in passages])
    index = PassageIndex(
        [
            (i, passage_terms(p.text, p.heading, language))
            for i, (p, language) in enumerate(zip(passages, languages, strict=True))
        ],
        languages=frozenset(languages),
    )
    spec = labels["framework"]
    framework = Framework.objects.filter(slug=spec["slug"], version=str(spec["version"])).first()
    if framework is None:
        raise CommandError(
            f"The framework {spec['slug']} {spec['version']} is not loaded: run "
            "`python manage.py loaddata valletta-principles-2025 valletta-2025-crosswalk`."
        )
    principles = {
        p.code: p for p in framework.principles.prefetch_related("tags").order_by("order")
    }
    related = related_guidance([p.pk for p in principles.values()])
    rows = []
    for code, snippets in labels["labels"].items():
        labelled = {i for i, p in enumerate(text) if any(s in p.text for s in snippets)}
        if len(labelled) != len(set(snippets)):
            raise CommandError(f"{folder.name}: a snippet of {code} does not name one paragraph")
        relevant = {counterpart[i] for i in labelled}
        principle = principles[code]
        query = principle_query(
            principle, list(principle.tags.all()), related.get(principle.pk, []), index.languages
        )
        ranked = [r.passage_id for r in index.rank(query, limit=len(passages))]
        found = len(set(ranked[:cutoff]) & relevant)
        first = next((rank for rank, i in enumerate(ranked, start=1) if i in relevant), None)
        rows.append(
            {
                "code": code,
                "relevant": len(relevant),
                "recall": found / min(len(relevant), cutoff),
                "reciprocal_rank": 1 / first if first else 0.0,
            }
        )
    return {
        "set": str(folder.relative_to(settings.BASE_DIR))
        if folder.is_relative_to(settings.BASE_DIR)
        else str(folder),
        "principles": len(rows),
        "paragraphs": len(passages),
        "recall": sum(r["recall"] for r in rows) / len(rows),
        "mrr": sum(r["reciprocal_rank"] for r in rows) / len(rows),
        "rows": rows,
    }


def _closest(text: list, read: list) -> dict[int, int]:
    """For each paragraph of `text`, the index of the paragraph of `read` most like it (the
    Jaccard index of their character trigrams, which also holds for Chinese, written without
    spaces), so that labels follow their paragraph through OCR slips."""

    def trigrams(value: str) -> set[str]:
        joined = "".join(value.lower().split())
        return {joined[k : k + 3] for k in range(len(joined) - 2)}

    words = [trigrams(p.text) for p in read]
    closest = {}
    for i, paragraph in enumerate(text):
        mine = trigrams(paragraph.text)
        closest[i] = max(
            range(len(read)), key=lambda j: len(mine & words[j]) / (len(mine | words[j]) or 1)
        )
    return closest


class Command(BaseCommand):
    help = "Report recall@5 and mean reciprocal rank of the passage suggestions."

    def add_arguments(self, parser):
        parser.add_argument("folders", nargs="*", type=Path, help="labelled sets (default: both)")
        parser.add_argument("--verbose-rows", action="store_true", help="one line per principle")

    def handle(self, *args, folders, verbose_rows, **options):
        for folder in folders or DEFAULT_SETS:
            if not (folder / "labels.yaml").exists():
                raise CommandError(f"{folder} has no labels.yaml")
            result = evaluate(folder)
            self.stdout.write(
                f"{result['set']}: recall@{CUTOFF} {result['recall']:.3f}, "
                f"MRR {result['mrr']:.3f} ({result['principles']} principles, "
                f"{result['paragraphs']} paragraphs)"
            )
            if verbose_rows:
                for row in result["rows"]:
                    self.stdout.write(
                        f"  {row['code']:<6} relevant {row['relevant']}  "
                        f"recall {row['recall']:.2f}  RR {row['reciprocal_rank']:.2f}"
                    )
