"""Who sees which strategy documents and passages: the strategy's jurisdiction decides.

Kamau (ministry reader of Kenya) and Kofi (assessor of Kenya) are outsiders to Malta's
strategy: every page, file and API answer about its documents is 404 to them and its text
never appears in their searches. Maria (ministry reader of Malta) reads and searches it but
neither uploads nor removes. Every rule is tried against the code, and nothing changes.
"""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ctframework import roles
from strategies.models import Passage, StrategyDocument
from tests.factories import StrategyFactory, UserFactory, grant

from . import documents

pytestmark = [pytest.mark.core, pytest.mark.django_db]

MALTESE_PASSAGE = documents.SECTIONS[0][1][1]  # the paragraph naming WORD_ONLY_IN_MALTA
assert documents.WORD_ONLY_IN_MALTA in MALTESE_PASSAGE
INSIDERS = ["assessor", "reviewer", "ministry_malta", "admin_user"]
OUTSIDERS = ["ministry_kenya", "kenya_assessor"]


@pytest.fixture
def kenya_assessor(kenya):
    """Kofi, assessor for Kenya."""
    return grant(UserFactory(username="kofi-assessor-ken"), roles.ASSESSOR, kenya)


@pytest.fixture
def maltese(malta, assessor, store):
    """Malta's strategy, with its text extracted from a PDF."""
    strategy = StrategyFactory(jurisdiction=malta, title="Malta National CT Strategy 2019")
    store(strategy, assessor, documents.pdf_document(), "malta-strategy.pdf")
    return strategy


@pytest.fixture
def kenyan(kenya, kenya_assessor, store):
    strategy = StrategyFactory(jurisdiction=kenya, title="Kenya National Strategy 2016")
    store(strategy, kenya_assessor, documents.kenya_text_document(), "kenya-strategy.txt")
    return strategy


@pytest.fixture
def document(maltese):
    return maltese.documents.get()


@pytest.fixture
def passage(document):
    return document.passages.get(text=MALTESE_PASSAGE)


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def snapshot(media_root):
    return (
        sorted(StrategyDocument.objects.values_list("pk", "strategy_id", "status", "sha256")),
        Passage.objects.count(),
        sorted(Path(media_root).rglob("*.*")),
    )


def new_file():
    return documents.upload(documents.text_document(), "added.txt")


