"""Turn each user's separate roles and jurisdictions into grants, so that nobody loses or
gains access on the day: every role the user had, for every jurisdiction they had.

A user with several roles and several jurisdictions probably should not hold every
combination (the bug this change fixes): they are flagged "grants need review" and listed
here. A user with jurisdictions but no role saw those jurisdictions' strategies; a grant
needs a role, so they are flagged and listed too.
"""

from django.db import migrations

ADMINISTRATOR = "Administrator"
ROLES = ("Administrator", "Assessor", "Reviewer", "Ministry reader")


def grants_from_roles_and_jurisdictions(apps, schema_editor):
    User = apps.get_model("ctframework", "User")
    Grant = apps.get_model("accounts", "Grant")
    flagged = []
    for user in User.objects.prefetch_related("groups", "jurisdictions").order_by("username"):
        held = [g for g in user.groups.all() if g.name in ROLES]
        jurisdictions = list(user.jurisdictions.all())
        scoped = [g for g in held if g.name != ADMINISTRATOR]
        for group in held:
            if group.name == ADMINISTRATOR:
                Grant.objects.get_or_create(
                    user=user, role=group, jurisdiction=None, membership_set=None
                )
        for group in scoped:
            for jurisdiction in jurisdictions:
                Grant.objects.get_or_create(user=user, role=group, jurisdiction=jurisdiction)
        reason = ""
        if len(scoped) > 1 and len(jurisdictions) > 1:
            reason = "several roles and several jurisdictions"
        elif jurisdictions and not scoped:
            reason = "jurisdictions without a role (no grant made)"
        if reason:
            user.grants_need_review = True
            user.save(update_fields=["grants_need_review"])
            flagged.append(f"{user.username}: {reason}")
        # Roles now live in grants; the groups stay as the role names only.
        user.groups.remove(*held)
    if flagged:
        print("\n  Grants need review (python manage.py list_grants --needs-review):")
        for line in flagged:
            print(f"    {line}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_grants_and_membership_sets"),
        ("ctframework", "0004_user_grants_review_and_session_epoch"),
    ]

    operations = [
        migrations.RunPython(grants_from_roles_and_jurisdictions, migrations.RunPython.noop)
    ]
