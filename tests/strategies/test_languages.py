"""Strategies in the six UN languages: each document's language detected on extraction (per
passage for a bilingual one), correctable by those who edit the strategy, and searched in
its own language (stemming, Arabic with or without diacritics, Chinese by character pairs)
in the search page, the reader and the API, never across jurisdictions."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ctframework import roles
from strategies.models import Passage, Strategy
from strategies.ranking import passage_terms
from tests.factories import StrategyFactory, UserFactory, grant

from . import multilingual

pytestmark = [pytest.mark.core, pytest.mark.django_db]
POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemming and diacritics: PostgreSQL's search"
)
LANGUAGES = list(multilingual.TEXTS)


@pytest.fixture
def strategies(malta, assessor, store):
    """One Maltese strategy per language, with its document extracted."""
    made = {}
    for language in LANGUAGES:
        strategy = StrategyFactory(jurisdiction=malta, language="", title=f"Strategy {language}")
        store(strategy, assessor, multilingual.document(language), f"{language}.txt")
        made[language] = strategy
    return made


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def paragraph(strategy, index) -> Passage:
    return strategy.passages.get(text=multilingual.TEXTS[strategy_language(strategy)][index])


def strategy_language(strategy) -> str:
    return strategy.title.removeprefix("Strategy ")


# Detection ---------------------------------------------------------------------------------


def test_each_document_and_its_passages_are_detected_and_the_strategy_takes_the_language(
    strategies,
):
    for language, strategy in strategies.items():
        strategy.refresh_from_db()
        document = strategy.documents.get()
        assert (document.detected_language, document.language) == (language, "")
        assert set(strategy.passages.values_list("language", flat=True)) == {language}
        assert (strategy.detected_language, strategy.language) == (language, "")
        assert strategy.text_language == language


def test_a_bilingual_document_is_detected_passage_by_passage(malta, assessor, store):
    strategy = StrategyFactory(jurisdiction=malta, language="")
    document = store(strategy, assessor, multilingual.bilingual())
    languages = list(document.passages.order_by("position").values_list("language", flat=True))
    assert languages == ["fr", "fr", "fr", "en", "en", "en"]
    assert document.detected_language == "fr"  # most of the text


def test_a_language_the_assessor_chose_for_the_strategy_stays(malta, assessor, store):
    strategy = StrategyFactory(jurisdiction=malta, language="fr")
    store(strategy, assessor, multilingual.document("en"))
    strategy.refresh_from_db()
    assert (strategy.language, strategy.detected_language, strategy.text_language) == (
        "fr",
        "en",
        "fr",
    )


def test_the_strategy_page_shows_each_documents_language(client, strategies, assessor):
    client.force_login(assessor)
    page = client.get(reverse("strategies:detail", args=[strategies["ar"].pk]))
    body = page.content.decode()
    assert 'Arabic <span class="muted">(detected)</span>' in body
    assert reverse("strategies:document-language", args=[strategies["ar"].documents.get().pk]) in (
        body
    )


# Correction --------------------------------------------------------------------------------


def test_correcting_the_language_relabels_the_passages_and_indexes_them_again(
    client, malta, assessor, store
):
    strategy = StrategyFactory(jurisdiction=malta, language="")
    document = store(strategy, assessor, multilingual.bilingual())
    client.force_login(assessor)
    response = client.post(
        reverse("strategies:document-language", args=[document.pk]), {"language": "es"}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.language, document.detected_language, document.text_language) == (
        "es",
        "fr",
        "es",
    )
    # The French passages are now read as Spanish; the English annex keeps its language.
    languages = list(document.passages.order_by("position").values_list("language", flat=True))
    assert languages == ["es", "es", "es", "en", "en", "en"]
    strategy.refresh_from_db()
    assert strategy.detected_language == "es"
    # … and are ranked for suggestions as Spanish words.
    for passage in document.passages.all():
        assert passage.terms == passage_terms(passage.text, passage.heading, passage.language)
    if connection.vendor == "postgresql":
        # (PostgreSQL's russian configuration stems Latin words as English: it may match too.)
        assert indexed_with(document.passages.filter(language="es")) == {"spanish"}
        assert "english" in indexed_with(document.passages.filter(language="en"))
        assert "spanish" not in indexed_with(document.passages.filter(language="en"))
    # Back to what was detected.
    client.post(reverse("strategies:document-language", args=[document.pk]), {"language": ""})
    languages = list(document.passages.order_by("position").values_list("language", flat=True))
    assert languages == ["fr", "fr", "fr", "en", "en", "en"]


def indexed_with(passages) -> set[str]:
    """The configurations whose to_tsvector gives each passage's stored vector."""
    found = set()
    with connection.cursor() as cursor:
        for pk in passages.values_list("pk", flat=True):
            cursor.execute(
                "SELECT c.cfgname FROM strategies_passage p, pg_ts_config c WHERE p.id = %s "
                "AND c.cfgname IN ('arabic', 'english', 'french', 'russian', 'spanish', "
                "'simple') AND p.search_vector = to_tsvector(c.oid::regconfig, p.text)",
                [pk],
            )
            found |= {row[0] for row in cursor.fetchall()}
    return found


