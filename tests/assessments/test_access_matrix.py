"""Who sees and does what: every page for every persona, then deliberate attempts to break in.

Confidentiality comes first: one country's scores must never reach another. The rules are in
the docstring of assessments/permissions.py. Outside a user's scope the answer is 404, never
403, so that the existence of another jurisdiction's assessment does not leak.

Part 1 is a table, one row per page × persona; rows of the assessment pages carry one
expectation per status of a Maltese assessment (draft, in review, shared, finalized).
Part 2 tries to break the rules, and checks the database is unchanged afterwards.
"""

import io
import json
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse
from pypdf import PdfReader

from assessments import services
from assessments.models import (
    Assessment,
    AssessmentEvent,
    Observation,
    Report,
    Score,
    ScoreChange,
    ScoreLevel,
)
from assessments.services import ScoreInput, assessment_create, assessment_transition, score_save
from ctframework import roles
from strategies.models import Strategy, StrategyDocument
from strategies.services import document_extract, document_upload
from tests.csp import inline_code
from tests.factories import (
    JurisdictionFactory,
    ScoreScaleFactory,
    StrategyFactory,
    UserFactory,
    grant,
    make_framework,
)

pytestmark = [pytest.mark.core, pytest.mark.django_db]

DRAFT = Assessment.Status.DRAFT
IN_REVIEW = Assessment.Status.IN_REVIEW
SHARED = Assessment.Status.SHARED
FINALIZED = Assessment.Status.FINALIZED
STATUSES = (DRAFT, IN_REVIEW, SHARED, FINALIZED)

MALTA_TITLE = "Malta National Counter-Terrorism Strategy 2024"
KENYA_TITLE = "Kenya National Strategy to Counter Violent Extremism"


STRATEGY_TEXT = (
    "Protecting ferries\n\nThe ferry operators will screen passengers and vehicles at every "
    "port, and crews will be trained to report suspicious behaviour to the coastguard."
)


def secret(status) -> str:
    """A justification that must only ever be shown to those who may see that assessment."""
    return f"MALTA-CONFIDENTIAL-{status.upper()}-JUSTIFICATION"


# --------------------------------------------------------------------------------------------
# Building the world the way the app does: services, not raw inserts.
# --------------------------------------------------------------------------------------------


def make_user(username, role=None, *jurisdictions, **fields):
    user = UserFactory(username=username, **fields)
    return grant(user, role, *jurisdictions) if role else user


NEXT = {DRAFT: IN_REVIEW, IN_REVIEW: SHARED, SHARED: FINALIZED}
PATH = {
    DRAFT: [],
    IN_REVIEW: [IN_REVIEW],
    SHARED: [IN_REVIEW, SHARED],
    FINALIZED: [IN_REVIEW, SHARED, FINALIZED],
}


def build_assessment(
    strategy,
    *,
    status,
    assessors,
    mover,
    reviewer=None,
    framework=None,
    sharing=Assessment.Sharing.CONFIDENTIAL,
    partners=(),
    justification=None,
    level_code="2",
    title="",
):
    """An assessment created, scored (first item) and moved to `status` through the services.

    `mover` is the reviewer who makes the review moves (the assigned `reviewer` if given).
    """
    scale = ScoreScaleFactory(is_default=True)
    assessment = assessment_create(
        strategy=strategy,
        framework=framework or make_framework(principles=3, sections=1),
        scale=scale,
        assessors=assessors,
        reviewer=reviewer,
        sharing=sharing,
        partners=partners,
        title=title,
        created_by=assessors[0],
    )
    if justification:
        score = first_score(assessment)
        score_save(
            score=score,
            user=assessors[0],
            expected_version=score.version,
            data=ScoreInput(
                level=scale.levels.get(code=level_code),
                justification=justification,
                evidence="Section 4.2 of the strategy",
                location="p. 12",
                recommendation="",
            ),
        )
    for target in PATH[status]:
        who = assessors[0] if target == IN_REVIEW else (reviewer or mover)
        assessment_transition(assessment=assessment, user=who, to_status=target)
    assessment.refresh_from_db()
    assert assessment.status == status
    return assessment


def first_score(assessment) -> Score:
    return assessment.scores.order_by("principle__order").first()


def snapshot() -> dict:
    """Everything a break-in attempt could change."""
    return {
        "assessments": sorted(
            Assessment.objects.values_list(
                "pk", "status", "sharing", "reviewer_id", "revision", "updated_at", "finalized_at"
            )
        ),
        "assessors": sorted(Assessment.assessors.through.objects.values_list("pk", "user_id")),
        "partners": sorted(
            Assessment.partners.through.objects.values_list("pk", "jurisdiction_id")
        ),
        "scores": sorted(
            Score.objects.values_list(
                "pk",
                "assessment_id",
                "level_id",
                "justification",
                "evidence",
                "location",
                "recommendation",
                "version",
                "updated_by_id",
                "updated_at",
            )
        ),
        "score_changes": sorted(ScoreChange.objects.values_list("pk", flat=True)),
        "observations": sorted(Observation.objects.values_list("pk", "text")),
        "events": sorted(AssessmentEvent.objects.values_list("pk", flat=True)),
        "reports": sorted(Report.objects.values_list("pk", "status")),
        "documents": sorted(StrategyDocument.objects.values_list("pk", "language")),
        "strategies": sorted(
            Strategy.objects.values_list("pk", "jurisdiction_id", "title", "supersedes_id")
        ),
    }


@pytest.fixture(autouse=True)
def _fast_and_contained(settings, tmp_path):
    """A fast hasher (the personas have passwords) and report files kept out of the repo."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


def make_report(assessment, text) -> Report:
    """A finished report, as the render task leaves it (without running WeasyPrint)."""
    report = Report(assessment=assessment, content_hash=f"{assessment.pk:064d}")
    report.status = Report.Status.DONE
    report.file.save(f"mlt-gap-analysis-{report.pk}.pdf", ContentFile(text.encode()), save=False)
    report.size = len(text)
    report.save()
    return report


@pytest.fixture
def kenya_assessor(kenya):
    """Kofi, assessor for Kenya: an outsider for everything Maltese, with write rights at home."""
    return make_user("kofi-assessor-ken", roles.ASSESSOR, kenya)


@pytest.fixture
def kenya_reviewer(kenya):
    return make_user("kerubo-reviewer-ken", roles.REVIEWER, kenya)


@pytest.fixture
def mix_ministry_malta(malta, kenya):
    """Mina: Ministry reader for Malta and Assessor for Kenya. Her Kenyan role must not make
    her an assessor of Malta (before per-jurisdiction grants it did)."""
    user = make_user("mina-mixed", roles.MINISTRY_READER, malta)
    return grant(user, roles.ASSESSOR, kenya)


@pytest.fixture
def mix_assessor_malta(malta, kenya):
    """Max: Assessor for Malta (not assigned to its assessments) and Ministry reader for
    Kenya."""
    user = make_user("max-mixed", roles.ASSESSOR, malta)
    return grant(user, roles.MINISTRY_READER, kenya)


@pytest.fixture
def framework(db):
    return make_framework(principles=3, sections=1, slug="matrix-set")


@pytest.fixture
def world(malta, kenya, assessor, reviewer, framework):
    """Malta's strategy with one confidential assessment in each status, each scored."""
    strategy = StrategyFactory(jurisdiction=malta, title=MALTA_TITLE)
    assessments = {
        status: build_assessment(
            strategy,
            status=status,
            assessors=[assessor],
            reviewer=reviewer,
            mover=reviewer,
            framework=framework,
            justification=secret(status),
        )
        for status in STATUSES
    }
    reports = {
        status: make_report(assessment, f"PDF stand-in: {secret(status)}")
        for status, assessment in assessments.items()
    }
    document, _created = document_upload(
        strategy=strategy,
        user=assessor,
        file=SimpleUploadedFile("strategy.txt", STRATEGY_TEXT.encode()),
    )
    document = document_extract(document_id=document.pk)  # the task, run here
    return SimpleNamespace(
        strategy=strategy,
        document=document,
        passage=document.passages.get(kind="paragraph"),
        framework=framework,
        principle=framework.principles.order_by("order").first(),
        assessments=assessments,
        reports=reports,
    )


