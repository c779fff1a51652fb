"""grant_access, revoke_access and list_grants: USERNAME ROLE [CODE ...]."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from accounts.models import Grant, MembershipSet
from ctframework import roles
from tests.factories import JurisdictionFactory, UserFactory

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def grants_of(user) -> set[tuple[str, str]]:
    return {
        (g.role.name, g.scope_label)
        for g in Grant.objects.filter(user=user).select_related(
            "role", "jurisdiction", "membership_set"
        )
    }


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def weog(malta):
    france = JurisdictionFactory(code="FRA", name="France")
    group = MembershipSet.objects.create(
        code="WEOG",
        name="Western European and Others Group",
        kind=MembershipSet.Kind.UN_REGIONAL_GROUP,
        source="UN DGACM",
    )
    group.members.set([malta, france])
    return group


def test_grants_the_role_for_those_codes_only(malta, kenya):
    user = UserFactory(username="nadia")
    out = run("grant_access", "nadia", "Assessor", "MLT", "ken")
    assert grants_of(user) == {("Assessor", "MLT"), ("Assessor", "KEN")}
    assert "nadia: Assessor: KEN, MLT" in out


def test_two_roles_in_two_jurisdictions_stay_apart(malta, kenya):
    """The bug this replaces: an assessor anywhere became an assessor everywhere."""
    user = UserFactory(username="mix")
    run("grant_access", "mix", "Assessor", "MLT")
    run("grant_access", "mix", "Ministry reader", "KEN")
    assert grants_of(user) == {("Assessor", "MLT"), ("Ministry reader", "KEN")}
    assert user.has_role(roles.ASSESSOR) and user.has_role(roles.MINISTRY_READER)
    from accounts.scopes import grant_scopes

    scopes = grant_scopes(user)
    assert scopes.holds(roles.ASSESSOR, malta.pk) and not scopes.holds(roles.ASSESSOR, kenya.pk)
    assert scopes.holds(roles.MINISTRY_READER, kenya.pk)
    assert not scopes.holds(roles.MINISTRY_READER, malta.pk)


def test_a_membership_set_grants_every_member(malta, weog):
    user = UserFactory(username="nadia")
    run("grant_access", "nadia", "Reviewer", "WEOG")
    assert grants_of(user) == {("Reviewer", "WEOG")}
    from accounts.scopes import grant_scopes

    france = JurisdictionFactory(code="FRA")
    assert grant_scopes(user).ids(roles.REVIEWER) == {malta.pk, france.pk}
    # The grant follows the set as its membership changes.
    andorra = JurisdictionFactory(code="AND", name="Andorra")
    weog.members.add(andorra)
    user.__dict__.pop("_grant_scopes")
    assert andorra.pk in grant_scopes(user).ids(roles.REVIEWER)


def test_granting_twice_changes_nothing(malta):
    user = UserFactory(username="nadia")
    run("grant_access", "nadia", "Assessor", "MLT")
    run("grant_access", "nadia", "Assessor", "MLT")
    assert Grant.objects.filter(user=user).count() == 1


def test_administrator_is_global_and_gets_the_admin(db):
    user = UserFactory(username="root-ish")
    run("grant_access", "root-ish", "Administrator")
    user.refresh_from_db()
    assert user.is_staff and user.is_administrator
    assert grants_of(user) == {("Administrator", "everywhere")}


@pytest.mark.parametrize(
    "args, message",
    [
        (["ghost", "Assessor", "MLT"], "no user named 'ghost'"),
        (["nadia", "Superhero", "MLT"], "Unknown role Superhero"),
        (
            ["nadia", "Assessor", "MLT", "XXX"],
            "Unknown jurisdiction or membership set code: XXX",
        ),
        (["nadia", "Assessor"], "Name the jurisdictions or membership sets Assessor is granted"),
        (["nadia", "Administrator", "MLT"], "Administrator is a global role: give it no code"),
    ],
)
def test_bad_input_changes_nothing(malta, args, message):
    user = UserFactory(username="nadia")
    JurisdictionFactory(code="KEN")
    with pytest.raises(CommandError) as refused:
        run("grant_access", *args)
    assert message in str(refused.value)
    assert "Nothing changed" in str(refused.value) or "nothing changed" in str(refused.value)
    assert not Grant.objects.filter(user=user).exists()


def test_revoke_takes_away_only_the_named_grants(client, malta, kenya):
    user = UserFactory(username="nadia")
    run("grant_access", "nadia", "Assessor", "MLT", "KEN")
    out = run("revoke_access", "nadia", "Assessor", "KEN")
    assert grants_of(user) == {("Assessor", "MLT")}
    assert "signed out everywhere" in out


def test_revoking_ends_sessions_and_deletes_tokens(client, malta, kenya):
    user = UserFactory(username="nadia")
    run("grant_access", "nadia", "Assessor", "MLT", "KEN")
    client.force_login(user)
    assert client.get("/strategies/").status_code == 200
    token = Token.objects.create(user=user)
    api = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get("/api/v1/strategies/", **api).status_code == 200

    run("revoke_access", "nadia", "Assessor", "KEN")

    response = client.get("/strategies/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Token.objects.filter(user=user).exists()
    assert client.get("/api/v1/strategies/", **api).status_code == 401
    # Signing in again works, with what is left.
    user.refresh_from_db()
    client.force_login(user)
    assert client.get("/strategies/").status_code == 200


def test_deactivating_ends_sessions_and_deletes_tokens(client, malta):
    user = UserFactory(username="nadia")
    run("grant_access", "nadia", "Assessor", "MLT")
    client.force_login(user)
    Token.objects.create(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not Token.objects.filter(user=user).exists()
    user.is_active = True  # even reactivated at once, the old session stays ended
    user.save()
    response = client.get("/strategies/")
    assert response.status_code == 302


@pytest.mark.parametrize(
    "args, message",
    [
        (["nadia", "Assessor", "KEN"], "nadia does not hold Assessor for KEN"),
        (["nadia", "Reviewer", "MLT"], "It comes with WEOG: revoke that instead"),
        (["nadia", "Administrator"], "nadia does not hold Administrator"),
        (
            ["nadia", "Assessor", "MLT", "XXX"],
            "Unknown jurisdiction or membership set code: XXX",
        ),
    ],
)
def test_revoking_what_is_not_held_changes_nothing(client, malta, kenya, weog, args, message):
    user = UserFactory(username="nadia")
    run("grant_access", "nadia", "Assessor", "MLT")
    run("grant_access", "nadia", "Reviewer", "WEOG")
    client.force_login(user)
    before = grants_of(user)
    with pytest.raises(CommandError) as refused:
        run("revoke_access", *args)
    assert message in str(refused.value)
    assert "Nothing changed" in str(refused.value)
    assert grants_of(user) == before
    assert client.get("/strategies/").status_code == 200  # still signed in


def test_list_grants_shows_triples_and_the_review_flag(malta, kenya):
    run("grant_access", UserFactory(username="nadia").username, "Assessor", "MLT")
    flagged = UserFactory(username="zed", grants_need_review=True)
    run("grant_access", flagged.username, "Reviewer", "KEN")
    out = run("list_grants")
    assert "nadia: Assessor: MLT\n" in out
    assert "zed: Reviewer: KEN  [grants need review]" in out
    assert (
        run("list_grants", "--needs-review").strip() == "zed: Reviewer: KEN  [grants need review]"
    )
