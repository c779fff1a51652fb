"""API filters take ids and narrow the caller's own scope: the browsable API's filter form
never lists another jurisdiction's objects, and an id from elsewhere looks like no id."""

import pytest

from ctframework import roles
from tests.assessments.evidence_world import make_world, upload
from tests.factories import StrategyFactory, UserFactory, grant

pytestmark = [
    pytest.mark.core,
    pytest.mark.django_db,
    pytest.mark.usefixtures("evidence_contained"),
]

KENYA_TITLE = "Kenya National Strategy to Counter Violent Extremism"
KENYA_TEXT = (
    "Kenyan strategy\n\nThe county engagement forums in Mombasa will meet each month with "
    "imams, youth leaders and the police to review the prevention programme."
)


@pytest.fixture
def kenya_world(kenya):
    kofi = grant(UserFactory(username="kofi-assessor-ken"), roles.ASSESSOR, kenya)
    strategy = StrategyFactory(jurisdiction=kenya, title=KENYA_TITLE)
    document, _created = upload(strategy, kofi, KENYA_TEXT, "kenya.txt")
    return strategy, document.passages.get(kind="paragraph")


def browse(client, url):
    """The browsable API page, as a signed-in browser gets it (with its filter form)."""
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_filter_forms_list_nothing_of_another_jurisdiction(
    client, malta, assessor, reviewer, kenya_world
):
    world = make_world(jurisdiction=malta, assessor=assessor, reviewer=reviewer)
    client.force_login(assessor)
    for url in [
        "/api/v1/passages/",
        "/api/v1/documents/",
        "/api/v1/assessments/",
        f"/api/v1/assessments/{world.assessment.pk}/evidence/",
    ]:
        page = browse(client, url)
        assert KENYA_TITLE not in page, url
        assert "Mombasa" not in page, url
        assert "kenya.txt" not in page, url


def test_an_id_from_another_jurisdiction_answers_like_an_unknown_id(
    client, malta, assessor, reviewer, kenya_world
):
    world = make_world(jurisdiction=malta, assessor=assessor, reviewer=reviewer)
    kenyan_strategy, kenyan_passage = kenya_world
    client.force_login(assessor)
    unknown = kenyan_passage.pk + 10_000
    evidence = f"/api/v1/assessments/{world.assessment.pk}/evidence/"
    for url in [
        f"{evidence}?passage={kenyan_passage.pk}",
        f"{evidence}?passage={unknown}",
        f"/api/v1/passages/?strategy={kenyan_strategy.pk}",
        f"/api/v1/passages/?strategy={unknown}",
        f"/api/v1/passages/?document={kenyan_passage.document_id}",
        f"/api/v1/documents/?strategy={kenyan_strategy.pk}",
        f"/api/v1/assessments/?strategy={kenyan_strategy.pk}",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.json()["results"] == [], url


def test_the_filters_still_narrow_the_callers_own_objects(
    client, malta, assessor, reviewer, kenya_world
):
    world = make_world(jurisdiction=malta, assessor=assessor, reviewer=reviewer)
    client.force_login(assessor)
    own = client.get(f"/api/v1/passages/?strategy={world.assessment.strategy_id}").json()
    assert own["count"] == world.document.passages.count()
    headings = client.get(f"/api/v1/passages/?document={world.document.pk}&kind=heading").json()
    assert {p["kind"] for p in headings["results"]} == {"heading"}
    assert client.get("/api/v1/passages/?strategy=abc").status_code == 400