# --------------------------------------------------------------------------------------------
# Part 1: the role × page matrix
# --------------------------------------------------------------------------------------------

OK = 200
DENIED = 403
HIDDEN = 404
LOGIN = "302 to the log-in page"
ADMIN_LOGIN = "302 to the admin log-in page"


def by_status(draft, in_review, shared, finalized):
    return {DRAFT: draft, IN_REVIEW: in_review, SHARED: shared, FINALIZED: finalized}


PERSONAS = [
    "anonymous",
    "admin_user",
    "assessor",
    "reviewer",
    "ministry_malta",
    "ministry_kenya",
    "kenya_assessor",
    "mix_ministry_malta",
    "mix_assessor_malta",
]
OUTSIDERS = {"anonymous", "ministry_kenya", "kenya_assessor"}
# Whose Maltese scores each persona may read (for the leak check on every response).
SEES = {
    "anonymous": set(),
    "admin_user": set(STATUSES),
    "assessor": set(STATUSES),
    "reviewer": set(STATUSES),
    "ministry_malta": {SHARED, FINALIZED},
    "ministry_kenya": set(),
    "kenya_assessor": set(),
    "mix_ministry_malta": {SHARED, FINALIZED},
    "mix_assessor_malta": set(STATUSES),
}

# Every page (GET) of the app, by URL name; each builds its URL from the world and, for the
# assessment pages, the Maltese assessment in the status under test.
PAGES = {
    "home": lambda w, a: reverse("home"),
    "strategies:list": lambda w, a: reverse("strategies:list"),
    "strategies:detail": lambda w, a: reverse("strategies:detail", args=[w.strategy.pk]),
    "strategies:create": lambda w, a: reverse("strategies:create"),
    "strategies:edit": lambda w, a: reverse("strategies:edit", args=[w.strategy.pk]),
    "strategies:reader": lambda w, a: reverse("strategies:reader", args=[w.strategy.pk]),
    "strategies:passage-search": lambda w, a: reverse("strategies:passage-search") + "?q=ferry",
    "strategies:document-status": lambda w, a: reverse(
        "strategies:document-status", args=[w.document.pk]
    ),
    "strategies:document-download": lambda w, a: reverse(
        "strategies:document-download", args=[w.document.pk]
    ),
    "assessments:list": lambda w, a: reverse("assessments:list"),
    "assessments:create": lambda w, a: reverse("assessments:create", args=[w.strategy.pk]),
    "assessments:detail": lambda w, a: reverse("assessments:detail", args=[a.pk]),
    "assessments:checklist": lambda w, a: reverse("assessments:checklist", args=[a.pk]),
    "assessments:reader": lambda w, a: reverse("assessments:reader", args=[a.pk]),
    "assessments:coverage": lambda w, a: reverse("assessments:coverage", args=[a.pk]),
    "assessments:passage-link-form": lambda w, a: reverse(
        "assessments:passage-link-form", args=[a.pk, w.passage.pk]
    ),
    "assessments:score-history": lambda w, a: reverse(
        "assessments:score-history", args=[a.pk, first_score(a).pk]
    ),
    "assessments:export": lambda w, a: reverse("assessments:export", args=[a.pk, "json"]),
    "assessments:offline-upload": lambda w, a: reverse("assessments:offline-upload", args=[a.pk]),
    "assessments:report-status": lambda w, a: reverse(
        "assessments:report-status", args=[w.reports[a.status].pk]
    ),
    "assessments:report-download": lambda w, a: reverse(
        "assessments:report-download", args=[w.reports[a.status].pk]
    ),
    "principles:framework-list": lambda w, a: reverse("principles:framework-list"),
    "principles:framework": lambda w, a: reverse(
        "principles:framework", args=[w.framework.slug, w.framework.version]
    ),
    "principles:framework-export": lambda w, a: reverse(
        "principles:framework-export", args=[w.framework.slug, w.framework.version, "oscal"]
    ),
    "principles:principle": lambda w, a: reverse(
        "principles:principle", args=[w.framework.slug, w.framework.version, w.principle.code]
    ),
    "principles:search": lambda w, a: reverse("principles:search") + "?q=Principle",
    "healthz": lambda w, a: reverse("healthz"),
    "admin:index": lambda w, a: reverse("admin:index"),
}
ASSESSMENT_PAGES = {
    "assessments:detail",
    "assessments:checklist",
    "assessments:reader",
    "assessments:coverage",
    "assessments:passage-link-form",
    "assessments:score-history",
    "assessments:export",
    "assessments:offline-upload",
    "assessments:report-status",
    "assessments:report-download",
}
# Named URLs that are not pages of the app's own: POST-only actions (tried in part 2) and
# Django's authentication and language pages.
NOT_PAGES = {
    "assessments:score-save",
    "assessments:transition",
    "assessments:reopen",
    "assessments:observation-add",
    "assessments:report-request",
    "assessments:evidence-link",
    "assessments:evidence-unlink",
    "assessments:evidence-translation",
    "assessments:suggestion-dismiss",
    "strategies:document-upload",
    "strategies:document-delete",
    "strategies:document-language",
    "strategies:document-retry",
    "assessments:offline-apply",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "set_language",
    "javascript-catalog",
}

