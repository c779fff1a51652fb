"""Membership sets: the five UN regional groups and regional organisations' member States."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.fixture_builder import jurisdiction_fixture, jurisdiction_fixture_json
from accounts.models import MembershipSet
from strategies.models import Jurisdiction

pytestmark = [pytest.mark.core, pytest.mark.django_db]

FIXTURE = Path(settings.FIXTURE_DIRS[0]) / "jurisdictions.json"
UN_GROUPS = {"AFRICAN-GROUP", "ASIA-PACIFIC-GROUP", "EASTERN-EUROPEAN-GROUP", "GRULAC", "WEOG"}


def test_committed_fixture_carries_the_membership_data():
    """`make fixtures` rewrites the sets from accounts/data/memberships.yaml."""
    committed = FIXTURE.read_text(encoding="utf-8")
    assert jurisdiction_fixture_json(jurisdiction_fixture(json.loads(committed))) == committed


@pytest.fixture
def loaded(db):
    call_command("loaddata", "jurisdictions", verbosity=0)


def test_the_five_un_regional_groups_cover_every_member_state_once(loaded):
    groups = MembershipSet.objects.filter(kind=MembershipSet.Kind.UN_REGIONAL_GROUP)
    assert set(groups.values_list("code", flat=True)) == UN_GROUPS
    members = [code for g in groups for code in g.members.values_list("code", flat=True)]
    states = Jurisdiction.objects.filter(kind=Jurisdiction.Kind.MEMBER_STATE)
    assert len(members) == len(set(members)) == states.count() == 193
    assert set(members) == set(states.values_list("code", flat=True))


def test_organisation_sets_name_their_organisation_and_hold_only_states(loaded):
    sets = MembershipSet.objects.filter(kind=MembershipSet.Kind.ORGANISATION_MEMBERS)
    organisations = Jurisdiction.objects.filter(kind=Jurisdiction.Kind.REGIONAL_ORGANISATION)
    assert {s.organisation.code for s in sets} == set(organisations.values_list("code", flat=True))
    for membership_set in sets:
        assert membership_set.code == f"{membership_set.organisation.code}-MEMBERS"
        kinds = set(membership_set.members.values_list("kind", flat=True))
        assert kinds <= {Jurisdiction.Kind.MEMBER_STATE, Jurisdiction.Kind.OBSERVER_STATE}
        membership_set.full_clean()  # its code is no jurisdiction's code
    assert MembershipSet.objects.get(code="EU-MEMBERS").members.count() == 27


def test_loading_twice_changes_nothing(loaded):
    before = sorted(
        MembershipSet.members.through.objects.values_list("membershipset_id", "jurisdiction_id")
    )
    call_command("loaddata", "jurisdictions", verbosity=0)
    after = sorted(
        MembershipSet.members.through.objects.values_list("membershipset_id", "jurisdiction_id")
    )
    assert before == after


def test_a_set_code_may_not_be_a_jurisdiction_code(malta):
    from django.core.exceptions import ValidationError

    clash = MembershipSet(
        code="MLT", name="x", kind=MembershipSet.Kind.UN_REGIONAL_GROUP, source="x"
    )
    with pytest.raises(ValidationError, match="belongs to a jurisdiction"):
        clash.full_clean()
