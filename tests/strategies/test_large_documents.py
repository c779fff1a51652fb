"""A large but allowed document does not take the server down: a cap on paragraphs per
document, readers and the coverage map a page at a time, and each page's queries and size
independent of the document's length. (The limits here are small, set through settings; the
real cap, 50,000, is measured in bench/large_document.py.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strategies.models import StrategyDocument
from tests.assessments.evidence_world import make_world

pytestmark = [pytest.mark.core, pytest.mark.django_db]

CAP, PAGE = 60, 20


@pytest.fixture(autouse=True)
def small_limits(settings, tmp_path):
    settings.MAX_PASSAGES_PER_DOCUMENT = CAP
    settings.READER_PAGE_SIZE = PAGE
    settings.MEDIA_ROOT = tmp_path


def text_of(paragraphs: int) -> str:
    return "\n\n".join(
        f"Paragraph {n}: the ferry operators at port {n} will screen passengers and report "
        "suspicious behaviour to the coastguard."
        for n in range(1, paragraphs + 1)
    )


def world_of(paragraphs, malta, assessor):
    return make_world(jurisdiction=malta, assessor=assessor, text=text_of(paragraphs))


def test_a_document_over_the_cap_is_refused_with_a_message(malta, assessor):
    with pytest.raises(AssertionError, match="at most 60 are accepted"):
        world_of(CAP + 1, malta, assessor)
    document = StrategyDocument.objects.get()
    assert document.status == StrategyDocument.Status.FAILED
    assert "has 61 paragraphs and headings; at most 60 are accepted" in document.error
    assert not document.passages.exists() and not document.file


def cost(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), len(response.content)


PAGES = {
    "reader": lambda w: reverse("assessments:reader", args=[w.assessment.pk]),
    "strategy reader": lambda w: reverse("strategies:reader", args=[w.assessment.strategy_id]),
    "coverage": lambda w: reverse("assessments:coverage", args=[w.assessment.pk]),
    "checklist": lambda w: reverse("assessments:checklist", args=[w.assessment.pk]),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_queries_and_size_do_not_grow_with_the_document(client, malta, assessor, page):
    small = world_of(PAGE, malta, assessor)
    client.force_login(assessor)
    few = cost(client, PAGES[page](small))
    StrategyDocument.objects.all().delete()
    large = world_of(CAP, malta, assessor)
    many = cost(client, PAGES[page](large))
    assert many[0] <= few[0], (page, few, many)
    assert many[1] < few[1] * 1.3, (page, few, many)  # one page of passages, not all of them


def test_the_readers_page_through_the_text_and_open_the_page_of_a_passage(client, malta, assessor):
    world = world_of(CAP, malta, assessor)
    client.force_login(assessor)
    url = reverse("assessments:reader", args=[world.assessment.pk])
    first = client.get(url).content.decode()
    assert "Paragraph 1:" in first and f"Paragraph {PAGE + 1}:" not in first
    assert "Page <bdi>1</bdi> of <bdi>3</bdi>" in first and 'rel="next"' in first
    third = client.get(url, {"page": 3}).content.decode()
    assert f"Paragraph {CAP}:" in third and "Paragraph 1:" not in third
    target = world.document.passages.get(position=45)
    opened = client.get(url, {"passage": target.pk}).content.decode()
    assert f'id="passage-{target.pk}"' in opened and "Page <bdi>3</bdi> of <bdi>3</bdi>" in opened
    strategy = reverse("strategies:reader", args=[world.assessment.strategy_id])
    assert (
        f'id="passage-{target.pk}"' in client.get(strategy, {"passage": target.pk}).content.decode()
    )
    # A search is paged too, and a page past the end shows the last one.
    found = client.get(url, {"q": "ferry", "page": 99}).content.decode()
    assert "Page <bdi>3</bdi> of <bdi>3</bdi>" in found and "q=ferry&amp;page=2" in found


def test_the_coverage_map_counts_every_unmapped_paragraph_but_lists_a_page(client, malta, assessor):
    world = world_of(CAP, malta, assessor)
    client.force_login(assessor)
    html = client.get(reverse("assessments:coverage", args=[world.assessment.pk])).content.decode()
    assert f"{CAP} of {CAP} paragraphs of the strategy map to no principle" in html
    assert html.count("?passage=") == PAGE
