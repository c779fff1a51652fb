"""Create the four role groups; their names are part of the product's contract."""

from django.db import migrations

ROLES = ("Administrator", "Assessor", "Reviewer", "Ministry reader")


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("ctframework", "0002_user_jurisdictions")]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
