"""The public principle library: pages, cross-references both ways, search, query counts."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests.factories import PrincipleFactory, SectionFactory

pytestmark = [pytest.mark.core, pytest.mark.django_db]

LIBRARY = [
    "valletta-2025-crosswalk",  # carries every framework it links
    "valletta-principles-2025",
]


@pytest.fixture
def library(db):
    call_command("loaddata", *LIBRARY, verbosity=0)


def test_the_library_is_public(client, library):
    html = client.get(reverse("principles:framework-list")).content.decode()
    assert (
        "Valletta Principles on Comprehensive and Integrated Counter-Terrorism Strategies" in html
    )
    assert "Policy Guidance" in html


def test_framework_page_lists_sections_and_principles(client, library):
    url = reverse("principles:framework", args=["valletta-principles", "2025"])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="principle-list"') == 5  # 3 sections, 2 regional sub-sections
    assert "Role of parliamentarians in the development and implementation" in html


def test_principle_page_shows_text_and_links_in_both_directions(client, library):
    vp28 = client.get(
        reverse("principles:principle", args=["valletta-principles", "2025", "VP-28"])
    )
    html = vp28.content.decode()
    assert "Principle <bdi>28</bdi>:" in html and ">Role of parliamentarians" in html
    assert html.count("/library/gctf-valletta-recommendations/1/VR-") >= 11
    vr1 = client.get(
        reverse("principles:principle", args=["gctf-valletta-recommendations", "1", "VR-1"])
    )
    assert "/library/valletta-principles/2025/VP-28/" in vr1.content.decode()


@pytest.mark.parametrize(
    "args",
    [["valletta-principles", "1999"], ["nothing", "2025"]],
)
def test_unknown_framework_is_404(client, library, args):
    assert client.get(reverse("principles:framework", args=args)).status_code == 404


def test_unknown_principle_is_404(client, library):
    url = reverse("principles:principle", args=["valletta-principles", "2025", "VP-99"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "query, expected_first",
    [
        ("parliament oversight", {"VR-9", "VP-28"}),
        ("victims", {"VP-22"}),
        ("extradition", {"PG3-f", "PG3-g", "PG3-h", "PG3-i", "PG3-j"}),
        ("regional secretariat", {"VP-40"}),
        ("youth", {"VP-24"}),
    ],
)
def test_search_ranks_the_obvious_principle_first(client, library, query, expected_first):
    response = client.get(reverse("principles:search"), {"q": query})
    results = response.context["results"]
    assert results, f"nothing found for {query!r} on {connection.vendor}"
    assert results[0].code in expected_first, [p.code for p in results[:5]]


def test_search_with_htmx_returns_only_the_results_fragment(client, library):
    response = client.get(reverse("principles:search"), {"q": "victims"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<div id="search-results"' in html
    assert "<html" not in html


@pytest.mark.parametrize("query", ["", "   ", "!!!", "a" * 5000, "victims' & | :* ("])
def test_odd_queries_do_not_fail(client, library, query):
    assert client.get(reverse("principles:search"), {"q": query}).status_code == 200


def test_query_counts_do_not_grow_with_the_library(client, django_assert_num_queries):
    section = SectionFactory()
    PrincipleFactory.create_batch(5, section=section)
    url = reverse("principles:framework", args=[section.framework.slug, section.framework.version])
    # The set, its sections, its items, their tags, other versions, whether it has a crosswalk.
    with django_assert_num_queries(6):
        client.get(url)
    PrincipleFactory.create_batch(50, section=section)
    with django_assert_num_queries(6):
        client.get(url)
    with django_assert_num_queries(1):
        client.get(reverse("principles:framework-list"))
