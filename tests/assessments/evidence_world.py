"""A Maltese strategy with extracted passages and an assessment whose principles match them,
for the evidence-mapping tests (test_evidence.py, test_evidence_api.py)."""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from assessments.models import Assessment, EvidenceLink, Score, ScoreChange
from principles.models import Principle
from strategies.models import Passage, Strategy, StrategyDocument
from strategies.services import document_upload
from tests.factories import make_assessment

# One topic per paragraph; the headings are short lines without closing punctuation; a
# form feed starts page 2.
STRATEGY_TEXT = """\
National Counter-Terrorism Strategy of Malta

The Islands

Malta is an archipelago in the central Mediterranean Sea, ninety kilometres south of \
Sicily. Its three inhabited islands, Malta, Gozo and Comino, cover 316 square kilometres of \
limestone hills, terraced fields and rocky coastline, and summers are hot and dry.

Victims of Terrorism

The Government will support victims of terrorism and their families from the first hour: \
a single contact point, medical and psychological care, legal aid in criminal proceedings \
and financial compensation paid without delay.

Each year a memorial day will honour the victims of terrorist attacks, and survivors and \
bereaved families will be invited to speak in the commemoration.
\f
Terrorist Financing

The Financial Intelligence Analysis Unit will detect and disrupt the financing of \
terrorism. Banks, money transfer services and virtual asset providers must report \
suspicious transactions, and terrorist funds and assets will be frozen.

Young People

Schools, youth workers and sports clubs will run prevention programmes for young people \
at risk of radicalisation, teaching critical thinking and online media literacy to pupils.

Oversight

A standing committee of the House of Representatives will exercise parliamentary \
oversight of the security and intelligence services, receive an annual report on the use \
of counter-terrorism powers and hear complaints from the public.
"""

VICTIMS_TEXT = "The Government will support victims of terrorism"
MEMORIAL_TEXT = "Each year a memorial day will honour the victims"
FINANCING_TEXT = "The Financial Intelligence Analysis Unit"
YOUTH_TEXT = "Schools, youth workers and sports clubs"
OVERSIGHT_TEXT = "A standing committee of the House of Representatives"
GEOGRAPHY_TEXT = "Malta is an archipelago in the central Mediterranean Sea"

# (title, text) of the first principles; the others keep the factory's generic wording.
PRINCIPLES = [
    (
        "Support for victims of terrorism",
        "Strategies should provide assistance, support and compensation to victims of "
        "terrorism and their families.",
    ),
    (
        "Countering the financing of terrorism",
        "Strategies should criminalise terrorist financing and freeze the funds and assets "
        "of terrorists, with banks reporting suspicious transactions.",
    ),
    (
        "Prevention among young people",
        "Strategies should engage young people, schools and youth workers in preventing "
        "radicalisation.",
    ),
    (
        "Parliamentary oversight",
        "Strategies should be subject to oversight by parliament of the security and "
        "intelligence services.",
    ),
    (
        "Access to justice",
        "Strategies should guarantee legal aid and fair criminal proceedings.",
    ),
]


@dataclass
class World:
    assessment: Assessment
    document: StrategyDocument
    victims: Score
    financing: Score
    youth: Score
    oversight: Score
    justice: Score

    def passage(self, starts: str) -> Passage:
        return Passage.objects.get(document=self.document, text__startswith=starts)

    def score(self, score: Score) -> Score:
        return Score.objects.get(pk=score.pk)


def upload(strategy: Strategy, user, text: str = STRATEGY_TEXT, name: str = "s.txt"):
    """Upload a text document the way the strategy page does; its extraction, queued on
    commit, runs eagerly."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        document, created = document_upload(
            strategy=strategy, user=user, file=SimpleUploadedFile(name, text.encode())
        )
    document.refresh_from_db()
    assert document.status == StrategyDocument.Status.READY, document.error
    return document, created


def make_world(
    *, jurisdiction, assessor, reviewer=None, principles: int = 10, text: str = STRATEGY_TEXT
) -> World:
    """A draft assessment assigned to `assessor`, its strategy's text uploaded and extracted,
    and its first five principles about the topics of the text's paragraphs."""
    assessment = make_assessment(
        jurisdiction=jurisdiction, assessors=[assessor], reviewer=reviewer, principles=principles
    )
    scores = list(assessment.scores.select_related("principle").order_by("principle__order"))
    for score, (title, body) in zip(scores, PRINCIPLES, strict=False):
        Principle.objects.filter(pk=score.principle_id).update(title=title, text=body)
    document, _created = upload(assessment.strategy, assessor, text)
    scores = list(assessment.scores.select_related("principle").order_by("principle__order"))
    return World(assessment, document, *scores[:5])


def snapshot() -> dict:
    """Everything an evidence write could change."""
    return {
        "links": sorted(
            EvidenceLink.objects.values_list(
                "pk", "score_id", "passage_id", "status", "from_suggestion"
            )
        ),
        "scores": sorted(
            Score.objects.values_list("pk", "evidence", "location", "version", "updated_at")
        ),
        "changes": sorted(ScoreChange.objects.values_list("pk", flat=True)),
    }


def between(html: str, start: str, end: str) -> str:
    """The part of `html` from `start` up to the next `end` (a panel, an article, a section)."""
    begin = html.index(start)
    return html[begin : html.index(end, begin)]
