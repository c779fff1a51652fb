"""The project's own 404 page in the embedded default, the favicon, the strategy's period,
and search results that show what matched."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import StrategyFactory

pytestmark = [pytest.mark.core, pytest.mark.django_db]


@override_settings(DEBUG=True)
def test_out_of_scope_pages_show_the_projects_404_even_with_debug_on(client, ministry_kenya, malta):
    maltese = StrategyFactory(jurisdiction=malta, title="Maltese strategy")
    client.force_login(ministry_kenya)
    for url in (reverse("strategies:detail", args=[maltese.pk]), "/no/such/page/"):
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "There is nothing here, or nothing you have access to." in html
        assert "URLconf" not in html and "Maltese strategy" not in html
    assert client.get("/api/v1/strategies/999/").json() == {"detail": "Not found."}


def test_the_favicon(client):
    assert 'rel="icon" href="/static/favicon.svg"' in client.get(reverse("login")).content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"


def test_the_strategy_page_shows_the_period(client, assessor, malta):
    strategy = StrategyFactory(jurisdiction=malta, period_start=2024, period_end=2028)
    client.force_login(assessor)
    html = client.get(reverse("strategies:detail", args=[strategy.pk])).content.decode()
    assert "<dt>Period</dt><dd><bdi>2024–2028</bdi></dd>" in html


def test_search_results_mark_what_matched_and_escape_the_text(
    client, assessor, malta, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from strategies.services import document_upload

    settings.MEDIA_ROOT = tmp_path
    text = (
        "Ports\n\nThe coastguard <script>alert(1)</script> screens every ferry at the port, "
        "and ferries carrying cargo are searched twice."
    )
    with django_capture_on_commit_callbacks(execute=True):  # the extraction task
        document_upload(
            strategy=StrategyFactory(jurisdiction=malta),
            user=assessor,
            file=SimpleUploadedFile("s.txt", text.encode()),
        )
    client.force_login(assessor)
    html = client.get(reverse("strategies:passage-search"), {"q": "ferry"}).content.decode()
    assert "<mark>ferry</mark>" in html
    assert "<script>alert(1)</script>" not in html  # escaped, or dropped by PostgreSQL
