"""Strategy pages: who may add and edit which country's strategies, and what the form offers.

A strategy belongs to one jurisdiction; users create and edit only in their own
jurisdictions, and `supersedes` only links versions of the same jurisdiction's strategy.
"""

import pytest
from django.urls import reverse

from ctframework import roles
from strategies.models import Strategy
from tests.factories import StrategyFactory, UserFactory, grant

pytestmark = [pytest.mark.core, pytest.mark.django_db]

MALTA_2019 = "Malta National Counter-Terrorism Strategy 2019"
KENYA_2016 = "Kenya National Strategy to Counter Violent Extremism 2016"


def make_user(username, role=None, *jurisdictions):
    user = UserFactory(username=username)
    return grant(user, role, *jurisdictions) if role else user


@pytest.fixture
def kenya_assessor(kenya):
    return make_user("kofi-assessor-ken", roles.ASSESSOR, kenya)


@pytest.fixture
def malta_2019(malta):
    return StrategyFactory(jurisdiction=malta, title=MALTA_2019, year_adopted=2019)


@pytest.fixture
def kenya_2016(kenya):
    return StrategyFactory(jurisdiction=kenya, title=KENYA_2016, year_adopted=2016)


def strategy_data(jurisdiction, **overrides):
    data = {
        "jurisdiction": jurisdiction.pk,
        "title": "National Counter-Terrorism Strategy 2025",
        "kind": Strategy.Kind.NATIONAL_CT,
        "language": "en",
        "year_adopted": 2025,
        "period_start": 2025,
        "period_end": 2030,
        "status": Strategy.Status.IN_FORCE,
        "source_url": "",
        "supersedes": "",
    }
    data.update(overrides)
    return data


def snapshot():
    return sorted(
        Strategy.objects.values_list(
            "pk", "jurisdiction_id", "title", "year_adopted", "supersedes_id", "updated_at"
        )
    )


def options(response, field) -> set[str]:
    """The labels of the choices the form offers for `field` (the empty choice left out)."""
    return {label for value, label in response.context["form"].fields[field].choices if value}


# Creating --------------------------------------------------------------------------------------


def test_assessor_of_malta_creates_a_strategy_for_malta(client, malta, assessor, malta_2019):
    client.force_login(assessor)
    response = client.post(
        reverse("strategies:create"), strategy_data(malta, supersedes=malta_2019.pk)
    )
    created = Strategy.objects.get(title="National Counter-Terrorism Strategy 2025")
    assert response.status_code == 302
    assert response["Location"] == reverse("strategies:detail", args=[created.pk])
    assert created.jurisdiction == malta
    assert created.created_by == assessor
    assert created.supersedes == malta_2019


@pytest.mark.parametrize("persona", ["assessor", "reviewer"])
def test_the_jurisdictions_offered_are_only_the_users_own(client, request, malta, kenya, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("strategies:create"))
    assert response.status_code == 200
    assert options(response, "jurisdiction") == {"Malta"}
    assert "Kenya" not in response.content.decode()


def test_administrator_is_offered_every_jurisdiction(client, malta, kenya, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("strategies:create"))
    assert options(response, "jurisdiction") == {"Malta", "Kenya"}


def test_a_strategy_for_kenya_is_refused_with_a_form_error(client, malta, kenya, assessor):
    client.force_login(assessor)
    before = snapshot()
    response = client.post(reverse("strategies:create"), strategy_data(kenya))
    assert response.status_code == 200
    assert "jurisdiction" in response.context["form"].errors
    assert snapshot() == before


def test_supersedes_offers_only_strategies_the_user_can_see(
    client, malta, kenya, assessor, malta_2019, kenya_2016
):
    client.force_login(assessor)
    response = client.get(reverse("strategies:create"))
    assert options(response, "supersedes") == {str(malta_2019)}
    assert KENYA_2016 not in response.content.decode()

    before = snapshot()
    response = client.post(
        reverse("strategies:create"), strategy_data(malta, supersedes=kenya_2016.pk)
    )
    assert response.status_code == 200
    assert "supersedes" in response.context["form"].errors
    assert KENYA_2016 not in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["admin_user", "assessor_of_both"])
