"""An assessment as OSCAL 1.2 assessment results: valid for compliance-trestle's models, one
finding per item with its level and evidence, the jurisdiction and sharing marked, the
jurisdiction's observations only for those who may see them, scoped like every export."""

import json

import pytest
import yaml
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from trestle.oscal.assessment_results import AssessmentResults

from assessments.interop import assessment_results
from assessments.models import Observation
from assessments.services import ScoreInput, score_save
from ctframework import roles
from tests.factories import UserFactory, grant, make_assessment

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def assessment(malta, assessor):
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=3)
    scores = list(assessment.scores.order_by("principle__order"))
    levels = {level.code: level for level in assessment.scale.levels.all()}
    top = max((lv for lv in levels.values() if lv.value is not None), key=lambda lv: lv.value)
    score_save(
        score=scores[0],
        user=assessor,
        expected_version=0,
        data=ScoreInput(levels["2"], "Partly, in the 2019 plan.", "The plan says so.", "p. 3", ""),
    )
    score_save(
        score=scores[1],
        user=assessor,
        expected_version=0,
        data=ScoreInput(top, "Fully.", "", "", "Keep it."),
    )
    Observation.objects.create(
        assessment=assessment, author=UserFactory(), text="We disagree on item 2."
    )
    return assessment


def valid(document: dict) -> AssessmentResults:
    assert set(document) == {"assessment-results"}
    return AssessmentResults.model_validate(document["assessment-results"])


def test_the_results_hold_a_finding_per_item_with_level_and_evidence(assessment):
    document = assessment_results(assessment, name_editors=True, with_observations=False)
    results = valid(document)
    props = {p.name: p.value for p in results.metadata.props}
    assert props["marking"] == "confidential" and props["jurisdiction"] == "MLT"
    assert props["sharing"] == "confidential"
    (result,) = results.results
    findings = result.findings
    assert len(findings) == 3
    first, second, third = findings
    first_props = {p.name: p.value for p in first.props}
    assert (first_props["level"], first_props["level-value"]) == ("2", "2")
    assert first.description == "Partly, in the 2019 plan."
    assert first.target.status.state.value == "not-satisfied"
    (evidence,) = [
        o for o in result.observations if o.uuid == first.related_observations[0].observation_uuid
    ]
    assert evidence.relevant_evidence[0].description == "The plan says so. (p. 3)"
    assert second.target.status.state.value == "satisfied" and second.remarks == "Keep it."
    assert {p.name: p.value for p in third.props}["scored"] == "false"
    assert third.target.status is None
    # The jurisdiction's observations are left out unless the user may see them.
    assert not any("We disagree" in o.description for o in result.observations)
    shown = assessment_results(assessment, name_editors=True, with_observations=True)
    observations = valid(shown).results[0].observations
    assert any(o.description == "We disagree on item 2." for o in observations)


def test_the_assessment_page_and_the_api_offer_the_results(client, assessment, assessor):
    client.force_login(assessor)
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    url = reverse("assessments:export", args=[assessment.pk, "oscal"])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response["Content-Disposition"] == (
        f'attachment; filename="mlt-assessment-{assessment.pk}.oscal.json"'
    )
    valid(json.loads(response.content))
    as_yaml = client.get(reverse("assessments:export", args=[assessment.pk, "oscal-yaml"]))
    valid(yaml.safe_load(as_yaml.content))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=assessor)[0].key}")
    answer = api.get(f"/api/v1/assessments/{assessment.pk}/exports/oscal/")
    assert answer.status_code == 200
    valid(json.loads(answer.content))


def test_an_outsider_gets_404_for_the_results(client, assessment, kenya):
    client.force_login(grant(UserFactory(username="kofi"), roles.ASSESSOR, kenya))
    response = client.get(reverse("assessments:export", args=[assessment.pk, "oscal"]))
    assert response.status_code == 404
    assert b"MLT" not in response.content
