"""Items that are not assessable (PG.3's requests to CTED) are shown but never scored or
counted: in the checklist, the gap analysis, the exports and the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from assessments import selectors
from assessments.services import ScoreInput, score_save
from principles.models import Principle
from tests.factories import make_assessment, make_framework

pytestmark = [pytest.mark.core, pytest.mark.django_db]


@pytest.fixture
def framework(db):
    framework = make_framework(principles=4, sections=2, slug="with-tasks")
    first, second, third, fourth = framework.principles.order_by("order")
    third.assessable = False  # a task item in an assessable section
    third.save()
    tasks = framework.sections.get(code="s1")  # second section: the tasks for CTED
    tasks.assessable = False
    tasks.save()
    return framework


def test_no_score_is_made_for_an_item_that_is_not_assessable(framework, malta, assessor):
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], framework=framework)
    assert sorted(assessment.scores.values_list("principle__code", flat=True)) == ["WIT-1"]


def test_the_checklist_shows_them_marked_without_a_form(client, framework, malta, assessor):
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], framework=framework)
    client.force_login(assessor)
    html = client.get(reverse("assessments:checklist", args=[assessment.pk])).content.decode()
    assert html.count("Not assessable") == 3
    assert html.count('class="score-form"') == 1
    assert 'id="item-WIT-3"' in html and "never scored or counted" in html
    assert "1 of" not in html.replace("0 of 1 scored", "")  # the task section has no progress


def test_a_score_made_before_the_item_was_marked_counts_nowhere(framework, malta, assessor):
    Principle.objects.filter(framework=framework).update(assessable=True)
    framework.sections.update(assessable=True)
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], framework=framework)
    level = assessment.scale.levels.get(code="4")
    for score in assessment.scores.all():
        score_save(
            score=score,
            user=assessor,
            expected_version=0,
            data=ScoreInput(level, "Fully done.", "", "", ""),
        )
    Principle.objects.filter(framework=framework, code="WIT-3").update(assessable=False)
    analysis = selectors.assessment_gap_analysis(assessment)
    assert analysis.overall.total == 3 and analysis.overall.scored == 3
    client = APIClient()
    client.force_authenticate(assessor)
    scores = client.get(f"/api/v1/assessments/{assessment.pk}/scores/").json()
    assert sorted(s["code"] for s in scores["results"]) == ["WIT-1", "WIT-2", "WIT-4"]
    export = client.get(f"/api/v1/assessments/{assessment.pk}/exports/csv/").content.decode()
    assert "WIT-3" not in export and "WIT-1" in export


def test_the_api_and_the_library_say_which_items_are_not_assessable(client, framework):
    principles = APIClient().get("/api/v1/principles/", {"framework": framework.pk}).json()
    assert {p["code"]: p["assessable"] for p in principles["results"]} == {
        "WIT-1": True,
        "WIT-2": False,
        "WIT-3": False,
        "WIT-4": False,
    }
    page = client.get(framework.get_absolute_url()).content.decode()
    assert "Not assessable: tasks for a United Nations body" in page
    assert page.count('<span class="badge">Not assessable</span>') == 1
