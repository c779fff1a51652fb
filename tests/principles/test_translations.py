"""Principle texts in several languages: imported, exported, shown in the user's language when
translated (else the original), always labelled, and "official" only when the set says so.
The translations used here are test data (tests/principles/data/translated-checklist.yaml)."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from principles.models import Framework, Principle, Tag
from tests.principles.test_import_framework import refused, write

pytestmark = [pytest.mark.core, pytest.mark.django_db]

DATA = Path(__file__).parent / "data" / "translated-checklist.yaml"


@pytest.fixture
def loaded():
    call_command("import_framework", str(DATA), stdout=StringIO())
    return Framework.objects.get(slug="translated-checklist")


def test_translations_are_imported(loaded):
    principle = Principle.objects.get(code="TC-1")
    assert principle.translations["fr"]["title"] == "Un plan existe"
    assert loaded.official_languages == {"es"}
    assert Tag.objects.get(slug="victims").translations == {
        "fr": {"name": "Victimes du terrorisme"}
    }


def test_the_user_language_is_shown_when_translated_else_the_original(loaded):
    first, second = Principle.objects.select_related("framework").order_by("order")
    french = first.tr("title", "fr")
    assert (french.text, french.language, french.original, french.official) == (
        "Un plan existe",
        "fr",
        False,
        False,
    )
    spanish = first.tr("title", "es")
    assert spanish.official and spanish.text == "Existe un plan"
    missing = second.tr("title", "fr")  # no French for item 2: the English original
    assert (missing.text, missing.language, missing.original) == (
        "The plan is reviewed",
        "en",
        True,
    )
    assert first.tr("title", "ru").text == "A plan exists"


@pytest.mark.parametrize("language", ["fr", "es", "ru"])
def test_library_pages_show_and_label_the_language(client, loaded, language):
    principle = Principle.objects.get(code="TC-1")
    html = client.get(principle.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with translation.override(language):
        expected = {
            "fr": ("Un plan existe", "French", "unofficial translation"),
            "es": ("Existe un plan", "Spanish", "official translation"),
            "ru": ("A plan exists", "English", "original"),
        }[language]
        title, name, status = expected
        label = translation.gettext(f"%(language)s · {status}") % {
            "language": translation.get_language_info(
                {"French": "fr", "Spanish": "es", "English": "en"}[name]
            )["name_translated"]
        }
    assert f'lang="{"en" if language == "ru" else language}"' in html
    assert title in html
    assert label in html
    if language == "ru":
        assert "unofficial" not in html and "official translation" not in html


def test_the_api_gives_the_translations_and_the_users_language(loaded):
    response = APIClient().get(
        "/api/v1/principles/", {"framework": loaded.pk}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    first = response.json()["results"][0]
    assert first["translations"]["fr"]["title"] == "Un plan existe"
    assert first["localized"] == {
        "title": "Un plan existe",
        "text": "Il existe un plan national doté d'un budget.",
        "language": "fr",
        "original": False,
        "official": False,
    }
    assert first["language"] == "en"


def test_export_and_import_give_the_same_set(loaded, tmp_path):
    out = StringIO()
    call_command("export_framework", "translated-checklist", stdout=out)
    exported = yaml.safe_load(out.getvalue())
    assert exported["framework"]["translations"]["es"]["official"] is True
    assert exported["principles"][0]["translations"]["fr"]["text"].startswith("Il existe")
    assert exported["tags"][0]["translations"] == {"fr": {"name": "Victimes du terrorisme"}}
    Principle.objects.all().delete()
    Framework.objects.all().delete()
    call_command(
        "import_framework", str(write(tmp_path, exported, "again.yaml")), stdout=StringIO()
    )
    again = StringIO()
    call_command("export_framework", "translated-checklist", stdout=again)
    assert again.getvalue() == out.getvalue()


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            lambda d: d["principles"][0]["translations"].update(de={"title": "Ein Plan"}),
            "'de' is not one of ['ar', 'zh-hans', 'en', 'fr', 'ru', 'es']",
        ),
        (
            lambda d: d["principles"][0]["translations"].update(en={"title": "A plan"}),
            "'en' is the set's own language",
        ),
        (
            lambda d: d["principles"][0]["translations"]["fr"].update(colour="bleu"),
            "'colour' was unexpected",
        ),
    ],
)
def test_bad_translations_are_refused(tmp_path, change, expected):
    data = yaml.safe_load(DATA.read_text())
    change(data)
    assert expected in refused(write(tmp_path, data))
