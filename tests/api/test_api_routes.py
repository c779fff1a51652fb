"""Every API route, asked with a format suffix (`.json`), answers 404 and never 500."""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.factories import make_assessment

pytestmark = [pytest.mark.core, pytest.mark.django_db]

SAMPLE = {"fmt": "csv", "pk": None, "assessment_pk": None}


def api_routes(patterns=None, prefix=""):
    """Every route under /api/v1/ as a path template: "/api/v1/strategies/<pk>/documents/"."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            if route.startswith("api/") or "api/".startswith(route):
                yield from api_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
            yield "/" + route


def concrete(route: str, ids: dict) -> str:
    """A real URL for a route template, regex or path-converter style."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(ids[m.group(1)]), route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route)
    return route.replace("\\.", ".").replace("/?", "/")


def test_every_route_with_a_format_suffix_is_404(malta, assessor):
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=1)
    client = APIClient()
    client.force_authenticate(assessor)
    routes = sorted(set(api_routes()))
    assert len(routes) > 15
    tried = 0
    for route in routes:
        pk = uuid.uuid4() if route.startswith("/api/v1/reports/") else assessment.pk
        url = concrete(route, {**SAMPLE, "pk": pk, "assessment_pk": assessment.pk})
        if not url.endswith("/") or "format" in route:
            continue
        suffixed = url.rstrip("/") + ".json"
        for method in ("get", "post", "head"):
            response = getattr(client, method)(suffixed)
            assert response.status_code == 404, (method, suffixed, response.status_code)
            tried += 1
    for url in (
        "/api/v1/strategies/1/documents.json",
        f"/api/v1/assessments/{assessment.pk}/exports/csv.json",
        f"/api/v1/assessments/{assessment.pk}/transition.json",
        f"/api/v1/assessments/{assessment.pk}/reopen.json",
        f"/api/v1/assessments/{assessment.pk}/reports.json",
        f"/api/v1/reports/{uuid.uuid4()}/download.json",
    ):
        assert client.get(url).status_code == 404, url
    assert tried > 45


@pytest.mark.parametrize("url", ["/api/v1/passages/", "/api/v1/assessments/", "/api/v1/documents/"])
def test_a_filter_that_is_not_an_id_is_a_400(assessor, url):
    client = APIClient()
    client.force_authenticate(assessor)
    response = client.get(url, {"strategy": "abc"})
    assert response.status_code == 400
    assert response.json() == {"strategy": ["Enter a number."]}
