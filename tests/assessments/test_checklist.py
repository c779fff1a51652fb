"""The checklist page: query count independent of size, progress, filters, related guidance."""

import pytest
from django.urls import reverse

from assessments.services import ScoreInput, score_save
from principles.models import CrossReference, Tag
from tests.factories import make_assessment, make_framework

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def checklist_queries(client, django_assert_num_queries, assessment, expected):
    with django_assert_num_queries(expected):
        response = client.get(reverse("assessments:checklist", args=[assessment.pk]))
    assert response.status_code == 200
    return response


def test_query_count_is_the_same_for_10_and_200_principles(
    client, malta, assessor, django_assert_num_queries
):
    client.force_login(assessor)
    small = make_assessment(jurisdiction=malta, assessors=[assessor], principles=10)
    large = make_assessment(jurisdiction=malta, assessors=[assessor], principles=200)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        client.get(reverse("assessments:checklist", args=[small.pk]))
    with CaptureQueriesContext(connection) as large_queries:
        client.get(reverse("assessments:checklist", args=[large.pk]))
    assert len(small_queries) == len(large_queries)
    checklist_queries(client, django_assert_num_queries, large, len(small_queries))
    assert len(small_queries) <= 12


def test_progress_and_unscored_filter(client, malta, assessor):
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=4)
    first = assessment.scores.order_by("principle__order").first()
    score_save(
        score=first,
        user=assessor,
        expected_version=0,
        data=ScoreInput(assessment.scale.levels.get(code="1"), "Mentioned", "", "", ""),
    )
    client.force_login(assessor)
    url = reverse("assessments:checklist", args=[assessment.pk])
    html = client.get(url).content.decode()
    assert "<bdi data-scored>1</bdi> of <bdi>4</bdi> scored" in html
    unscored = client.get(url, {"show": "unscored"}).content.decode()
    assert f'id="item-{first.principle.code}"' not in unscored
    assert unscored.count('class="item') == 3


def test_tag_filter(client, malta, assessor):
    framework = make_framework(4)
    gender = Tag.objects.create(slug="gender", name="Gender")
    tagged = framework.principles.order_by("order").last()
    tagged.tags.add(gender)
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], framework=framework)
    client.force_login(assessor)
    html = client.get(
        reverse("assessments:checklist", args=[assessment.pk]), {"tag": "gender"}
    ).content.decode()
    assert html.count('class="item') == 1
    assert f'id="item-{tagged.code}"' in html


def test_related_guidance_is_shown_beside_the_principle(client, malta, assessor):
    framework = make_framework(2)
    other = make_framework(1, sections=1, slug="gctf-recs")
    source = framework.principles.order_by("order").first()
    target = other.principles.get()
    CrossReference.objects.create(
        source=source, target=target, relationship="superset-of", strength=8, rationale="Both."
    )
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], framework=framework)
    client.force_login(assessor)
    html = client.get(reverse("assessments:checklist", args=[assessment.pk])).content.decode()
    assert "Related guidance (1)" in html
    assert target.get_absolute_url() in html


def test_every_field_has_a_label_and_every_scale_a_legend(client, malta, assessor):
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=2)
    client.force_login(assessor)
    html = client.get(reverse("assessments:checklist", args=[assessment.pk])).content.decode()
    for score in assessment.scores.all():
        for field in ("justification", "evidence", "location", "recommendation"):
            assert f'<label for="{field}-{score.pk}">' in html
    assert html.count("<legend>Level</legend>") == 2
