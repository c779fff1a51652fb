"""Every page of the tour speaks the user's language: no English left in the interface's own
text, attributes included. What is not the interface is marked and so left out: texts shown in
their original language carry `lang` (a principle set without a translation), and text whose
language the app does not know (strategy titles, justifications, passages, names) is isolated
in `<bdi>` or `dir="auto"` so that it reads right in an Arabic page too."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from lxml import html as lxml_html

from assessments.models import ScoreScale
from assessments.services import ScoreInput, assessment_create, score_save
from ctframework import roles
from principles.models import Framework
from strategies.models import Jurisdiction
from strategies.services import document_upload
from tests.factories import StrategyFactory, UserFactory, grant
from tests.pages.every_page import every_page

pytestmark = pytest.mark.django_db

# Languages whose script tells English apart; French and Spanish rely on the catalogue tests.
LANGUAGES = ["ar", "zh-hans", "ru"]
# Words of two letters or more; all-capital ones are codes and acronyms (MLT, AFRICAN-GROUP),
# identifiers that stay as they are.
LATIN_WORD = re.compile(r"(?<![A-Za-z])(?![A-Z]+(?![A-Za-z]))[A-Za-z]{2,}")
# Names no UN language translates: file formats, units, language codes; and this test's people.
NAMES = {"PDF", "CSV", "XLSX", "JSON", "YAML", "OSCAL", "API", "HTML", "DOCX", "TXT", "URL"}
NAMES |= {"Word", "docx", "txt", "pdf", "MB", "ar", "en", "fr", "ru", "es", "zh"}
NAMES |= {"amal", "rafael", "alice"}
PRODUCT = "CT Framework"  # the product's name, never translated (locale/glossary.yaml)
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
SKIPPED = {"script", "style", "template", "bdi", "code", "kbd", "samp"}

TEXT = "Ports and ferries\n\n" + "\n\n".join(
    f"[P{n}] The ferry operators will screen passengers at every port." for n in range(1, 5)
)


@pytest.fixture
def tour(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command(
        "loaddata", "jurisdictions", "score-scales", "valletta-principles-2025", verbosity=0
    )
    malta = Jurisdiction.objects.get(code="MLT")
    assessor = grant(UserFactory(username="amal"), roles.ASSESSOR, malta)
    reviewer = grant(UserFactory(username="rafael"), roles.REVIEWER, malta)
    admin = grant(UserFactory(username="alice"), roles.ADMINISTRATOR)
    strategy = StrategyFactory(jurisdiction=malta, title="Malta national strategy 2024")
    document_upload(
        strategy=strategy,
        user=assessor,
        file=SimpleUploadedFile("strategy.txt", TEXT.encode()),
    )
    framework = Framework.objects.get(slug="valletta-principles")
    assessment = assessment_create(
        strategy=strategy,
        framework=framework,
        scale=ScoreScale.objects.get(is_default=True),
        assessors=[assessor],
        reviewer=reviewer,
        created_by=assessor,
    )
    score = assessment.scores.order_by("principle__order").first()
    score_save(
        score=score,
        user=assessor,
        expected_version=0,
        data=ScoreInput(
            assessment.scale.levels.get(code="2"),
            "Ferries are screened, ports are not.",
            "The ferry operators will screen passengers",
            "p. 1, ¶ 1",
            "Screen at the ports too.",
        ),
    )
    pages = every_page(assessment, score)
    admin_pages = {
        "admin": reverse("admin:index"),
        "grants": reverse("admin:accounts_grant_changelist"),
        "import": reverse("admin:principles_framework_import"),
    }
    return {"assessor": (assessor, pages), "admin": (admin, admin_pages)}


def english_in(page: str, language: str) -> list[str]:
    """The Latin-script words of the page's own text and attributes."""
    tree = lxml_html.fromstring(page)
    assert tree.get("lang") == language
    assert tree.get("dir") == ("rtl" if language == "ar" else "ltr")
    found = []

    def walk(element, own: bool):
        if not isinstance(element.tag, str) or element.tag in SKIPPED:
            return
        lang = element.get("lang")
        own = own and (lang is None or lang == language) and element.get("dir") != "auto"
        if own:
            found.append(element.text or "")
            found.extend(element.get(name, "") for name in ATTRIBUTES)
        for child in element:
            walk(child, own)
            if own:
                found.append(child.tail or "")

    walk(tree.find("body"), True)
    words = {word for text in found for word in LATIN_WORD.findall(text.replace(PRODUCT, ""))}
    return sorted(words - NAMES)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", ["assessor", "admin"])
def test_no_english_left_in_the_interface(client, tour, language, persona):
    user, pages = tour[persona]
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    problems = []
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, url)
        words = english_in(response.content.decode(), language)
        if words:
            problems.append(f"{name} ({url}): {' '.join(words)}")
    assert not problems, "\n".join(problems)
