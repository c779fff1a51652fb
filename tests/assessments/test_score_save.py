"""Saving a score: optimistic locking, history, validation — nothing is ever lost silently."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from assessments.models import Score, ScoreChange
from assessments.services import AssessmentLocked, ScoreConflict, ScoreInput, score_save
from ctframework import roles
from tests.factories import UserFactory, grant, make_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(malta, assessor):
    return make_assessment(jurisdiction=malta, assessors=[assessor], principles=4)


def level(assessment, code):
    return assessment.scale.levels.get(code=code)


def data(assessment, code="3", justification="Measures are named.", **extra):
    return ScoreInput(
        level=level(assessment, code) if code else None,
        justification=justification,
        evidence=extra.get("evidence", "“The Ministry shall …” (p. 4)"),
        location=extra.get("location", "p. 4"),
        recommendation=extra.get("recommendation", ""),
    )


def first_score(assessment) -> Score:
    return assessment.scores.order_by("principle__order").first()


@pytest.mark.core
def test_save_bumps_version_and_records_history(assessment, assessor):
    score = first_score(assessment)
    saved = score_save(score=score, user=assessor, expected_version=0, data=data(assessment))
    assert saved.version == 1
    assert saved.level.code == "3"
    assert saved.updated_by == assessor
    change = ScoreChange.objects.get(score=score)
    assert change.version == 1
    assert change.changed_by == assessor
    assert change.changes["justification"] == ["", "Measures are named."]
    assert change.changes["level"] == [None, "3 · Largely addressed"]


@pytest.mark.core
def test_stale_version_is_refused_and_nothing_is_overwritten(assessment, assessor):
    other = grant(UserFactory(username="second-assessor"), roles.ASSESSOR, assessment.jurisdiction)
    assessment.assessors.add(other)
    score = first_score(assessment)
    score_save(score=score, user=assessor, expected_version=0, data=data(assessment))
    with pytest.raises(ScoreConflict) as conflict:
        score_save(
            score=score,
            user=other,
            expected_version=0,
            data=data(assessment, "1", "Only mentioned."),
        )
    assert conflict.value.current.justification == "Measures are named."
    score.refresh_from_db()
    assert (score.version, score.justification) == (1, "Measures are named.")
    assert ScoreChange.objects.filter(score=score).count() == 1


@pytest.mark.core
def test_an_unchanged_save_writes_no_history(assessment, assessor):
    score = first_score(assessment)
    score_save(score=score, user=assessor, expected_version=0, data=data(assessment))
    again = score_save(score=score, user=assessor, expected_version=1, data=data(assessment))
    assert again.version == 1
    assert ScoreChange.objects.filter(score=score).count() == 1


@pytest.mark.core
def test_a_level_needs_a_justification(assessment, assessor):
    from django.core.exceptions import ValidationError

    score = first_score(assessment)
    with pytest.raises(ValidationError, match="justification"):
        score_save(
            score=score, user=assessor, expected_version=0, data=data(assessment, justification=" ")
        )
    score.refresh_from_db()
    assert score.version == 0 and score.level is None


@pytest.mark.core
def test_unassigned_assessor_cannot_save(assessment, malta):
    outsider = grant(UserFactory(username="unassigned"), roles.ASSESSOR, malta)
    with pytest.raises(AssessmentLocked):
        score_save(
            score=first_score(assessment), user=outsider, expected_version=0, data=data(assessment)
        )


@pytest.mark.core
def test_conflict_over_http_shows_both_values(client, assessment, assessor):
    client.force_login(assessor)
    score = first_score(assessment)
    url = reverse("assessments:score-save", args=[assessment.pk, score.pk])
    fields = {
        "version": 0,
        "level": level(assessment, "2").pk,
        "justification": "Mine first",
        "evidence": "",
        "location": "",
        "recommendation": "",
    }
    assert client.post(url, fields, HTTP_X_AUTOSAVE="1").json()["status"] == "saved"
    stale = {**fields, "justification": "Typed on another tab"}
    response = client.post(url, stale, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "conflict"
    assert body["current"]["justification"] == "Mine first"
    assert body["current"]["version"] == 1
    # Without JavaScript the same conflict renders both values on a page.
    page = client.post(url, stale)
    html = page.content.decode()
    assert page.status_code == 409
    assert "Mine first" in html and "Typed on another tab" in html
    score.refresh_from_db()
    assert score.justification == "Mine first"


@pytest.mark.core
def test_plain_form_post_saves_and_redirects_to_the_item(client, assessment, assessor):
    client.force_login(assessor)
    score = first_score(assessment)
    url = reverse("assessments:score-save", args=[assessment.pk, score.pk])
    response = client.post(
        url,
        {"version": 0, "level": level(assessment, "4").pk, "justification": "All present"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{score.principle.code}")
    score.refresh_from_db()
    assert score.level.code == "4"


@pytest.mark.core
def test_history_page_lists_old_and_new_values(client, assessment, assessor):
    client.force_login(assessor)
    score = first_score(assessment)
    score_save(score=score, user=assessor, expected_version=0, data=data(assessment))
    score_save(
        score=score, user=assessor, expected_version=1, data=data(assessment, "4", "Now complete")
    )
    html = client.get(
        reverse("assessments:score-history", args=[assessment.pk, score.pk])
    ).content.decode()
    assert "Version 2" in html and "Version 1" in html
    assert "Measures are named." in html and "Now complete" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_two_threads_racing_have_exactly_one_winner(malta, assessor):
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=1)
    score = first_score(assessment)
    barrier = threading.Barrier(2)
    outcomes = []

    def save(text):
        from django.db import connections

        try:
            barrier.wait()
            score_save(
                score=score,
                user=assessor,
                expected_version=0,
                data=data(assessment, justification=text),
            )
            outcomes.append(("saved", text))
        except ScoreConflict:
            outcomes.append(("conflict", text))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o[0] for o in outcomes) == ["conflict", "saved"]
    winner = next(text for outcome, text in outcomes if outcome == "saved")
    score.refresh_from_db()
    assert (score.version, score.justification) == (1, winner)
    assert ScoreChange.objects.filter(score=score).count() == 1
