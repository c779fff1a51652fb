"""grant_access USERNAME ROLE [JURISDICTION_CODE ...]"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import JurisdictionFactory, UserFactory

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def test_grants_role_and_jurisdictions(malta, kenya):
    user = UserFactory(username="nadia")
    out = StringIO()
    call_command("grant_access", "nadia", "Assessor", "MLT", "ken", stdout=out)
    assert user.groups.get().name == "Assessor"
    assert set(user.jurisdictions.values_list("code", flat=True)) == {"MLT", "KEN"}
    assert "jurisdictions now: KEN, MLT" in out.getvalue()


def test_grants_add_to_what_the_user_had(malta, kenya):
    user = UserFactory(username="nadia")
    call_command("grant_access", "nadia", "Reviewer", "MLT", stdout=StringIO())
    call_command("grant_access", "nadia", "Ministry reader", "KEN", stdout=StringIO())
    assert set(user.groups.values_list("name", flat=True)) == {"Reviewer", "Ministry reader"}
    assert user.jurisdictions.count() == 2


def test_administrator_gets_the_admin(db):
    user = UserFactory(username="root-ish")
    call_command("grant_access", "root-ish", "Administrator", stdout=StringIO())
    user.refresh_from_db()
    assert user.is_staff and user.is_administrator


@pytest.mark.parametrize(
    "args, message",
    [
        (["ghost", "Assessor"], "no user named 'ghost'"),
        (["nadia", "Superhero", "MLT"], "Unknown role Superhero"),
        (["nadia", "Assessor", "MLT", "XXX"], "unknown jurisdiction code(s): XXX"),
    ],
)
def test_bad_input_changes_nothing(malta, args, message):
    user = UserFactory(username="nadia")
    JurisdictionFactory(code="KEN")
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("grant_access", *args, stdout=StringIO())
    assert not user.groups.exists() and not user.jurisdictions.exists()
