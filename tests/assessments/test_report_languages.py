"""The PDF gap report in any of the six UN languages: translated headings in its text layer,
Arabic right to left, a font for every character, and the same content and language give the
same bytes. A French and an English report of the same content exist side by side."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from pypdf import PdfReader

from assessments import reports, services
from assessments.models import Report
from assessments.services import ScoreInput, score_save
from principles.models import Framework
from tests.factories import make_assessment
from tests.pdf_fonts import uncovered_characters

pytestmark = pytest.mark.django_db

TRANSLATED_SET = Path(__file__).parents[1] / "principles" / "data" / "translated-checklist.yaml"
LANGUAGES = ["ar", "zh-hans", "en", "fr", "ru", "es"]
FOOTER = "CT Framework gap analysis"  # in every page's margin


@pytest.fixture
def assessment(malta, assessor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from io import StringIO

    call_command("import_framework", str(TRANSLATED_SET), stdout=StringIO())
    framework = Framework.objects.get(slug="translated-checklist")
    made = make_assessment(jurisdiction=malta, assessors=[assessor], framework=framework)
    first = made.scores.order_by("principle__order").first()
    score_save(
        score=first,
        user=assessor,
        expected_version=0,
        data=ScoreInput(made.scale.levels.get(code="2"), "Partly.", "A quote.", "p. 3", ""),
    )
    return made


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_report_in_each_language(assessment, language):
    options = reports.ReportOptions(language=language)
    content = reports.report_content(assessment, with_observations=False, options=options)
    html = reports.report_html(content)
    pdf = reports.render_pdf(content)
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    text = text_of(pdf).casefold()  # some headings are set in capitals
    with translation.override(language):
        for heading in ("Gap analysis", "Prioritized gaps", "Overall index:", FOOTER):
            translated = translation.gettext(heading).casefold()
            if language == "ar":
                # pypdf gives a line mixing directions in visual order ("CT Framework" to the
                # left of the Arabic words): each word is there, not the logical string.
                assert all(word in text for word in translated.split()), (language, heading)
            else:
                assert translated in text, (language, heading)
            assert (translated == heading.casefold()) == (language == "en"), (language, heading)
    assert uncovered_characters(pdf, html) == set()
    # The same content in the same language: the same bytes.
    assert reports.render_pdf(content) == pdf


def test_principle_texts_in_the_reports_language_labelled(assessment):
    french = reports.report_content(
        assessment, with_observations=False, options=reports.ReportOptions(language="fr")
    )
    first = french["principles"][0]
    assert first["title"] == {
        "text": "Un plan existe",
        "language": "fr",
        "original": False,
        "official": False,
    }
    assert french["principles"][1]["text"]["language"] == "en"  # no French: the original
    with translation.override("fr"):
        label = translation.gettext("%(language)s · unofficial translation") % {
            "language": translation.get_language_info("fr")["name_translated"]
        }
    assert label in reports.report_html(french)


def test_two_languages_of_the_same_content_are_two_reports(assessment, assessor):
    english = services.report_request(
        assessment=assessment, user=assessor, options=reports.ReportOptions(language="en")
    )
    french = services.report_request(
        assessment=assessment, user=assessor, options=reports.ReportOptions(language="fr")
    )
    assert english.pk != french.pk and english.content_hash != french.content_hash
    assert (english.language, french.language) == ("en", "fr")
    again = services.report_request(
        assessment=assessment, user=assessor, options=reports.ReportOptions(language="fr")
    )
    assert again.pk == french.pk
    assert Report.objects.count() == 2


def test_the_default_language_is_the_jurisdictions(assessment, assessor, malta):
    malta.languages = ["fr", "en"]
    malta.save()
    assessment.refresh_from_db()
    report = services.report_request(assessment=assessment, user=assessor)
    assert report.language == "fr"


def test_the_api_takes_a_language(assessment, assessor):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(assessor)
    url = f"/api/v1/assessments/{assessment.pk}/reports/"
    response = client.post(url, {"language": "ru"}, format="json")
    assert response.status_code in (200, 202) and response.json()["language"] == "ru"
    refused = client.post(url, {"language": "de"}, format="json")
    assert refused.status_code == 400 and "language" in refused.json()
