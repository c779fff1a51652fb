"""The API applies the browser's rules: scoping (404), locking, workflow, finalized."""

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments.models import Assessment, Report, Score
from assessments.services import assessment_transition
from strategies.models import Strategy
from tests.factories import StrategyFactory, make_assessment

pytestmark = [pytest.mark.core, pytest.mark.django_db]

S = Assessment.Status


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def maltese(malta, assessor, reviewer):
    return make_assessment(
        jurisdiction=malta, assessors=[assessor], reviewer=reviewer, principles=3
    )


@pytest.fixture
def report(maltese, assessor, django_capture_on_commit_callbacks):
    from assessments.services import report_request

    with django_capture_on_commit_callbacks(execute=True):
        return report_request(assessment=maltese, user=assessor)


def score_url(assessment, score=None):
    score = score or assessment.scores.order_by("principle__order").first()
    return f"/api/v1/assessments/{assessment.pk}/scores/{score.pk}/"


def test_drf_create_token_works(assessor):
    call_command("drf_create_token", assessor.username, stdout=StringIO())
    assert Token.objects.filter(user=assessor).exists()


def test_kenyan_token_gets_404_for_everything_maltese(maltese, report, ministry_kenya, kenya):
    client = token_client(ministry_kenya)
    strategy = maltese.strategy
    for url in [
        f"/api/v1/strategies/{strategy.pk}/",
        f"/api/v1/assessments/{maltese.pk}/",
        f"/api/v1/assessments/{maltese.pk}/scores/",
        score_url(maltese),
        f"/api/v1/assessments/{maltese.pk}/exports/csv/",
        f"/api/v1/reports/{report.pk}/",
        f"/api/v1/reports/{report.pk}/download/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}, url
    assert client.get("/api/v1/assessments/").json()["count"] == 0
    assert client.get("/api/v1/strategies/").json()["count"] == 0
    for url, body in [
        (f"/api/v1/assessments/{maltese.pk}/transition/", {"to": "in-review"}),
        (f"/api/v1/assessments/{maltese.pk}/reports/", {}),
    ]:
        assert client.post(url, body, format="json").status_code == 404
    assert client.patch(score_url(maltese), {"version": 0, "justification": "x"}).status_code == 404


def test_anonymous_gets_401_json_but_reads_the_library(maltese):
    client = APIClient()
    response = client.get("/api/v1/assessments/")
    assert response.status_code == 401
    assert "detail" in response.json()
    assert client.get("/api/v1/frameworks/").status_code == 200


def test_score_update_with_version_and_stale_version(maltese, assessor):
    client = token_client(assessor)
    url = score_url(maltese)
    body = {"version": 0, "level": "3", "justification": "Named bodies and budget."}
    first = client.patch(url, body, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["version"] == 1 and first.json()["level"] == "3"
    assert first["ETag"] == '"1"'
    stale = client.patch(url, {**body, "justification": "Overwrite?"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["justification"] == "Named bodies and budget."
    assert Score.objects.get(pk=first.json()["id"]).justification == "Named bodies and budget."


def test_if_match_etag(maltese, assessor):
    client = token_client(assessor)
    url = score_url(maltese)
    etag = client.get(url)["ETag"]
    assert etag == '"0"'
    ok = client.patch(url, {"evidence": "quoted"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    stale = client.patch(url, {"evidence": "again"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["current"]["evidence"] == "quoted"


def test_an_update_without_a_version_is_refused(maltese, assessor):
    response = token_client(assessor).patch(score_url(maltese), {"evidence": "x"}, format="json")
    assert response.status_code == 428
    assert Score.objects.filter(evidence="x").count() == 0


def test_bad_level_and_missing_justification_are_400(maltese, assessor):
    client = token_client(assessor)
    assert client.patch(score_url(maltese), {"version": 0, "level": "9"}, format="json").json() == {
        "level": ["No level '9' on this scale."]
    }
    response = client.patch(score_url(maltese), {"version": 0, "level": "2"}, format="json")
    assert response.status_code == 400
    assert "justification" in response.json()


def test_workflow_actions_follow_the_browser_rules(maltese, assessor, reviewer):
    as_assessor, as_reviewer = token_client(assessor), token_client(reviewer)
    url = f"/api/v1/assessments/{maltese.pk}/transition/"
    assert as_assessor.post(url, {"to": "shared"}, format="json").status_code == 403
    assert as_assessor.post(url, {"to": "in-review"}, format="json").status_code == 200
    response = as_assessor.post(url, {"to": "finalized"}, format="json")
    assert response.status_code == 403 and "cannot move" in response.json()["detail"]
    final = as_reviewer.post(url, {"to": "finalized"}, format="json")
    assert final.status_code == 200 and final.json()["status"] == "finalized"


def test_finalized_refuses_writes_with_a_clear_4xx(maltese, assessor, reviewer):
    assessment_transition(assessment=maltese, user=assessor, to_status=S.IN_REVIEW)
    assessment_transition(assessment=maltese, user=reviewer, to_status=S.FINALIZED)
    response = token_client(assessor).patch(
        score_url(maltese), {"version": 0, "evidence": "late"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "This assessment is finalized and read-only."}
    patch = token_client(reviewer).patch(
        f"/api/v1/assessments/{maltese.pk}/", {"title": "renamed"}, format="json"
    )
    assert patch.status_code == 403
    reopened = token_client(reviewer).post(f"/api/v1/assessments/{maltese.pk}/reopen/")
    assert reopened.status_code == 201 and reopened.json()["revision"] == 2


def test_create_strategy_and_assessment_within_scope_only(malta, kenya, assessor):
    from tests.factories import FrameworkFactory, ScoreScaleFactory

    ScoreScaleFactory(is_default=True)
    framework = FrameworkFactory()
    client = token_client(assessor)
    denied = client.post(
        "/api/v1/strategies/",
        {"jurisdiction": "KEN", "title": "Not mine", "kind": "national-ct", "language": "en"},
        format="json",
    )
    assert denied.status_code == 400 and "jurisdiction" in denied.json()
    created = client.post(
        "/api/v1/strategies/",
        {"jurisdiction": "MLT", "title": "Mine", "kind": "national-ct", "language": "en"},
        format="json",
    )
    assert created.status_code == 201
    other = StrategyFactory(jurisdiction=kenya)
    foreign = client.post(
        "/api/v1/assessments/", {"strategy": other.pk, "framework": framework.pk}, format="json"
    )
    assert foreign.status_code == 400  # not a strategy this caller can see
    mine = client.post(
        "/api/v1/assessments/",
        {"strategy": created.json()["id"], "framework": framework.pk},
        format="json",
    )
    assert mine.status_code == 201, mine.json()
    assert mine.json()["assessors"] == [assessor.username]


def test_report_request_status_and_download(maltese, assessor, django_capture_on_commit_callbacks):
    client = token_client(assessor)
    with django_capture_on_commit_callbacks(execute=True):
        requested = client.post(f"/api/v1/assessments/{maltese.pk}/reports/")
    assert requested.status_code in (200, 202)
    report_id = requested.json()["id"]
    status = client.get(f"/api/v1/reports/{report_id}/").json()
    assert status["status"] == Report.Status.DONE  # eager in tests
    pdf = client.get(f"/api/v1/reports/{report_id}/download/")
    assert pdf.status_code == 200 and pdf["Cache-Control"] == "no-store, private"


def test_malformed_requests_get_json_errors(maltese, assessor):
    client = token_client(assessor)
    for response in [
        client.patch(score_url(maltese), "{not json", content_type="application/json"),
        client.get("/api/v1/reports/not-a-uuid/"),
        client.get("/api/v1/assessments/99999999999999999999/"),
        client.get("/api/v1/nothing-here/"),
        client.post("/api/v1/assessments/", {"strategy": "x"}, format="json"),
        client.post(
            "/api/v1/assessments/",
            {"strategy": maltese.strategy_id, "framework": 1, "assessors": ["a\x00b"]},
            format="json",
        ),
    ]:
        assert response.status_code in (400, 404), response.content
        assert response["Content-Type"].startswith("application/json")


def test_partners_are_not_told_who_edited(maltese, assessor, reviewer, kenya, ministry_kenya):
    score = maltese.scores.order_by("principle__order").first()
    token_client(assessor).patch(score_url(maltese, score), {"version": 0, "evidence": "q"})
    maltese.sharing = Assessment.Sharing.PARTNERS
    maltese.save()
    maltese.partners.add(kenya)
    assessment_transition(assessment=maltese, user=assessor, to_status=S.IN_REVIEW)
    assessment_transition(assessment=maltese, user=reviewer, to_status=S.FINALIZED)
    seen = token_client(ministry_kenya).get(score_url(maltese, score)).json()
    assert seen["evidence"] == "q" and seen["updated_by"] is None
    assert token_client(reviewer).get(score_url(maltese, score)).json()["updated_by"] == (
        assessor.username
    )


@pytest.fixture
def mix(malta, kenya):
    """The attack's user: `grant_access mix Assessor MLT`, `grant_access mix "Ministry
    reader" KEN`."""
    from tests.factories import UserFactory

    user = UserFactory(username="mix")
    call_command("grant_access", "mix", "Assessor", "MLT", stdout=StringIO())
    call_command("grant_access", "mix", "Ministry reader", "KEN", stdout=StringIO())
    return user


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_REVIEW])
def test_an_assessor_of_malta_who_reads_for_kenya_sees_no_kenyan_draft(
    mix, kenya, kenya_assessor_and_reviewer, status
):
    kofi, kerubo = kenya_assessor_and_reviewer
    kenyan = make_assessment(jurisdiction=kenya, assessors=[kofi], reviewer=kerubo, principles=2)
    if status == S.IN_REVIEW:
        assessment_transition(assessment=kenyan, user=kofi, to_status=S.IN_REVIEW)
    client = token_client(mix)
    for url in (
        f"/api/v1/assessments/{kenyan.pk}/",
        f"/api/v1/assessments/{kenyan.pk}/scores/",
        f"/api/v1/assessments/{kenyan.pk}/exports/json/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/assessments/").json()["count"] == 0
    # Once shared, the Kenyan ministry reader in mix reads it, but may not score it.
    if status == S.DRAFT:
        assessment_transition(assessment=kenyan, user=kofi, to_status=S.IN_REVIEW)
    assessment_transition(assessment=kenyan, user=kerubo, to_status=S.SHARED)
    assert client.get(f"/api/v1/assessments/{kenyan.pk}/").status_code == 200
    score = kenyan.scores.first()
    refused = client.patch(score_url(kenyan, score), {"version": 0, "justification": "x"})
    assert refused.status_code == 403
    assert Score.objects.get(pk=score.pk).justification == ""


def test_an_assessor_of_malta_who_reads_for_kenya_cannot_add_kenyan_strategies(mix, kenya, malta):
    client = token_client(mix)
    body = {"title": "Planted", "kind": "national-ct", "language": "en"}
    refused = client.post("/api/v1/strategies/", {**body, "jurisdiction": kenya.code})
    assert refused.status_code == 400
    assert "cannot add strategies for this jurisdiction" in str(refused.json())
    assert not Strategy.objects.filter(title="Planted").exists()
    # Positive control: at home in Malta the same request is accepted.
    created = client.post("/api/v1/strategies/", {**body, "jurisdiction": malta.code})
    assert created.status_code == 201, created.json()


def test_an_assessment_team_must_hold_its_roles_for_the_jurisdiction(
    mix, malta, kenya, assessor, kenya_assessor_and_reviewer
):
    """A Kenyan assessor cannot be put on a Maltese assessment (nor see its names listed)."""
    kofi, kerubo = kenya_assessor_and_reviewer
    strategy = StrategyFactory(jurisdiction=malta)
    make_assessment(jurisdiction=malta, assessors=[assessor], principles=1)  # the default scale
    from tests.factories import make_framework

    framework = make_framework(principles=1, slug="team-set")
    body = {"strategy": strategy.pk, "framework": framework.pk}
    client = token_client(mix)
    refused = client.post(
        "/api/v1/assessments/", {**body, "assessors": [kofi.username]}, format="json"
    )
    assert refused.status_code == 400
    assert "Not an assessor of this jurisdiction: kofi" in str(refused.json())
    refused = client.post(
        "/api/v1/assessments/", {**body, "reviewer": kerubo.username}, format="json"
    )
    assert refused.status_code == 400
    assert "is not a reviewer of this jurisdiction" in str(refused.json())
    assert not Assessment.objects.filter(strategy=strategy).exists()
    created = client.post("/api/v1/assessments/", {**body, "assessors": ["mix"]}, format="json")
    assert created.status_code == 201, created.json()


@pytest.fixture
def kenya_assessor_and_reviewer(kenya):
    from ctframework import roles
    from tests.factories import UserFactory, grant

    return (
        grant(UserFactory(username="kofi"), roles.ASSESSOR, kenya),
        grant(UserFactory(username="kerubo"), roles.REVIEWER, kenya),
    )