def test_a_strategy_cannot_supersede_one_of_another_jurisdiction(
    client, request, malta, kenya, malta_2019, kenya_2016, persona
):
    """Even for a user who sees both countries' strategies."""
    if persona == "assessor_of_both":
        user = make_user("bianca-both", roles.ASSESSOR, malta, kenya)
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)
    assert kenya_2016.title in {
        s.title
        for s in client.get(reverse("strategies:create"))
        .context["form"]
        .fields["supersedes"]
        .queryset
    }
    before = snapshot()

    response = client.post(
        reverse("strategies:create"), strategy_data(malta, supersedes=kenya_2016.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["supersedes"] == [
        "A strategy can only supersede one of the same jurisdiction."
    ]
    assert snapshot() == before
    # Nor by editing: linking Malta's 2019 strategy to Kenya's, or moving it under Kenya
    # while it supersedes a Maltese strategy.
    malta_2024 = StrategyFactory(jurisdiction=malta, title="Malta 2024", supersedes=malta_2019)
    before = snapshot()
    edit = reverse("strategies:edit", args=[malta_2019.pk])
    response = client.post(edit, strategy_data(malta, title=MALTA_2019, supersedes=kenya_2016.pk))
    assert "supersedes" in response.context["form"].errors
    edit = reverse("strategies:edit", args=[malta_2024.pk])
    response = client.post(edit, strategy_data(kenya, title="Malta 2024", supersedes=malta_2019.pk))
    assert "supersedes" in response.context["form"].errors
    assert snapshot() == before


def test_a_strategy_cannot_supersede_itself_or_one_already_superseded(
    client, malta, assessor, malta_2019
):
    malta_2024 = StrategyFactory(jurisdiction=malta, title="Malta 2024", supersedes=malta_2019)
    client.force_login(assessor)
    edit = reverse("strategies:edit", args=[malta_2024.pk])
    response = client.get(edit)
    assert str(malta_2024) not in options(response, "supersedes")
    before = snapshot()
    response = client.post(edit, strategy_data(malta, title="Malta 2024", supersedes=malta_2024.pk))
    assert "supersedes" in response.context["form"].errors
    response = client.post(
        reverse("strategies:create"), strategy_data(malta, supersedes=malta_2019.pk)
    )
    assert "supersedes" in response.context["form"].errors
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["ministry_malta", "ministry_kenya", "no_role"])
def test_ministry_readers_and_users_without_a_role_cannot_create(client, request, malta, persona):
    if persona == "no_role":
        user = make_user("norbert-no-role", None, malta)
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)
    before = snapshot()
    assert client.get(reverse("strategies:create")).status_code == 403
    assert client.post(reverse("strategies:create"), strategy_data(malta)).status_code == 403
    assert snapshot() == before


def test_anonymous_is_sent_to_log_in_and_creates_nothing(client, malta):
    before = snapshot()
    for response in (
        client.get(reverse("strategies:create")),
        client.post(reverse("strategies:create"), strategy_data(malta)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert snapshot() == before


# Editing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["ministry_kenya", "kenya_assessor"])
def test_edit_page_is_404_for_outsiders(client, request, malta, malta_2019, persona):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    edit = reverse("strategies:edit", args=[malta_2019.pk])
    for response in (
        client.get(edit),
        client.post(edit, strategy_data(malta, title="Renamed by an outsider")),
        client.get(reverse("strategies:detail", args=[malta_2019.pk])),
    ):
        assert response.status_code == 404
        assert MALTA_2019 not in response.content.decode()
    assert snapshot() == before


def test_edit_page_is_403_for_the_ministry_reader_of_malta(
    client, malta, ministry_malta, malta_2019
):
    client.force_login(ministry_malta)
    before = snapshot()
    edit = reverse("strategies:edit", args=[malta_2019.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, strategy_data(malta, title="Renamed")).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["assessor", "reviewer"])
def test_team_edits_a_maltese_strategy_but_cannot_move_it_to_kenya(
    client, request, malta, kenya, malta_2019, persona
):
    client.force_login(request.getfixturevalue(persona))
    edit = reverse("strategies:edit", args=[malta_2019.pk])
    before = snapshot()
    response = client.post(edit, strategy_data(kenya, title=MALTA_2019))
    assert response.status_code == 200
    assert "jurisdiction" in response.context["form"].errors
    assert snapshot() == before

    response = client.post(edit, strategy_data(malta, title="Malta strategy 2019 (revised)"))
    assert response.status_code == 302
    malta_2019.refresh_from_db()
    assert malta_2019.title == "Malta strategy 2019 (revised)"
    assert malta_2019.jurisdiction == malta


# The list --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("admin_user", {MALTA_2019, KENYA_2016}),
        ("assessor", {MALTA_2019}),
        ("reviewer", {MALTA_2019}),
        ("ministry_malta", {MALTA_2019}),
        ("ministry_kenya", {KENYA_2016}),
        ("kenya_assessor", {KENYA_2016}),
        ("no_role", set()),
    ],
)
def test_list_shows_only_strategies_in_scope(
    client, request, malta_2019, kenya_2016, persona, expected, django_assert_max_num_queries
):
    user = (
        make_user("norbert-no-role") if persona == "no_role" else request.getfixturevalue(persona)
    )
    client.force_login(user)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("strategies:list"))
    assert response.status_code == 200
    assert {s.title for s in response.context["strategies"]} == expected
    html = response.content.decode()
    for title in {MALTA_2019, KENYA_2016} - expected:
        assert title not in html
    # Only those who may add a strategy are offered the button.
    can_add = persona in {"admin_user", "assessor", "reviewer", "kenya_assessor"}
    assert (reverse("strategies:create") in html) is can_add