def test_a_wrong_language_is_refused_with_a_message_and_changes_nothing(
    client, strategies, assessor
):
    document = strategies["fr"].documents.get()
    client.force_login(assessor)
    response = client.post(
        reverse("strategies:document-language", args=[document.pk]),
        {"language": "pt"},
        follow=True,
    )
    assert "pt is not one of the six UN languages." in response.content.decode()
    document.refresh_from_db()
    assert document.language == ""
    assert set(document.passages.values_list("language", flat=True)) == {"fr"}
    answer = api(assessor).patch(
        f"/api/v1/documents/{document.pk}/", {"language": "xx"}, format="json"
    )
    assert answer.status_code == 400
    assert "language" in answer.json()


def test_the_api_corrects_the_language_and_shows_it(strategies, assessor):
    document = strategies["fr"].documents.get()
    answer = api(assessor).patch(
        f"/api/v1/documents/{document.pk}/", {"language": "es"}, format="json"
    )
    assert answer.status_code == 200
    assert (answer.json()["language"], answer.json()["detected_language"]) == ("es", "fr")
    assert set(document.passages.values_list("language", flat=True)) == {"es"}
    strategy = api(assessor).get(f"/api/v1/strategies/{strategies['fr'].pk}/").json()
    assert (strategy["language"], strategy["detected_language"]) == ("", "es")


@pytest.mark.parametrize("persona", ["ministry_malta", "ministry_kenya", "kenya_assessor"])
def test_only_those_who_edit_the_strategy_correct_its_language(
    client, request, strategies, persona
):
    user = request.getfixturevalue(persona)
    document = strategies["fr"].documents.get()
    client.force_login(user)
    response = client.post(
        reverse("strategies:document-language", args=[document.pk]), {"language": "es"}
    )
    # The ministry of Malta sees the document but may not change it; Kenya does not see it.
    assert response.status_code == (403 if persona == "ministry_malta" else 404)
    answer = api(user).patch(f"/api/v1/documents/{document.pk}/", {"language": "es"})
    assert answer.status_code == (403 if persona == "ministry_malta" else 404)
    document.refresh_from_db()
    assert document.language == ""
    assert set(document.passages.values_list("language", flat=True)) == {"fr"}


@pytest.fixture
def kenya_assessor(kenya):
    return grant(UserFactory(username="kofi-assessor-ken"), roles.ASSESSOR, kenya)


# Search ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_exact_word_is_found_in_each_language_in_search_reader_and_api(
    client, strategies, assessor, language
):
    word, index = multilingual.EXACT[language]
    strategy = strategies[language]
    expected = paragraph(strategy, index)
    client.force_login(assessor)
    search = client.get(reverse("strategies:passage-search"), {"q": word})
    assert search.context["results"] == [expected]
    assert f"<mark>{word}</mark>" in search.content.decode()
    reader = client.get(reverse("strategies:reader", args=[strategy.pk]), {"q": word})
    assert list(reader.context["passages"]) == [expected]
    found = api(assessor).get("/api/v1/passages/", {"q": word}).json()
    assert [(p["id"], p["language"]) for p in found["results"]] == [(expected.pk, language)]


@POSTGRESQL
@pytest.mark.parametrize("language", LANGUAGES)
def test_another_form_of_the_word_is_found_and_marked(client, strategies, assessor, language):
    query, index, marked = multilingual.INFLECTED[language]
    expected = paragraph(strategies[language], index)
    client.force_login(assessor)
    search = client.get(reverse("strategies:passage-search"), {"q": query})
    # The query is read in every language, so "victim" also finds the French "victimes":
    # what matters is that this language's paragraph is found whatever the word's form.
    assert expected in search.context["results"]
    assert f"<mark>{marked}</mark>" in search.content.decode()


@POSTGRESQL
def test_arabic_is_found_with_diacritics_in_the_query_and_not_in_the_text(strategies, assessor):
    expected = paragraph(strategies["ar"], 1)  # القضائي, written without diacritics
    found = api(assessor).get("/api/v1/passages/", {"q": "القَضَائِيّ"}).json()
    assert [p["id"] for p in found["results"]] == [expected.pk]


@POSTGRESQL
def test_a_chinese_word_is_found_inside_a_sentence_without_spaces(strategies, assessor):
    strategy = strategies["zh-hans"]
    found = api(assessor).get("/api/v1/passages/", {"q": "资金"}).json()
    assert [p["id"] for p in found["results"]] == [paragraph(strategy, 1).pk]
    # A word whose characters appear, but not together, is not found.
    assert api(assessor).get("/api/v1/passages/", {"q": "金资"}).json()["count"] == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_kenya_finds_no_maltese_passage_in_any_language(
    client, strategies, kenya_assessor, ministry_kenya, language
):
    word, _index = multilingual.EXACT[language]
    for user in (kenya_assessor, ministry_kenya):
        assert api(user).get("/api/v1/passages/", {"q": word}).json()["count"] == 0
        client.force_login(user)
        search = client.get(reverse("strategies:passage-search"), {"q": word})
        assert search.context["results"] == []
        text = multilingual.TEXTS[language][1]
        assert escape(text) not in search.content.decode()


def test_a_strategy_language_outside_the_six_is_refused(assessor, malta):
    answer = api(assessor).post(
        "/api/v1/strategies/",
        {"jurisdiction": "MLT", "title": "S", "kind": "national-ct", "language": "English"},
        format="json",
    )
    assert answer.status_code == 400
    assert "language" in answer.json()
    assert not Strategy.objects.filter(title="S").exists()
