"""An assessment filled in offline: the XLSX export uploaded back shows a preview and saves
nothing; confirmed, it saves through the versioned save with the uploader in the history; an
item saved online since the export is a conflict, never overwritten; another assessment's
file, an altered file, a formula, an unknown level are refused with their place; only those
who may edit the scores upload, and an outsider gets 404."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import ScoreChange
from assessments.services import ScoreInput, score_save
from ctframework import roles
from tests.factories import UserFactory, grant, make_assessment

pytestmark = [pytest.mark.core, pytest.mark.django_db]


@pytest.fixture
def assessment(malta, assessor):
    return make_assessment(jurisdiction=malta, assessors=[assessor], principles=3)


def exported(client, assessment) -> bytes:
    response = client.get(reverse("assessments:export", args=[assessment.pk, "xlsx"]))
    assert response.status_code == 200
    return response.content


def edited(content: bytes, cells: dict[str, object]) -> io.BytesIO:
    """The workbook with some cells of the sheet Scores changed, as a file to upload."""
    book = load_workbook(io.BytesIO(content))
    for coordinate, value in cells.items():
        book["Scores"][coordinate] = value
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "filled.xlsx"
    return out


def columns(content: bytes) -> dict[str, str]:
    """Column letters of the sheet Scores by header."""
    sheet = load_workbook(io.BytesIO(content))["Scores"]
    return {cell.value: cell.column_letter for cell in sheet[1]}


def upload(client, assessment, file):
    return client.post(reverse("assessments:offline-upload", args=[assessment.pk]), {"file": file})


def confirm(client, assessment, response):
    token = response.context["preview"].token
    return client.post(reverse("assessments:offline-apply", args=[assessment.pk]), {"token": token})


def test_a_filled_in_export_is_previewed_then_saved_with_the_uploader_in_the_history(
    client, assessment, assessor
):
    client.force_login(assessor)
    content = exported(client, assessment)
    col = columns(content)
    partly = assessment.scale.levels.get(code="2")
    file = edited(
        content,
        {
            f"{col['level']}2": partly.label,
            f"{col['justification']}2": "Written offline.",
            f"{col['recommendation']}3": "Add a review clause.",
        },
    )
    response = upload(client, assessment, file)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [c.fields for c in preview.changes] == [
        {"justification": ("", "Written offline."), "level": ("", partly.label)},
        {"recommendation": ("", "Add a review clause.")},
    ]
    assert preview.unchanged == 1 and not preview.conflicts
    assert "Written offline." in response.content.decode()
    assert not ScoreChange.objects.exists()  # nothing saved before the confirmation

    response = confirm(client, assessment, response)
    assert response.status_code == 302
    first, second, _third = assessment.scores.order_by("principle__order")
    first.refresh_from_db()
    assert (first.level, first.justification) == (partly, "Written offline.")
    assert [c.changed_by for c in ScoreChange.objects.all()] == [assessor, assessor]


def test_an_item_saved_online_since_the_export_is_a_conflict_and_is_kept(
    client, assessment, assessor
):
    client.force_login(assessor)
    content = exported(client, assessment)
    col = columns(content)
    first = assessment.scores.order_by("principle__order").first()
    score_save(
        score=first,
        user=assessor,
        expected_version=0,
        data=ScoreInput(None, "Saved online meanwhile.", "", "", ""),
    )
    file = edited(
        content,
        {f"{col['justification']}2": "Offline text.", f"{col['justification']}3": "Second."},
    )
    response = upload(client, assessment, file)
    preview = response.context["preview"]
    assert [c.code for c in preview.conflicts] == [first.principle.code]
    assert len(preview.applicable) == 1
    assert "Conflict: not saved" in response.content.decode()
    confirm(client, assessment, response)
    first.refresh_from_db()
    assert first.justification == "Saved online meanwhile."


def test_a_save_between_the_preview_and_the_confirmation_is_kept_too(client, assessment, assessor):
    client.force_login(assessor)
    content = exported(client, assessment)
    col = columns(content)
    response = upload(client, assessment, edited(content, {f"{col['justification']}2": "File."}))
    first = assessment.scores.order_by("principle__order").first()
    score_save(
        score=first, user=assessor, expected_version=0, data=ScoreInput(None, "Online.", "", "", "")
    )
    response = confirm(client, assessment, response)
    first.refresh_from_db()
    assert first.justification == "Online."
    follow = client.get(response["Location"])
    assert first.principle.code in follow.content.decode()


@pytest.fixture
def other(malta, assessor):
    return make_assessment(jurisdiction=malta, assessors=[assessor], principles=3)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("other-assessment", "This file is the export of another assessment"),
        ("tampered-record", "The file's record of its export was altered"),
        ("moved-row", "Scores row 2: the item"),
        ("formula", "a formula: type the value instead"),
        ("unknown-level", "is not a level of the scale"),
    ],
)
def test_a_wrong_or_altered_file_is_refused_with_its_place_and_saves_nothing(
    client, assessment, other, assessor, change, expected
):
    client.force_login(assessor)
    content = exported(client, assessment)
    col = columns(content)
    if change == "other-assessment":
        file = edited(exported(client, other), {})
    elif change == "tampered-record":
        book = load_workbook(io.BytesIO(content))
        book["ctframework"]["A1"] = book["ctframework"]["A1"].value[:-3] + "abc"
        out = io.BytesIO()
        book.save(out)
        out.seek(0)
        out.name = "x.xlsx"
        file = out
    elif change == "moved-row":
        sheet = load_workbook(io.BytesIO(content))["Scores"]
        file = edited(content, {f"{col['code']}2": sheet[f"{col['code']}3"].value})
    elif change == "formula":
        file = edited(content, {f"{col['justification']}2": "=1+1"})
    else:
        file = edited(content, {f"{col['level']}2": "Excellent"})
    response = upload(client, assessment, file)
    assert response.status_code == 400
    assert any(expected in problem for problem in response.context["problems"])
    assert not ScoreChange.objects.exists()


def test_only_those_who_edit_the_scores_upload_and_an_outsider_gets_404(
    client, assessment, assessor, reviewer, kenya
):
    client.force_login(assessor)
    content = exported(client, assessment)
    client.force_login(reviewer)
    assert upload(client, assessment, edited(content, {})).status_code == 403
    outsider = grant(UserFactory(username="kofi"), roles.ASSESSOR, kenya)
    client.force_login(outsider)
    assert upload(client, assessment, edited(content, {})).status_code == 404
    response = client.post(
        reverse("assessments:offline-apply", args=[assessment.pk]), {"token": "x"}
    )
    assert response.status_code == 404
    assert not ScoreChange.objects.exists()


def test_a_preview_cannot_be_replayed_by_another_user_or_altered(
    client, assessment, assessor, malta
):
    client.force_login(assessor)
    content = exported(client, assessment)
    col = columns(content)
    response = upload(client, assessment, edited(content, {f"{col['justification']}2": "X."}))
    token = response.context["preview"].token
    colleague = grant(UserFactory(username="amira"), roles.ASSESSOR, malta)
    assessment.assessors.add(colleague)
    client.force_login(colleague)
    apply = reverse("assessments:offline-apply", args=[assessment.pk])
    assert client.post(apply, {"token": token}).status_code == 302
    assert client.post(apply, {"token": token[:-2] + "xx"}).status_code == 302
    assert not ScoreChange.objects.exists()


def test_a_level_without_a_justification_is_refused_at_the_preview(client, assessment, assessor):
    client.force_login(assessor)
    content = exported(client, assessment)
    col = columns(content)
    code = assessment.scores.order_by("principle__order").first().principle.code
    response = upload(client, assessment, edited(content, {f"{col['level']}2": "2"}))
    assert response.status_code == 400
    assert response.context["problems"] == [
        f"Scores row 2 ({code}), justification: A score needs a short justification."
    ]


def test_a_confirmation_after_the_assessment_went_to_review_saves_nothing(
    client, assessment, assessor
):
    from assessments.models import Assessment
    from assessments.services import assessment_transition

    client.force_login(assessor)
    content = exported(client, assessment)
    col = columns(content)
    file = edited(content, {f"{col['justification']}2": "One.", f"{col['justification']}3": "Two."})
    response = upload(client, assessment, file)
    assessment_transition(
        assessment=assessment, user=assessor, to_status=Assessment.Status.IN_REVIEW
    )
    response = confirm(client, assessment, response)
    assert response.status_code in (302, 403)
    assert not ScoreChange.objects.exists()


@pytest.fixture
def shared(assessment):
    from assessments.models import Assessment

    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SHARED)
    assessment.refresh_from_db()
    return assessment


def test_a_ministry_reader_adds_observations_on_items_offline(client, shared, ministry_malta):
    from assessments.models import Observation

    client.force_login(ministry_malta)
    content = exported(client, shared)
    col = columns(content)
    assert "new_observation" in col
    file = edited(content, {f"{col['new_observation']}3": "Our 2024 decree covers this."})
    response = upload(client, shared, file)
    assert response.status_code == 200
    (change,) = response.context["preview"].changes
    assert change.fields == {"observation": ("", "Our 2024 decree covers this.")}
    assert not Observation.objects.exists()
    confirm(client, shared, response)
    (observation,) = Observation.objects.all()
    second = shared.scores.order_by("principle__order")[1]
    assert (observation.principle, observation.author) == (second.principle, ministry_malta)
    assert not ScoreChange.objects.exists()


def test_a_ministry_reader_changing_a_score_is_told_and_nothing_is_saved(
    client, shared, ministry_malta
):
    from assessments.models import Observation

    client.force_login(ministry_malta)
    content = exported(client, shared)
    col = columns(content)
    file = edited(
        content,
        {f"{col['justification']}2": "Better text.", f"{col['new_observation']}2": "Note."},
    )
    response = upload(client, shared, file)
    assert response.status_code == 400
    (problem,) = response.context["problems"]
    assert "only the column new_observation is read" in problem and "justification" in problem
    assert not Observation.objects.exists() and not ScoreChange.objects.exists()


def test_the_assessors_export_has_no_column_for_observations(client, shared, assessor):
    client.force_login(assessor)
    assert "new_observation" not in columns(exported(client, shared))
