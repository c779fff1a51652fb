"""Migration accounts 0002: each user's separate roles and jurisdictions become grants, every
combination, so nobody loses or gains access on the day; mixed users are flagged."""

import pytest

BEFORE = [
    ("ctframework", "0004_user_grants_review_and_session_epoch"),
    ("accounts", "0001_grants_and_membership_sets"),
]
AFTER = [("ctframework", "0005_user_jurisdictions_become_grants")]

# Migrations run outside a test transaction (see tests/strategies/test_document_migration.py).
pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]


def test_roles_times_jurisdictions_become_grants_and_mixed_users_are_flagged(migrated_to, capsys):
    old = migrated_to(BEFORE)
    User = old.get_model("ctframework", "User")
    Group = old.get_model("auth", "Group")
    Jurisdiction = old.get_model("strategies", "Jurisdiction")
    role = {
        name: Group.objects.get_or_create(name=name)[0]
        for name in ("Administrator", "Assessor", "Reviewer", "Ministry reader")
    }
    malta = Jurisdiction.objects.create(code="MLT", name="Malta", kind="member-state")
    kenya = Jurisdiction.objects.create(code="KEN", name="Kenya", kind="member-state")

    def user(name, roles, jurisdictions):
        made = User.objects.create(username=name)
        made.groups.set([role[r] for r in roles])
        made.jurisdictions.set(jurisdictions)
        return made

    user("amal", ["Assessor"], [malta, kenya])
    user("mix", ["Assessor", "Ministry reader"], [malta, kenya])
    user("rafa", ["Reviewer", "Ministry reader"], [malta])
    user("alice", ["Administrator"], [])
    user("orphan", [], [kenya])
    new = migrated_to(AFTER)
    Grant = new.get_model("accounts", "Grant")
    NewUser = new.get_model("ctframework", "User")

    def grants(name):
        return {
            (g.role.name, g.jurisdiction.code if g.jurisdiction_id else None)
            for g in Grant.objects.filter(user__username=name).select_related(
                "role", "jurisdiction"
            )
        }

    assert grants("amal") == {("Assessor", "MLT"), ("Assessor", "KEN")}
    assert grants("mix") == {
        ("Assessor", "MLT"),
        ("Assessor", "KEN"),
        ("Ministry reader", "MLT"),
        ("Ministry reader", "KEN"),
    }
    assert grants("rafa") == {("Reviewer", "MLT"), ("Ministry reader", "MLT")}
    assert grants("alice") == {("Administrator", None)}
    assert grants("orphan") == set()
    flagged = set(
        NewUser.objects.filter(grants_need_review=True).values_list("username", flat=True)
    )
    assert flagged == {"mix", "orphan"}
    printed = capsys.readouterr().out
    assert "mix: several roles and several jurisdictions" in printed
    assert "orphan: jurisdictions without a role" in printed
    assert "amal" not in printed