# Outsiders: 404 everywhere -----------------------------------------------------------------


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_for_every_page_of_the_maltese_documents(
    client, request, maltese, document, media_root, persona, django_capture_on_commit_callbacks
):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        responses = {
            "reader": client.get(reverse("strategies:reader", args=[maltese.pk])),
            "reader search": client.get(
                reverse("strategies:reader", args=[maltese.pk]),
                {"q": documents.WORD_ONLY_IN_MALTA},
            ),
            "status": client.get(reverse("strategies:document-status", args=[document.pk])),
            "download": client.get(reverse("strategies:document-download", args=[document.pk])),
            "delete": client.post(reverse("strategies:document-delete", args=[document.pk])),
            "upload": client.post(
                reverse("strategies:document-upload", args=[maltese.pk]), {"file": new_file()}
            ),
        }
    for name, response in responses.items():
        assert response.status_code == 404, name
        body = response.content.decode()
        assert MALTESE_PASSAGE not in body, name
        assert "malta-strategy.pdf" not in body, name
    assert snapshot(media_root) == before


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_from_the_api_for_maltese_documents_and_passages(
    request, maltese, document, passage, media_root, persona, django_capture_on_commit_callbacks
):
    client = api_client(request.getfixturevalue(persona))
    before = snapshot(media_root)
    for url in [
        f"/api/v1/documents/{document.pk}/",
        f"/api/v1/passages/{passage.pk}/",
        f"/api/v1/strategies/{maltese.pk}/documents/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}, url
    with django_capture_on_commit_callbacks(execute=True):
        upload = client.post(
            f"/api/v1/strategies/{maltese.pk}/documents/", {"file": new_file()}, format="multipart"
        )
    assert upload.status_code == 404
    assert client.delete(f"/api/v1/documents/{document.pk}/").status_code == 404
    assert snapshot(media_root) == before
    # Nor do the lists give anything away.
    assert client.get("/api/v1/documents/").json()["count"] == 0
    assert client.get("/api/v1/passages/").json()["count"] == 0
    assert client.get("/api/v1/passages/", {"document": document.pk}).json()["count"] == 0


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_searching_for_a_word_of_the_maltese_text_finds_nothing_for_kenya(
    client, request, maltese, kenyan, persona
):
    user = request.getfixturevalue(persona)
    word = documents.WORD_ONLY_IN_MALTA
    assert api_client(user).get("/api/v1/passages/", {"q": word}).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    client.force_login(user)
    response = client.get(reverse("strategies:passage-search"), {"q": word})
    assert response.status_code == 200
    assert response.context["results"] == []
    body = response.content.decode()
    assert "0 passages found in the strategies you can see." in body
    assert escape(MALTESE_PASSAGE) not in body
    assert maltese.title not in body
    # Their own strategy's text they do find.
    own = client.get(reverse("strategies:passage-search"), {"q": documents.WORD_ONLY_IN_KENYA})
    assert [p.text for p in own.context["results"]] == [documents.KENYAN_PARAGRAPH]
    found = api_client(user).get("/api/v1/passages/", {"q": documents.WORD_ONLY_IN_KENYA})
    assert [p["text"] for p in found.json()["results"]] == [documents.KENYAN_PARAGRAPH]


# Malta's users ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", INSIDERS)
def test_maltas_users_find_the_word_in_the_api_the_search_and_the_reader(
    client, request, maltese, kenyan, passage, persona
):
    user = request.getfixturevalue(persona)
    word = documents.WORD_ONLY_IN_MALTA
    found = api_client(user).get("/api/v1/passages/", {"q": word}).json()
    assert [(p["id"], p["text"]) for p in found["results"]] == [(passage.pk, MALTESE_PASSAGE)]

    client.force_login(user)
    search = client.get(reverse("strategies:passage-search"), {"q": word})
    assert search.context["results"] == [passage]
    assert f"#passage-{passage.pk}" in search.content.decode()
    reader = client.get(reverse("strategies:reader", args=[maltese.pk]), {"q": word})
    assert list(reader.context["passages"]) == [passage]
    assert escape(MALTESE_PASSAGE) in reader.content.decode()
    # Kenya's text is not Malta's to read, except for the administrator.
    kenyan_hits = api_client(user).get("/api/v1/passages/", {"q": documents.WORD_ONLY_IN_KENYA})
    assert kenyan_hits.json()["count"] == (1 if persona == "admin_user" else 0)


def test_the_ministry_reader_of_malta_reads_and_downloads(
    client, ministry_malta, maltese, document
):
    client.force_login(ministry_malta)
    reader = client.get(reverse("strategies:reader", args=[maltese.pk]))
    assert reader.status_code == 200
    assert [p.text for p in reader.context["passages"]] == [
        text for _page, _kind, _heading, text in documents.pdf_passages()
    ]
    download = client.get(reverse("strategies:document-download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == documents.pdf_document()
    assert download["Content-Disposition"] == 'attachment; filename="malta-strategy.pdf"'
    status = client.get(reverse("strategies:document-status", args=[document.pk]))
    assert status.status_code == 200
    assert "malta-strategy.pdf" in status.content.decode()
    # The page offers neither upload nor removal.
    detail = client.get(reverse("strategies:detail", args=[maltese.pk])).content.decode()
    assert reverse("strategies:document-upload", args=[maltese.pk]) not in detail
    assert reverse("strategies:document-delete", args=[document.pk]) not in detail
    assert reverse("strategies:document-delete", args=[document.pk]) not in (
        status.content.decode()
    )
    api = api_client(ministry_malta).get(f"/api/v1/documents/{document.pk}/")
    assert api.json()["passage_count"] == len(documents.pdf_passages())


def test_the_ministry_reader_of_malta_can_neither_upload_nor_remove(
    client, ministry_malta, maltese, document, media_root, django_capture_on_commit_callbacks
):
    client.force_login(ministry_malta)
    api = api_client(ministry_malta)
    before = snapshot(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        browser_upload = client.post(
            reverse("strategies:document-upload", args=[maltese.pk]), {"file": new_file()}
        )
        api_upload = api.post(
            f"/api/v1/strategies/{maltese.pk}/documents/", {"file": new_file()}, format="multipart"
        )
    assert browser_upload.status_code == 403
    assert api_upload.status_code == 403
    assert client.post(reverse("strategies:document-delete", args=[document.pk])).status_code == 403
    assert api.delete(f"/api/v1/documents/{document.pk}/").status_code == 403
    assert snapshot(media_root) == before


def test_anonymous_is_sent_to_log_in_and_the_api_answers_401(
    client, maltese, document, passage, media_root
):
    before = snapshot(media_root)
    for response in [
        client.get(reverse("strategies:reader", args=[maltese.pk])),
        client.get(reverse("strategies:passage-search"), {"q": documents.WORD_ONLY_IN_MALTA}),
        client.get(reverse("strategies:document-status", args=[document.pk])),
        client.get(reverse("strategies:document-download", args=[document.pk])),
        client.post(reverse("strategies:document-delete", args=[document.pk])),
        client.post(reverse("strategies:document-upload", args=[maltese.pk]), {"file": new_file()}),
    ]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    api = APIClient()
    for url in [
        f"/api/v1/documents/{document.pk}/",
        f"/api/v1/passages/{passage.pk}/",
        f"/api/v1/passages/?q={documents.WORD_ONLY_IN_MALTA}",
    ]:
        assert api.get(url).status_code == 401, url
    assert api.delete(f"/api/v1/documents/{document.pk}/").status_code == 401
    assert snapshot(media_root) == before


# Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name, params, listed",
    [
        ("strategies:reader", {}, "passages"),
        ("strategies:reader", {"q": "national"}, "passages"),
        ("strategies:passage-search", {"q": "national"}, "results"),
    ],
)
def test_the_reader_and_the_search_make_as_many_queries_for_many_passages_as_for_few(
    client,
    assessor,
    maltese,
    store,
    url_name,
    params,
    listed,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    client.force_login(assessor)
    url = reverse(url_name, args=[maltese.pk] if url_name == "strategies:reader" else [])
    with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as queries:
        few = list(client.get(url, params).context[listed])
    assert few

    # Two more documents (more than twice the passages): the same queries.
    store(maltese, assessor, documents.docx_document(), "annex.docx")
    store(maltese, assessor, documents.text_document(), "action-plan.txt")
    assert Passage.objects.count() > 2 * len(documents.pdf_passages())
    with django_assert_num_queries(len(queries)):
        many = list(client.get(url, params).context[listed])
    assert len(many) > len(few)
    assert {p.document.original_name for p in many} == {
        "malta-strategy.pdf",
        "annex.docx",
        "action-plan.txt",
    }


def test_a_search_with_a_nul_byte_still_answers_and_stays_in_scope(
    client, assessor, ministry_kenya, maltese, passage
):
    """A NUL byte in `q` (PostgreSQL refuses it in a query) is read as a space."""
    query = {"q": f"{documents.WORD_ONLY_IN_MALTA}\x00youth"}
    client.force_login(assessor)
    search = client.get(reverse("strategies:passage-search"), query)
    assert search.status_code == 200
    assert search.context["results"] == [passage]
    reader = client.get(reverse("strategies:reader", args=[maltese.pk]), query)
    assert list(reader.context["passages"]) == [passage]
    api = api_client(assessor).get("/api/v1/passages/", query)
    assert [p["id"] for p in api.json()["results"]] == [passage.pk]

    client.force_login(ministry_kenya)
    assert client.get(reverse("strategies:passage-search"), query).context["results"] == []
    assert api_client(ministry_kenya).get("/api/v1/passages/", query).json()["count"] == 0
