"""The workflow: draft → in review → shared → finalized, reopening, observations."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments.models import Assessment, AssessmentEvent, Observation, Score
from assessments.services import (
    ScoreInput,
    assessment_reopen,
    assessment_transition,
    observation_add,
    score_save,
)
from tests.factories import make_assessment

pytestmark = [pytest.mark.core, pytest.mark.django_db]

S = Assessment.Status


@pytest.fixture
def assessment(malta, assessor, reviewer):
    return make_assessment(jurisdiction=malta, assessors=[assessor], reviewer=reviewer)


def test_the_full_path_is_recorded(assessment, assessor, reviewer):
    assessment_transition(assessment=assessment, user=assessor, to_status=S.IN_REVIEW)
    assessment_transition(assessment=assessment, user=reviewer, to_status=S.SHARED)
    assessment_transition(assessment=assessment, user=reviewer, to_status=S.FINALIZED)
    assessment.refresh_from_db()
    assert assessment.status == S.FINALIZED and assessment.finalized_at
    moves = list(
        AssessmentEvent.objects.filter(assessment=assessment, action="status").values_list(
            "actor__username", "from_status", "to_status"
        )
    )
    assert moves == [
        (assessor.username, S.DRAFT, S.IN_REVIEW),
        (reviewer.username, S.IN_REVIEW, S.SHARED),
        (reviewer.username, S.SHARED, S.FINALIZED),
    ]


def test_assessors_cannot_share_or_finalize(assessment, assessor):
    assessment_transition(assessment=assessment, user=assessor, to_status=S.IN_REVIEW)
    for target in (S.SHARED, S.FINALIZED, S.DRAFT):
        with pytest.raises(PermissionDenied):
            assessment_transition(assessment=assessment, user=assessor, to_status=target)
    assessment.refresh_from_db()
    assert assessment.status == S.IN_REVIEW


def test_skipping_a_step_is_refused(assessment, reviewer):
    with pytest.raises(PermissionDenied):
        assessment_transition(assessment=assessment, user=reviewer, to_status=S.SHARED)


def finalize(assessment, assessor, reviewer):
    assessment_transition(assessment=assessment, user=assessor, to_status=S.IN_REVIEW)
    assessment_transition(assessment=assessment, user=reviewer, to_status=S.FINALIZED)
    assessment.refresh_from_db()


def test_finalized_is_read_only_in_the_service_and_the_model(assessment, assessor, reviewer):
    score = assessment.scores.first()
    finalize(assessment, assessor, reviewer)
    from assessments.services import AssessmentLocked

    with pytest.raises(AssessmentLocked, match="finalized and read-only"):
        score_save(
            score=score,
            user=assessor,
            expected_version=0,
            data=ScoreInput(None, "", "changed", "", ""),
        )
    score.evidence = "changed behind the service's back"
    with pytest.raises(ValidationError):
        score.save()
    assessment.title = "renamed"
    with pytest.raises(ValidationError):
        assessment.save()
    assert not Score.objects.filter(evidence__startswith="changed").exists()


def test_finalized_is_read_only_in_the_checklist_and_the_admin(
    client, assessment, assessor, reviewer, admin_user
):
    score = assessment.scores.first()
    finalize(assessment, assessor, reviewer)
    client.force_login(assessor)
    checklist = client.get(reverse("assessments:checklist", args=[assessment.pk]))
    assert "finalized and read-only" in checklist.content.decode()
    assert b"data-autosave" not in checklist.content
    response = client.post(
        reverse("assessments:score-save", args=[assessment.pk, score.pk]),
        {"version": 0, "justification": "late edit"},
        HTTP_X_AUTOSAVE="1",
    )
    assert response.status_code == 403
    assert response.json() == {
        "status": "locked",
        "message": "This assessment is finalized and read-only.",
    }
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    url = reverse("admin:assessments_score_change", args=[score.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # shown read-only, no save button
    assert client.post(url, {"justification": "admin edit"}).status_code == 403
    assessment_url = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    assert client.post(assessment_url, {"title": "admin rename"}).status_code == 403
    score.refresh_from_db()
    assert score.justification == ""


def test_reopening_creates_a_new_revision_and_keeps_the_finalized_one(
    assessment, assessor, reviewer
):
    score = assessment.scores.order_by("principle__order").first()
    level = assessment.scale.levels.get(code="2")
    score_save(
        score=score,
        user=assessor,
        expected_version=0,
        data=ScoreInput(level, "Partial", "quote", "p. 2", ""),
    )
    finalize(assessment, assessor, reviewer)
    with pytest.raises(PermissionDenied):
        assessment_reopen(assessment=assessment, user=assessor)
    revision = assessment_reopen(assessment=assessment, user=reviewer)
    assert (revision.revision, revision.status) == (2, S.DRAFT)
    assert revision.previous_revision == assessment
    copied = revision.scores.get(principle=score.principle)
    assert (copied.level, copied.justification, copied.version) == (level, "Partial", 0)
    assert set(revision.assessors.all()) == {assessor}
    assessment.refresh_from_db()
    assert assessment.status == S.FINALIZED
    with pytest.raises(PermissionDenied):
        assessment_reopen(assessment=assessment, user=reviewer)  # only once


def test_observations_only_while_shared_and_kept_apart(
    assessment, assessor, reviewer, ministry_malta
):
    with pytest.raises(PermissionDenied):
        observation_add(assessment=assessment, user=ministry_malta, text="Too early")
    assessment_transition(assessment=assessment, user=assessor, to_status=S.IN_REVIEW)
    assessment_transition(assessment=assessment, user=reviewer, to_status=S.SHARED)
    principle = assessment.framework.principles.first()
    observation_add(
        assessment=assessment,
        user=ministry_malta,
        text="Our new law covers this.",
        principle=principle,
    )
    assert Observation.objects.get().principle == principle
    assert not Score.objects.filter(justification__contains="new law").exists()
    with pytest.raises(PermissionDenied):
        observation_add(assessment=assessment, user=assessor, text="Not a ministry")


def test_workflow_buttons_follow_the_rules(client, assessment, assessor, reviewer):
    client.force_login(assessor)
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "Move to “In review”" in page
    client.post(reverse("assessments:transition", args=[assessment.pk]), {"to": S.IN_REVIEW})
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "Move to" not in page
    response = client.post(
        reverse("assessments:transition", args=[assessment.pk]),
        {"to": S.FINALIZED, "confirmed": "1"},
        follow=True,
    )
    assert "You cannot move this assessment" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == S.IN_REVIEW


def test_finalizing_asks_for_confirmation_first(client, assessment, assessor, reviewer):
    assessment_transition(assessment=assessment, user=assessor, to_status=S.IN_REVIEW)
    client.force_login(reviewer)
    url = reverse("assessments:transition", args=[assessment.pk])
    asked = client.post(url, {"to": S.FINALIZED})
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Only a reopen, which starts a new revision" in html
    assert 'name="confirmed" value="1"' in html and "Yes, move to “Finalized”" in html
    assessment.refresh_from_db()
    assert assessment.status == S.IN_REVIEW  # nothing happened yet
    done = client.post(url, {"to": S.FINALIZED, "confirmed": "1"})
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == S.FINALIZED
    # A move a reopen is not needed to undo goes at once.
    other = make_assessment(
        jurisdiction=assessment.jurisdiction, assessors=[assessor], reviewer=reviewer
    )
    assessment_transition(assessment=other, user=assessor, to_status=S.IN_REVIEW)
    assert (
        client.post(
            reverse("assessments:transition", args=[other.pk]), {"to": S.SHARED}
        ).status_code
        == 302
    )
    other.refresh_from_db()
    assert other.status == S.SHARED
