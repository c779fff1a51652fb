"""The specialist review of the Valletta crosswalk (docs/crosswalk-review.md) took out 15
links. Fixtures only add and update rows, so a database that loaded the earlier crosswalk
keeps them: they are deleted here. Importing the reviewed crosswalk file does the same."""

from django.db import migrations

# (Valletta Principle, target framework, version, target code)
REMOVED = [
    ("VP-1", "valletta-2025-summary-good-practices", "2025", "VGP-6"),
    ("VP-2", "ctc-policy-guidance-pg3", "2010", "PG3-a"),
    ("VP-5", "cted-2017-judicial-cooperation", "2017", "CTED17-1"),
    ("VP-12", "gctf-valletta-recommendations", "1", "VR-9"),
    ("VP-25", "ctc-policy-guidance-pg3", "2010", "PG3-r"),
    ("VP-25", "ctc-policy-guidance-pg3", "2010", "PG3-s"),
    ("VP-26", "cted-2017-judicial-cooperation", "2017", "CTED17-20"),
    ("VP-26", "cted-2017-judicial-cooperation", "2017", "CTED17-10"),
    ("VP-29", "valletta-2025-summary-good-practices", "2025", "VGP-36"),
    ("VP-30", "ctc-policy-guidance-pg3", "2010", "PG3-c"),
    ("VP-30", "valletta-2025-summary-good-practices", "2025", "VGP-36"),
    ("VP-35", "rome-2024-coordination-mechanism", "2024", "ROME24-11"),
    ("VP-36", "cted-2017-judicial-cooperation", "2017", "CTED17-6"),
    ("VP-39", "valletta-2025-summary-good-practices", "2025", "VGP-36"),
    ("VP-40", "rome-2024-coordination-mechanism", "2024", "ROME24-18"),
]


def delete_removed_links(apps, schema_editor):
    CrossReference = apps.get_model("principles", "CrossReference")
    for source, framework, version, code in REMOVED:
        CrossReference.objects.filter(
            source__framework__slug="valletta-principles",
            source__framework__version="2025",
            source__code=source,
            target__framework__slug=framework,
            target__framework__version=version,
            target__code=code,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("principles", "0002_format_2_language_notes_assessable_reviews")]

    operations = [migrations.RunPython(delete_removed_links, migrations.RunPython.noop)]