# fmt: off
MATRIX = [
    # page                          persona            expected
    ("home",                        "anonymous",       LOGIN),
    ("home",                        "admin_user",      OK),
    ("home",                        "assessor",        OK),
    ("home",                        "reviewer",        OK),
    ("home",                        "ministry_malta",  OK),
    ("home",                        "ministry_kenya",  OK),
    ("home",                        "kenya_assessor",  OK),
    ("home",                         "mix_ministry_malta", OK),
    ("home",                         "mix_assessor_malta", OK),

    ("strategies:list",             "anonymous",       LOGIN),
    ("strategies:list",             "admin_user",      OK),
    ("strategies:list",             "assessor",        OK),
    ("strategies:list",             "reviewer",        OK),
    ("strategies:list",             "ministry_malta",  OK),
    ("strategies:list",             "ministry_kenya",  OK),
    ("strategies:list",             "kenya_assessor",  OK),
    ("strategies:list",              "mix_ministry_malta", OK),
    ("strategies:list",              "mix_assessor_malta", OK),

    ("strategies:detail",           "anonymous",       LOGIN),
    ("strategies:detail",           "admin_user",      OK),
    ("strategies:detail",           "assessor",        OK),
    ("strategies:detail",           "reviewer",        OK),
    ("strategies:detail",           "ministry_malta",  OK),
    ("strategies:detail",           "ministry_kenya",  HIDDEN),
    ("strategies:detail",           "kenya_assessor",  HIDDEN),
    ("strategies:detail",            "mix_ministry_malta", OK),
    ("strategies:detail",            "mix_assessor_malta", OK),

    ("strategies:create",           "anonymous",       LOGIN),
    ("strategies:create",           "admin_user",      OK),
    ("strategies:create",           "assessor",        OK),
    ("strategies:create",           "reviewer",        OK),
    ("strategies:create",           "ministry_malta",  DENIED),
    ("strategies:create",           "ministry_kenya",  DENIED),
    ("strategies:create",           "kenya_assessor",  OK),  # for Kenya
    ("strategies:create",            "mix_ministry_malta", OK),  # for Kenya
    ("strategies:create",            "mix_assessor_malta", OK),

    ("strategies:edit",             "anonymous",       LOGIN),
    ("strategies:edit",             "admin_user",      OK),
    ("strategies:edit",             "assessor",        OK),
    ("strategies:edit",             "reviewer",        OK),
    ("strategies:edit",             "ministry_malta",  DENIED),
    ("strategies:edit",             "ministry_kenya",  HIDDEN),
    ("strategies:edit",             "kenya_assessor",  HIDDEN),
    ("strategies:edit",              "mix_ministry_malta", DENIED),
    ("strategies:edit",              "mix_assessor_malta", OK),

    # The strategy's text: whoever sees the strategy (its jurisdiction), read-only.
    ("strategies:reader",           "anonymous",       LOGIN),
    ("strategies:reader",           "admin_user",      OK),
    ("strategies:reader",           "assessor",        OK),
    ("strategies:reader",           "reviewer",        OK),
    ("strategies:reader",           "ministry_malta",  OK),
    ("strategies:reader",           "ministry_kenya",  HIDDEN),
    ("strategies:reader",           "kenya_assessor",  HIDDEN),
    ("strategies:reader",            "mix_ministry_malta", OK),
    ("strategies:reader",            "mix_assessor_malta", OK),

    ("strategies:document-status",  "anonymous",       LOGIN),
    ("strategies:document-status",  "admin_user",      OK),
    ("strategies:document-status",  "assessor",        OK),
    ("strategies:document-status",  "reviewer",        OK),
    ("strategies:document-status",  "ministry_malta",  OK),
    ("strategies:document-status",  "ministry_kenya",  HIDDEN),
    ("strategies:document-status",  "kenya_assessor",  HIDDEN),
    ("strategies:document-status",   "mix_ministry_malta", OK),
    ("strategies:document-status",   "mix_assessor_malta", OK),

    ("strategies:document-download", "anonymous",      LOGIN),
    ("strategies:document-download", "admin_user",     OK),
    ("strategies:document-download", "assessor",       OK),
    ("strategies:document-download", "reviewer",       OK),
    ("strategies:document-download", "ministry_malta", OK),
    ("strategies:document-download", "ministry_kenya", HIDDEN),
    ("strategies:document-download", "kenya_assessor", HIDDEN),
    ("strategies:document-download", "mix_ministry_malta", OK),
    ("strategies:document-download", "mix_assessor_malta", OK),

    # Everyone signed in may search; the results are scoped (part 2).
    ("strategies:passage-search",   "anonymous",       LOGIN),
    ("strategies:passage-search",   "admin_user",      OK),
    ("strategies:passage-search",   "assessor",        OK),
    ("strategies:passage-search",   "reviewer",        OK),
    ("strategies:passage-search",   "ministry_malta",  OK),
    ("strategies:passage-search",   "ministry_kenya",  OK),
    ("strategies:passage-search",   "kenya_assessor",  OK),
    ("strategies:passage-search",    "mix_ministry_malta", OK),
    ("strategies:passage-search",    "mix_assessor_malta", OK),

    ("assessments:list",            "anonymous",       LOGIN),
    ("assessments:list",            "admin_user",      OK),
    ("assessments:list",            "assessor",        OK),
    ("assessments:list",            "reviewer",        OK),
    ("assessments:list",            "ministry_malta",  OK),
    ("assessments:list",            "ministry_kenya",  OK),
    ("assessments:list",            "kenya_assessor",  OK),
    ("assessments:list",             "mix_ministry_malta", OK),
    ("assessments:list",             "mix_assessor_malta", OK),

    ("assessments:create",          "anonymous",       LOGIN),
    ("assessments:create",          "admin_user",      OK),
    ("assessments:create",          "assessor",        OK),
    ("assessments:create",          "reviewer",        DENIED),  # only assessors start one
    ("assessments:create",          "ministry_malta",  DENIED),
    ("assessments:create",          "ministry_kenya",  HIDDEN),
    ("assessments:create",          "kenya_assessor",  HIDDEN),
    ("assessments:create",           "mix_ministry_malta", DENIED),
    ("assessments:create",           "mix_assessor_malta", OK),

    #                                                  draft   in review shared  finalized
    ("assessments:detail",          "anonymous",       LOGIN),
    ("assessments:detail",          "admin_user",      OK),
    ("assessments:detail",          "assessor",        OK),
    ("assessments:detail",          "reviewer",        OK),
    ("assessments:detail",          "ministry_malta",  by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:detail",          "ministry_kenya",  HIDDEN),
    ("assessments:detail",          "kenya_assessor",  HIDDEN),
    ("assessments:detail",           "mix_ministry_malta", by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:detail",           "mix_assessor_malta", OK),

    # Filling in offline: the assigned assessors of a draft (scores), like saving a score,
    # and the ministry readers of a shared one (observations), like adding an observation.
    ("assessments:offline-upload",  "anonymous",       LOGIN),
    ("assessments:offline-upload",  "admin_user",      DENIED),
    ("assessments:offline-upload",  "assessor",        by_status(OK,     DENIED,  DENIED, DENIED)),
    ("assessments:offline-upload",  "reviewer",        DENIED),
    ("assessments:offline-upload",  "ministry_malta",  by_status(HIDDEN, HIDDEN,  OK,     DENIED)),
    ("assessments:offline-upload",  "ministry_kenya",  HIDDEN),
    ("assessments:offline-upload",  "kenya_assessor",  HIDDEN),
    ("assessments:offline-upload",   "mix_ministry_malta",
     by_status(HIDDEN, HIDDEN, OK, DENIED)),
    ("assessments:offline-upload",   "mix_assessor_malta", DENIED),

    ("assessments:checklist",       "anonymous",       LOGIN),
    ("assessments:checklist",       "admin_user",      OK),
    ("assessments:checklist",       "assessor",        OK),
    ("assessments:checklist",       "reviewer",        OK),
    ("assessments:checklist",       "ministry_malta",  by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:checklist",       "ministry_kenya",  HIDDEN),
    ("assessments:checklist",       "kenya_assessor",  HIDDEN),
    ("assessments:checklist",        "mix_ministry_malta", by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:checklist",        "mix_assessor_malta", OK),

    # The reader and the coverage map show the strategy's text beside the assessment.
    ("assessments:reader",          "anonymous",       LOGIN),
    ("assessments:reader",          "admin_user",      OK),
    ("assessments:reader",          "assessor",        OK),
    ("assessments:reader",          "reviewer",        OK),
    ("assessments:reader",          "ministry_malta",  by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:reader",          "ministry_kenya",  HIDDEN),
    ("assessments:reader",          "kenya_assessor",  HIDDEN),
    ("assessments:reader",           "mix_ministry_malta", by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:reader",           "mix_assessor_malta", OK),

    ("assessments:coverage",        "anonymous",       LOGIN),
    ("assessments:coverage",        "admin_user",      OK),
    ("assessments:coverage",        "assessor",        OK),
    ("assessments:coverage",        "reviewer",        OK),
    ("assessments:coverage",        "ministry_malta",  by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:coverage",        "ministry_kenya",  HIDDEN),
    ("assessments:coverage",        "kenya_assessor",  HIDDEN),
    ("assessments:coverage",         "mix_ministry_malta", by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:coverage",         "mix_assessor_malta", OK),

    # Linking a passage: the assigned assessor while the assessment is a draft.
    ("assessments:passage-link-form", "anonymous",      LOGIN),
    ("assessments:passage-link-form", "admin_user",     DENIED),
    ("assessments:passage-link-form", "assessor",       by_status(OK,  DENIED, DENIED, DENIED)),
    ("assessments:passage-link-form", "reviewer",       DENIED),
    ("assessments:passage-link-form", "ministry_malta", by_status(HIDDEN, HIDDEN, DENIED, DENIED)),
    ("assessments:passage-link-form", "ministry_kenya", HIDDEN),
    ("assessments:passage-link-form", "kenya_assessor", HIDDEN),
    ("assessments:passage-link-form", "mix_ministry_malta",
     by_status(HIDDEN, HIDDEN, DENIED, DENIED)),
    ("assessments:passage-link-form", "mix_assessor_malta", DENIED),  # not assigned

    # The history names the assessors: the assessment team and administrators only.
    ("assessments:score-history",   "anonymous",       LOGIN),
    ("assessments:score-history",   "admin_user",      OK),
    ("assessments:score-history",   "assessor",        OK),
    ("assessments:score-history",   "reviewer",        OK),
    ("assessments:score-history",   "ministry_malta",  by_status(HIDDEN, HIDDEN,  DENIED, DENIED)),
    ("assessments:score-history",   "ministry_kenya",  HIDDEN),
    ("assessments:score-history",   "kenya_assessor",  HIDDEN),
    ("assessments:score-history",    "mix_ministry_malta",
     by_status(HIDDEN, HIDDEN, DENIED, DENIED)),
    ("assessments:score-history",    "mix_assessor_malta", OK),

    ("assessments:export",          "anonymous",       LOGIN),
    ("assessments:export",          "admin_user",      OK),
    ("assessments:export",          "assessor",        OK),
    ("assessments:export",          "reviewer",        OK),
    ("assessments:export",          "ministry_malta",  by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:export",          "ministry_kenya",  HIDDEN),
    ("assessments:export",          "kenya_assessor",  HIDDEN),
    ("assessments:export",           "mix_ministry_malta", by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:export",           "mix_assessor_malta", OK),

    ("assessments:report-status",   "anonymous",       LOGIN),
    ("assessments:report-status",   "admin_user",      OK),
    ("assessments:report-status",   "assessor",        OK),
    ("assessments:report-status",   "reviewer",        OK),
    ("assessments:report-status",   "ministry_malta",  by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:report-status",   "ministry_kenya",  HIDDEN),
    ("assessments:report-status",   "kenya_assessor",  HIDDEN),
    ("assessments:report-status",    "mix_ministry_malta", by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:report-status",    "mix_assessor_malta", OK),

    ("assessments:report-download", "anonymous",       LOGIN),
    ("assessments:report-download", "admin_user",      OK),
    ("assessments:report-download", "assessor",        OK),
    ("assessments:report-download", "reviewer",        OK),
    ("assessments:report-download", "ministry_malta",  by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:report-download", "ministry_kenya",  HIDDEN),
    ("assessments:report-download", "kenya_assessor",  HIDDEN),
    ("assessments:report-download",  "mix_ministry_malta", by_status(HIDDEN, HIDDEN,  OK,     OK)),
    ("assessments:report-download",  "mix_assessor_malta", OK),

    # The principle library holds public documents: open to everyone.
    ("principles:framework-list",   "anonymous",       OK),
    ("principles:framework-list",   "admin_user",      OK),
    ("principles:framework-list",   "assessor",        OK),
    ("principles:framework-list",   "reviewer",        OK),
    ("principles:framework-list",   "ministry_malta",  OK),
    ("principles:framework-list",   "ministry_kenya",  OK),
    ("principles:framework-list",   "kenya_assessor",  OK),
    ("principles:framework-list",    "mix_ministry_malta", OK),
    ("principles:framework-list",    "mix_assessor_malta", OK),

    ("principles:framework",        "anonymous",       OK),
    ("principles:framework",        "admin_user",      OK),
    ("principles:framework",        "assessor",        OK),
    ("principles:framework",        "reviewer",        OK),
    ("principles:framework",        "ministry_malta",  OK),
    ("principles:framework",        "ministry_kenya",  OK),
    ("principles:framework",        "kenya_assessor",  OK),
    ("principles:framework",         "mix_ministry_malta", OK),
    ("principles:framework",         "mix_assessor_malta", OK),

    # A set as a file (OSCAL, the import format): public, like its page.
    ("principles:framework-export", "anonymous",       OK),
    ("principles:framework-export", "admin_user",      OK),
    ("principles:framework-export", "assessor",        OK),
    ("principles:framework-export", "reviewer",        OK),
    ("principles:framework-export", "ministry_malta",  OK),
    ("principles:framework-export", "ministry_kenya",  OK),
    ("principles:framework-export", "kenya_assessor",  OK),
    ("principles:framework-export",  "mix_ministry_malta", OK),
    ("principles:framework-export",  "mix_assessor_malta", OK),

    ("principles:principle",        "anonymous",       OK),
    ("principles:principle",        "admin_user",      OK),
    ("principles:principle",        "assessor",        OK),
    ("principles:principle",        "reviewer",        OK),
    ("principles:principle",        "ministry_malta",  OK),
    ("principles:principle",        "ministry_kenya",  OK),
    ("principles:principle",        "kenya_assessor",  OK),
    ("principles:principle",         "mix_ministry_malta", OK),
    ("principles:principle",         "mix_assessor_malta", OK),

    ("principles:search",           "anonymous",       OK),
    ("principles:search",           "admin_user",      OK),
    ("principles:search",           "assessor",        OK),
    ("principles:search",           "reviewer",        OK),
    ("principles:search",           "ministry_malta",  OK),
    ("principles:search",           "ministry_kenya",  OK),
    ("principles:search",           "kenya_assessor",  OK),
    ("principles:search",            "mix_ministry_malta", OK),
    ("principles:search",            "mix_assessor_malta", OK),

    ("healthz",                     "anonymous",       OK),
    ("healthz",                     "admin_user",      OK),
    ("healthz",                     "assessor",        OK),
    ("healthz",                     "reviewer",        OK),
    ("healthz",                     "ministry_malta",  OK),
    ("healthz",                     "ministry_kenya",  OK),
    ("healthz",                     "kenya_assessor",  OK),
    ("healthz",                      "mix_ministry_malta", OK),
    ("healthz",                      "mix_assessor_malta", OK),

    # Administrators only: everyone else is sent to the admin's own log-in page.
    ("admin:index",                 "anonymous",       ADMIN_LOGIN),
    ("admin:index",                 "admin_user",      OK),
    ("admin:index",                 "assessor",        ADMIN_LOGIN),
    ("admin:index",                 "reviewer",        ADMIN_LOGIN),
    ("admin:index",                 "ministry_malta",  ADMIN_LOGIN),
    ("admin:index",                 "ministry_kenya",  ADMIN_LOGIN),
    ("admin:index",                 "kenya_assessor",  ADMIN_LOGIN),
    ("admin:index",                  "mix_ministry_malta", ADMIN_LOGIN),
    ("admin:index",                  "mix_assessor_malta", ADMIN_LOGIN),
]
# fmt: on


def _cases():
    """One case per row; the assessment pages once per status of the Maltese assessment."""
    for page, persona, expected in MATRIX:
        if page in ASSESSMENT_PAGES:
            per_status = (
                expected if isinstance(expected, dict) else dict.fromkeys(STATUSES, expected)
            )
            for status in STATUSES:
                yield pytest.param(
                    page, persona, status, per_status[status], id=f"{page}|{persona}|{status}"
                )
        else:
            yield pytest.param(page, persona, DRAFT, expected, id=f"{page}|{persona}")


CASES = list(_cases())


# Covered elsewhere: the admin (its index is in the matrix, its model pages in part 2) and
# the JSON API, which has its own permission tests.
OTHER_SURFACES = ("admin/", "api/")


def _named_urls(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) in OTHER_SURFACES:
                continue
            yield from _named_urls(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_the_matrix_has_one_row_per_page_and_persona():
    rows = [(page, persona) for page, persona, _ in MATRIX]
    assert len(rows) == len(set(rows)), "a page × persona row appears twice"
    assert set(rows) == {(page, persona) for page in PAGES for persona in PERSONAS}
    assert len(MATRIX) == len(PAGES) * len(PERSONAS) == 252
    assert len(CASES) == 522  # 18 pages × 9 personas + 10 assessment pages × 9 × 4 statuses


def test_the_matrix_covers_every_page_of_the_app():
    """A new view must be added to the matrix (or to NOT_PAGES, if it is no page)."""
    named = set(_named_urls(get_resolver().url_patterns)) - NOT_PAGES
    expected = set(PAGES) - {"admin:index"}
    assert not named - expected, f"pages without a row in MATRIX (or NOT_PAGES): {named - expected}"
    assert not expected - named, (
        f"rows in MATRIX for pages that no longer exist: {expected - named}"
    )


def _login(client, request, persona):
    if persona == "anonymous":
        return None
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


def body_of(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def assert_response(response, expected, url):
    if expected == LOGIN:
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith(f"{reverse('login')}?next="), response["Location"]
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith(f"{reverse('admin:login')}?next="), response[
            "Location"
        ]
    else:
        assert response.status_code == expected, (url, response.status_code)


@pytest.mark.parametrize("page, persona, status, expected", CASES)
def test_access_matrix(client, request, world, page, persona, status, expected):
    _login(client, request, persona)
    url = PAGES[page](world, world.assessments[status])
    response = client.get(url)
    assert_response(response, expected, url)
    # HEAD is answered wherever GET is, the same way.
    assert client.head(url).status_code == response.status_code, url
    if response.get("Content-Type", "").startswith("text/html"):
        assert not inline_code(response.content.decode()), url

    # Whatever the answer, it never carries scores the persona may not see …
    body = body_of(response)
    for other in set(STATUSES) - SEES[persona]:
        assert secret(other) not in body, f"{persona} was shown the {other} assessment's scores"
    # … and outsiders never learn that Malta has a strategy at all.
    if persona in OUTSIDERS:
        assert MALTA_TITLE not in body


@pytest.mark.parametrize(
    "persona, expected_statuses",
    [
        ("admin_user", set(STATUSES)),
        ("assessor", set(STATUSES)),
        ("reviewer", set(STATUSES)),
        ("ministry_malta", {SHARED, FINALIZED}),
        ("ministry_kenya", set()),
        ("kenya_assessor", set()),
    ],
)
def test_assessment_list_shows_exactly_the_assessments_in_scope(
    client, request, world, persona, expected_statuses, django_assert_max_num_queries
):
    _login(client, request, persona)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("assessments:list"))
    assert response.status_code == 200
    shown = {a.pk for a in response.context["assessments"]}
    assert shown == {world.assessments[s].pk for s in expected_statuses}


@pytest.mark.parametrize(
    "persona, sees_malta",
    [
        ("admin_user", True),
        ("assessor", True),
        ("reviewer", True),
        ("ministry_malta", True),
        ("ministry_kenya", False),
        ("kenya_assessor", False),
    ],
)
def test_strategy_list_shows_exactly_the_strategies_in_scope(
    client, request, world, kenya, persona, sees_malta, django_assert_max_num_queries
):
    kenyan = StrategyFactory(jurisdiction=kenya, title=KENYA_TITLE)
    _login(client, request, persona)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("strategies:list"))
    shown = {s.pk for s in response.context["strategies"]}
    expected = set()
    if sees_malta:
        expected.add(world.strategy.pk)
    if persona in {"admin_user", "ministry_kenya", "kenya_assessor"}:
        expected.add(kenyan.pk)
    assert shown == expected
    assert (MALTA_TITLE in response.content.decode()) is sees_malta


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["admin_user", "assessor", "ministry_malta"])
def test_list_pages_make_the_same_number_of_queries_for_1_or_10_rows(
    client, request, malta, assessor, reviewer, framework, persona
):
    """No query per row: the lists stay fast however many assessments a country has."""
    _login(client, request, persona)
    strategy = StrategyFactory(jurisdiction=malta, title=MALTA_TITLE)

    def add(n):
        for _ in range(n):
            build_assessment(
                strategy,
                status=SHARED,
                assessors=[assessor],
                reviewer=reviewer,
                mover=reviewer,
                framework=framework,
                justification="Mentioned in section 3.",
            )
            StrategyFactory(jurisdiction=malta)

    add(1)
    few = {url: _queries(client, url) for url in ("/assessments/", "/strategies/")}
    add(9)
    many = {url: _queries(client, url) for url in ("/assessments/", "/strategies/")}
    assert many == few


# --------------------------------------------------------------------------------------------
# Part 2: trying to break the rules
# --------------------------------------------------------------------------------------------


def score_data(score, level=None, justification="Rewritten by someone who may not.", **extra):
    data = {
        "version": score.version,
        "level": level.pk if level is not None else "",
        "justification": justification,
        "evidence": "",
        "location": "",
        "recommendation": "",
    }
    data.update(extra)
    return data


def level(code="4"):
    return ScoreLevel.objects.get(scale__slug="test-scale", code=code)


def autosave(client, url, data):
    return client.post(url, data, HTTP_X_AUTOSAVE="1")


def score_url(assessment, score=None):
    score = score or first_score(assessment)
    return reverse("assessments:score-save", args=[assessment.pk, score.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# What an outsider could try on a Maltese assessment in each status.
ATTEMPTS = {
    "score-form": lambda client, w, a: client.post(
        score_url(a), score_data(first_score(a), level())
    ),
    "score-autosave": lambda client, w, a: autosave(
        client, score_url(a), score_data(first_score(a), level())
    ),
    "transition": lambda client, w, a: client.post(
        reverse("assessments:transition", args=[a.pk]), {"to": NEXT.get(a.status, IN_REVIEW)}
    ),
    "reopen": lambda client, w, a: client.post(reverse("assessments:reopen", args=[a.pk])),
    "observation": lambda client, w, a: client.post(
        reverse("assessments:observation-add", args=[a.pk]), {"text": "Planted", "principle": ""}
    ),
    "score-history": lambda client, w, a: client.get(
        reverse("assessments:score-history", args=[a.pk, first_score(a).pk])
    ),
    "report-request": lambda client, w, a: client.post(
        reverse("assessments:report-request", args=[a.pk])
    ),
    "report-request-htmx": lambda client, w, a: client.post(
        reverse("assessments:report-request", args=[a.pk]), HTTP_HX_REQUEST="true"
    ),
    "report-status": lambda client, w, a: client.get(
        reverse("assessments:report-status", args=[w.reports[a.status].pk])
    ),
    "report-download": lambda client, w, a: client.get(
        reverse("assessments:report-download", args=[w.reports[a.status].pk])
    ),
    "export-csv": lambda client, w, a: client.get(
        reverse("assessments:export", args=[a.pk, "csv"])
    ),
    "export-xlsx": lambda client, w, a: client.get(
        reverse("assessments:export", args=[a.pk, "xlsx"])
    ),
    "export-oscal": lambda client, w, a: client.get(
        reverse("assessments:export", args=[a.pk, "oscal"])
    ),
    "offline-apply": lambda client, w, a: client.post(
        reverse("assessments:offline-apply", args=[a.pk]), {"token": "forged"}
    ),
    "document-language": lambda client, w, a: client.post(
        reverse("strategies:document-language", args=[w.document.pk]), {"language": "es"}
    ),
    "document-retry": lambda client, w, a: client.post(
        reverse("strategies:document-retry", args=[w.document.pk])
    ),
}


@pytest.mark.parametrize("attempt", list(ATTEMPTS))
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("persona", ["kenya_assessor", "ministry_kenya"])
def test_outsider_posting_to_a_maltese_assessment_gets_404_and_changes_nothing(
    client, request, world, persona, status, attempt
):
    _login(client, request, persona)
    before = snapshot()
    response = ATTEMPTS[attempt](client, world, world.assessments[status])
    assert response.status_code == 404
    body = body_of(response)
    assert MALTA_TITLE not in body
    assert secret(status) not in body
    assert snapshot() == before


def test_outsider_guessing_ids_gets_404_for_every_combination(
    client, world, kenya, kenya_assessor, kenya_reviewer, framework
):
    """Kofi scores his own Kenyan draft, then swaps in Maltese ids wherever the URL has one."""
    own = build_assessment(
        StrategyFactory(jurisdiction=kenya, title=KENYA_TITLE),
        status=DRAFT,
        assessors=[kenya_assessor],
        mover=kenya_reviewer,
        framework=framework,
    )
    own_score = first_score(own)
    client.force_login(kenya_assessor)
    # Positive control: the same post on his own assessment is saved.
    response = autosave(
        client, score_url(own), score_data(own_score, level(), justification="Kenyan text")
    )
    assert response.status_code == 200, response.content
    before = snapshot()
    maltese_scores = Score.objects.filter(assessment__strategy=world.strategy)
    for maltese in maltese_scores:
        data = score_data(maltese, level())
        for url in (
            reverse("assessments:score-save", args=[own.pk, maltese.pk]),  # own id, Malta's score
            reverse("assessments:score-save", args=[maltese.assessment_id, maltese.pk]),
            reverse("assessments:score-save", args=[maltese.assessment_id, own_score.pk]),
        ):
            assert client.post(url, data).status_code == 404, url
            assert autosave(client, url, data).status_code == 404, url
        for url in (
            reverse("assessments:score-history", args=[own.pk, maltese.pk]),
            reverse("assessments:score-history", args=[maltese.assessment_id, maltese.pk]),
        ):
            assert client.get(url).status_code == 404, url
    assert snapshot() == before


@pytest.fixture
def other_malta_assessor(malta):
    """Amira, assessor for Malta, not assigned to the world's assessments."""
    return make_user("amira-assessor", roles.ASSESSOR, malta)


def test_unassigned_assessor_of_malta_cannot_save_a_score(
    client, world, assessor, other_malta_assessor
):
    draft = world.assessments[DRAFT]
    score = first_score(draft)
    client.force_login(other_malta_assessor)
    before = snapshot()

    response = client.post(score_url(draft), score_data(score, level()))
    assert response.status_code == 403
    assert "You cannot edit the scores of this assessment" in response.content.decode()

    response = autosave(client, score_url(draft), score_data(score, level()))
    assert response.status_code == 403
    assert response.json()["status"] == "locked"
    assert response.json()["message"]
    assert snapshot() == before

    # Positive control: the assigned assessor's identical post is saved.
    client.force_login(assessor)
    response = autosave(client, score_url(draft), score_data(score, level()))
    assert response.status_code == 200
    assert response.json()["status"] == "saved"


@pytest.mark.parametrize("status", STATUSES)
def test_ministry_reader_cannot_save_scores(client, world, ministry_malta, status):
    assessment = world.assessments[status]
    score = first_score(assessment)
    client.force_login(ministry_malta)
    before = snapshot()
    form = client.post(score_url(assessment), score_data(score, level()))
    json_post = autosave(client, score_url(assessment), score_data(score, level()))
    if status in (DRAFT, IN_REVIEW):  # not shared with the ministry yet: not found
        assert form.status_code == json_post.status_code == 404
    else:
        assert form.status_code == json_post.status_code == 403
        assert json_post.json()["status"] == "locked"
    assert snapshot() == before


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("to", STATUSES)
def test_ministry_reader_cannot_move_the_workflow(client, world, ministry_malta, status, to):
    assessment = world.assessments[status]
    client.force_login(ministry_malta)
    before = snapshot()
    transition = client.post(reverse("assessments:transition", args=[assessment.pk]), {"to": to})
    reopen = client.post(reverse("assessments:reopen", args=[assessment.pk]))
    if status in (DRAFT, IN_REVIEW):
        assert transition.status_code == reopen.status_code == 404
    else:
        # Visible to the ministry: refused with a message, back to the summary.
        detail = reverse("assessments:detail", args=[assessment.pk])
        assert transition.status_code == reopen.status_code == 302
        assert transition["Location"] == reopen["Location"] == detail
        assert any("cannot move" in m for m in messages_of(transition))
        assert any("reopen" in m for m in messages_of(reopen))
    assert snapshot() == before


@pytest.mark.parametrize(
    "status, expected",
    [(DRAFT, HIDDEN), (IN_REVIEW, HIDDEN), (SHARED, 302), (FINALIZED, DENIED)],
)
def test_ministry_reader_adds_observations_only_while_shared(
    client, world, ministry_malta, status, expected
):
    assessment = world.assessments[status]
    client.force_login(ministry_malta)
    before = snapshot()
    response = client.post(
        reverse("assessments:observation-add", args=[assessment.pk]),
        {"text": "The ministry disagrees with item 1.", "principle": world.principle.pk},
    )
    assert response.status_code == expected
    if expected == 302:
        observation = Observation.objects.get()
        assert observation.assessment == assessment
        assert observation.author == ministry_malta
        assert observation.principle == world.principle
    else:
        assert snapshot() == before


def test_ministry_reader_adds_observations_only_for_their_own_jurisdiction(
    client, world, kenya, ministry_kenya, kenya_assessor, kenya_reviewer, framework
):
    maltese = world.assessments[SHARED]
    kenyan = build_assessment(
        StrategyFactory(jurisdiction=kenya, title=KENYA_TITLE),
        status=SHARED,
        assessors=[kenya_assessor],
        mover=kenya_reviewer,
        framework=framework,
    )
    client.force_login(ministry_kenya)
    before = snapshot()
    response = client.post(
        reverse("assessments:observation-add", args=[maltese.pk]), {"text": "Planted"}
    )
    assert response.status_code == 404
    assert snapshot() == before
    # At home, the same post is accepted.
    response = client.post(reverse("assessments:observation-add", args=[kenyan.pk]), {"text": "Ok"})
    assert response.status_code == 302
    assert list(Observation.objects.values_list("assessment_id", "author_id")) == [
        (kenyan.pk, ministry_kenya.pk)
    ]


def test_observation_cannot_name_a_principle_of_another_set(client, world, ministry_malta):
    other = make_framework(principles=1, sections=1, slug="another-set")
    shared = world.assessments[SHARED]
    client.force_login(ministry_malta)
    before = snapshot()
    response = client.post(
        reverse("assessments:observation-add", args=[shared.pk]),
        {"text": "On the wrong set", "principle": other.principles.get().pk},
    )
    assert response.status_code == 302
    assert any("not saved" in m for m in messages_of(response))
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["admin_user", "assessor"])
def test_score_of_assessment_b_under_assessment_a_url_is_404(
    client, request, world, assessor, reviewer, framework, persona
):
    a = world.assessments[DRAFT]
    b = build_assessment(
        world.strategy,
        status=DRAFT,
        assessors=[assessor],
        reviewer=reviewer,
        mover=reviewer,
        framework=framework,
        justification="B's own justification",
    )
    b_score = first_score(b)
    _login(client, request, persona)
    before = snapshot()
    url = reverse("assessments:score-save", args=[a.pk, b_score.pk])
    assert client.post(url, score_data(b_score, level())).status_code == 404
    assert autosave(client, url, score_data(b_score, level())).status_code == 404
    history = reverse("assessments:score-history", args=[a.pk, b_score.pk])
    assert client.get(history).status_code == 404
    assert snapshot() == before


def test_a_level_of_another_scale_is_refused_with_400(client, world, assessor):
    foreign = ScoreScaleFactory(slug="other-scale", name="Other scale").levels.get(code="4")
    draft = world.assessments[DRAFT]
    score = first_score(draft)
    client.force_login(assessor)
    before = snapshot()

    response = client.post(score_url(draft), score_data(score, foreign))
    assert response.status_code == 400
    assert "Level: Select a valid choice." in response.content.decode()

    response = autosave(client, score_url(draft), score_data(score, foreign))
    assert response.status_code == 400
    assert response.json()["status"] == "invalid"
    assert "level" in response.json()["errors"]

    missing = score_data(score, justification="Some text")
    missing["level"] = 999_999
    assert autosave(client, score_url(draft), missing).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("to", [SHARED, FINALIZED, DRAFT])
def test_assessor_cannot_move_in_review_onwards(client, world, assessor, to):
    in_review = world.assessments[IN_REVIEW]
    client.force_login(assessor)
    before = snapshot()
    response = client.post(reverse("assessments:transition", args=[in_review.pk]), {"to": to})
    assert response.status_code == 302
    assert any("cannot move" in m for m in messages_of(response))
    assert snapshot() == before


def test_a_reviewer_not_assigned_cannot_move_the_assessment(client, world, malta, reviewer):
    in_review = world.assessments[IN_REVIEW]
    assigned = make_user("rosa-reviewer", roles.REVIEWER, malta)
    Assessment.objects.filter(pk=in_review.pk).update(reviewer=assigned)
    client.force_login(reviewer)
    before = snapshot()
    for to in (SHARED, FINALIZED, DRAFT):
        response = client.post(reverse("assessments:transition", args=[in_review.pk]), {"to": to})
        assert response.status_code == 302
        assert any("cannot move" in m for m in messages_of(response))
    assert snapshot() == before
    # Positive control: the assigned reviewer can.
    client.force_login(assigned)
    client.post(reverse("assessments:transition", args=[in_review.pk]), {"to": SHARED})
    in_review.refresh_from_db()
    assert in_review.status == SHARED


@pytest.mark.parametrize("persona", ["assessor", "reviewer", "admin_user"])
def test_a_finalized_assessment_refuses_score_saves(client, request, world, persona):
    finalized = world.assessments[FINALIZED]
    score = first_score(finalized)
    _login(client, request, persona)
    before = snapshot()

    response = client.post(score_url(finalized), score_data(score, level()))
    assert response.status_code == 403
    assert "finalized and read-only" in response.content.decode()

    response = autosave(client, score_url(finalized), score_data(score, level()))
    assert response.status_code == 403
    assert response.json() == {
        "status": "locked",
        "message": "This assessment is finalized and read-only.",
    }
    assert snapshot() == before
    score.refresh_from_db()
    assert score.justification == secret(FINALIZED)
    assert score.level.code == "2"


# Partners and public sharing ---------------------------------------------------------------


def _shared_assessment(world, assessor, reviewer, status, sharing, partners):
    return build_assessment(
        world.strategy,
        status=status,
        assessors=[assessor],
        reviewer=reviewer,
        mover=reviewer,
        framework=world.framework,
        sharing=sharing,
        partners=partners,
        justification=f"{sharing} {status} justification",
    )


def _visible(client, assessment) -> dict:
    return {
        name: client.get(reverse(name, args=[assessment.pk])).status_code
        for name in ("assessments:detail", "assessments:checklist")
    }


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("persona", ["ministry_kenya", "kenya_assessor"])
def test_partner_sees_a_partners_assessment_only_once_finalized(
    client, request, world, assessor, reviewer, kenya, persona, status
):
    assessment = _shared_assessment(
        world, assessor, reviewer, status, Assessment.Sharing.PARTNERS, [kenya]
    )
    _login(client, request, persona)
    expected = 200 if status == FINALIZED else 404
    assert set(_visible(client, assessment).values()) == {expected}
    listed = {a.pk for a in client.get(reverse("assessments:list")).context["assessments"]}
    assert (assessment.pk in listed) is (status == FINALIZED)


def test_partners_assessment_is_not_seen_by_a_jurisdiction_not_named(
    client, world, assessor, reviewer, ministry_kenya
):
    france = JurisdictionFactory(code="FRA", name="France")
    assessment = _shared_assessment(
        world, assessor, reviewer, FINALIZED, Assessment.Sharing.PARTNERS, [france]
    )
    client.force_login(ministry_kenya)
    assert _visible(client, assessment) == {
        "assessments:detail": 404,
        "assessments:checklist": 404,
    }


def test_partner_sees_scores_but_not_the_annex_history_or_audit_trail(
    client, world, assessor, reviewer, ministry_malta, kenya, ministry_kenya
):
    """What partners get is the finalized scores, not Malta's internal record."""
    assessment = build_assessment(
        world.strategy,
        status=SHARED,
        assessors=[assessor],
        reviewer=reviewer,
        mover=reviewer,
        framework=world.framework,
        sharing=Assessment.Sharing.PARTNERS,
        partners=[kenya],
        justification="Scores Kenya may read once finalized",
    )
    client.force_login(ministry_malta)
    client.post(
        reverse("assessments:observation-add", args=[assessment.pk]),
        {"text": "MALTESE-MINISTRY-INTERNAL-OBSERVATION"},
    )
    assert Observation.objects.filter(assessment=assessment).count() == 1
    client.force_login(reviewer)
    client.post(
        reverse("assessments:transition", args=[assessment.pk]),
        {"to": FINALIZED, "confirmed": "1"},
    )
    client.force_login(ministry_kenya)
    detail = client.get(reverse("assessments:detail", args=[assessment.pk]))
    checklist = client.get(reverse("assessments:checklist", args=[assessment.pk]))
    assert detail.status_code == checklist.status_code == 200
    assert "Scores Kenya may read once finalized" in checklist.content.decode()
    body = detail.content.decode() + checklist.content.decode()
    assert "MALTESE-MINISTRY-INTERNAL-OBSERVATION" not in body
    assert assessor.username not in body
    assert reviewer.username not in body
    history = reverse("assessments:score-history", args=[assessment.pk, first_score(assessment).pk])
    assert client.get(history).status_code == 403
    # Nor may the partner write anything.
    before = snapshot()
    client.post(score_url(assessment), score_data(first_score(assessment), level()))
    client.post(reverse("assessments:observation-add", args=[assessment.pk]), {"text": "x"})
    client.post(reverse("assessments:reopen", args=[assessment.pk]))
    assert snapshot() == before


@pytest.mark.parametrize("status", STATUSES)
def test_public_assessment_is_seen_by_every_signed_in_user_once_finalized(
    client, world, assessor, reviewer, ministry_kenya, kenya_assessor, status
):
    assessment = _shared_assessment(
        world, assessor, reviewer, status, Assessment.Sharing.PUBLIC, []
    )
    nobody = make_user("norbert-no-role")  # signed in, no role, no jurisdiction
    expected = 200 if status == FINALIZED else 404
    for user in (ministry_kenya, kenya_assessor, nobody):
        client.force_login(user)
        assert set(_visible(client, assessment).values()) == {expected}, user
    client.logout()
    response = client.get(reverse("assessments:detail", args=[assessment.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("status", STATUSES)
def test_confidential_assessment_is_never_seen_by_kenya_even_if_listed_as_partner(
    client, world, assessor, reviewer, kenya, ministry_kenya, kenya_assessor, status
):
    assessment = _shared_assessment(
        world, assessor, reviewer, status, Assessment.Sharing.CONFIDENTIAL, [kenya]
    )
    for user in (ministry_kenya, kenya_assessor):
        client.force_login(user)
        assert set(_visible(client, assessment).values()) == {404}


@pytest.mark.parametrize("persona", ["ministry_kenya", "kenya_assessor"])
def test_assessment_list_for_kenya_contains_no_maltese_assessment(
    client, request, world, assessor, reviewer, kenya, persona
):
    # Beyond the four confidential ones: shared with Kenya or public, but not yet finalized.
    for status in (DRAFT, IN_REVIEW, SHARED):
        _shared_assessment(world, assessor, reviewer, status, Assessment.Sharing.PARTNERS, [kenya])
        _shared_assessment(world, assessor, reviewer, status, Assessment.Sharing.PUBLIC, [])
    _login(client, request, persona)
    for status in ("", *STATUSES):
        response = client.get(reverse("assessments:list"), {"status": status})
        assert response.status_code == 200
        body = response.content.decode()
        assert MALTA_TITLE not in body
        assert "Malta" not in body
        assert list(response.context["assessments"]) == []


def test_summary_does_not_compare_with_an_earlier_assessment_the_viewer_cannot_see(
    client, malta, kenya, assessor, reviewer, ministry_kenya, framework
):
    """Malta's 2024 strategy supersedes its 2019 one. The 2019 assessment stays confidential;
    the 2024 one is finalized and public. Kenya may read the 2024 scores, and nothing of 2019:
    the summary's "compared with the earlier assessment" must not show 2019's levels to it."""
    old_strategy = StrategyFactory(jurisdiction=malta, title="Malta strategy 2019")
    new_strategy = StrategyFactory(jurisdiction=malta, title=MALTA_TITLE, supersedes=old_strategy)
    old = build_assessment(
        old_strategy,
        status=FINALIZED,
        assessors=[assessor],
        reviewer=reviewer,
        mover=reviewer,
        framework=framework,
        justification="2019 confidential justification",
        level_code="1",
    )
    new = build_assessment(
        new_strategy,
        status=FINALIZED,
        assessors=[assessor],
        reviewer=reviewer,
        mover=reviewer,
        framework=framework,
        sharing=Assessment.Sharing.PUBLIC,
        justification="2024 public justification",
        level_code="3",
    )
    code = first_score(new).principle.code
    client.force_login(ministry_kenya)
    assert client.get(reverse("assessments:detail", args=[old.pk])).status_code == 404
    response = client.get(reverse("assessments:detail", args=[new.pk]))
    assert response.status_code == 200
    analysis = response.context["analysis"]
    assert not analysis.improved and not analysis.declined, (
        "Kenya was shown how Malta's confidential 2019 assessment scored: "
        f"{[(c.item.code, c.before, c.after) for c in analysis.improved]}"
    )
    assert f"{code}: 1 → 3" not in response.content.decode()


def test_summary_does_not_compare_with_a_draft_the_ministry_cannot_see(
    client, malta, assessor, reviewer, ministry_malta, framework
):
    """Ministry readers see their assessments once shared; a draft's levels stay hidden."""
    old_strategy = StrategyFactory(jurisdiction=malta, title="Malta strategy 2019")
    new_strategy = StrategyFactory(jurisdiction=malta, title=MALTA_TITLE, supersedes=old_strategy)
    old = build_assessment(
        old_strategy,
        status=DRAFT,
        assessors=[assessor],
        reviewer=reviewer,
        mover=reviewer,
        framework=framework,
        justification="Draft, not for the ministry yet",
        level_code="1",
    )
    new = build_assessment(
        new_strategy,
        status=SHARED,
        assessors=[assessor],
        reviewer=reviewer,
        mover=reviewer,
        framework=framework,
        justification="Shared with the ministry",
        level_code="3",
    )
    client.force_login(ministry_malta)
    assert client.get(reverse("assessments:detail", args=[old.pk])).status_code == 404
    response = client.get(reverse("assessments:detail", args=[new.pk]))
    assert response.status_code == 200
    analysis = response.context["analysis"]
    assert not analysis.improved and not analysis.declined


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_partner_report_does_not_carry_the_jurisdictions_annex(
    client, world, assessor, reviewer, ministry_malta, kenya, ministry_kenya
):
    """Observations are Malta's annex (its readers and the assessment team). A partner may
    read the finalized scores, so may have the PDF report; the report must not carry the annex.
    """
    assessment = build_assessment(
        world.strategy,
        status=SHARED,
        assessors=[assessor],
        reviewer=reviewer,
        mover=reviewer,
        framework=world.framework,
        sharing=Assessment.Sharing.PARTNERS,
        partners=[kenya],
        justification="PARTNERVISIBLE justification",
    )
    client.force_login(ministry_malta)
    client.post(
        reverse("assessments:observation-add", args=[assessment.pk]),
        {"text": "ANNEXONLY observation of the Maltese ministry"},
    )
    assert Observation.objects.filter(assessment=assessment).exists()
    client.force_login(reviewer)
    client.post(
        reverse("assessments:transition", args=[assessment.pk]),
        {"to": FINALIZED, "confirmed": "1"},
    )

    client.force_login(ministry_kenya)
    detail = client.get(reverse("assessments:detail", args=[assessment.pk]))
    assert "ANNEXONLY" not in detail.content.decode()  # the page keeps the annex to Malta …
    response = client.post(reverse("assessments:report-request", args=[assessment.pk]))
    assert response.status_code == 302
    report = Report.objects.get(assessment=assessment)
    services.report_render(report_id=report.pk)  # what the worker does
    download = client.get(reverse("assessments:report-download", args=[report.pk]))
    assert download.status_code == 200
    text = pdf_text(download)
    assert "PARTNERVISIBLE" in text
    assert "ANNEXONLY" not in text, "the partner's PDF carries Malta's observations"  # … the PDF?


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_for_a_partner_does_not_name_the_assessors(
    client, world, assessor, reviewer, kenya, ministry_kenya, fmt
):
    """Score history, which names the assessors, is for the team and administrators; the
    partner's export should carry the scores without the names."""
    assessment = _shared_assessment(
        world, assessor, reviewer, FINALIZED, Assessment.Sharing.PARTNERS, [kenya]
    )
    client.force_login(ministry_kenya)
    response = client.get(reverse("assessments:export", args=[assessment.pk, fmt]))
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert f"{Assessment.Sharing.PARTNERS} {FINALIZED} justification" in body
    assert assessor.username not in body, "the partner's export names Malta's assessor"


# The admin -----------------------------------------------------------------------------------

CHANGELISTS = [
    "admin:assessments_assessment_changelist",
    "admin:assessments_score_changelist",
    "admin:strategies_strategy_changelist",
    "admin:ctframework_user_changelist",
]


@pytest.mark.parametrize(
    "persona", ["assessor", "reviewer", "ministry_malta", "ministry_kenya", "kenya_assessor"]
)
def test_staff_flag_set_by_mistake_opens_no_admin_page(client, request, world, persona):
    user = request.getfixturevalue(persona)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    draft = world.assessments[DRAFT]
    urls = [reverse(name) for name in CHANGELISTS] + [
        reverse("admin:index"),
        reverse("admin:assessments_assessment_change", args=[draft.pk]),
        reverse("admin:assessments_score_change", args=[first_score(draft).pk]),
        reverse("admin:strategies_strategy_change", args=[world.strategy.pk]),
        reverse("admin:ctframework_user_change", args=[user.pk]),
        reverse("admin:autocomplete") + "?app_label=assessments&model_name=assessment"
        "&field_name=strategy&term=Malta",
    ]
    before = snapshot()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
        assert MALTA_TITLE not in response.content.decode()
    # Posting to the change pages changes nothing either (no privilege escalation).
    for url in urls[5:9]:
        response = client.post(url, {"status": FINALIZED, "is_superuser": "on", "title": "x"})
        assert response.status_code == 302, url
    assert snapshot() == before
    user.refresh_from_db()
    assert not user.is_superuser
    assert not user.grants.filter(role__name=roles.ADMINISTRATOR).exists()


def test_administrator_opens_every_changelist(client, world, admin_user):
    client.force_login(admin_user)
    for name in CHANGELISTS:
        response = client.get(reverse(name))
        assert response.status_code == 200, name


def test_json_error_bodies_carry_nothing_of_malta(client, world, kenya_assessor):
    """The autosave 404 for an outsider is the plain not-found page, not a JSON of the score."""
    client.force_login(kenya_assessor)
    draft = world.assessments[DRAFT]
    response = autosave(client, score_url(draft), score_data(first_score(draft), level()))
    assert response.status_code == 404
    body = response.content.decode()
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    assert secret(DRAFT) not in body
