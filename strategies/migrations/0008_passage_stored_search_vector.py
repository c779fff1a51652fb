"""Passages keep their full-text vector, indexed (GIN) on PostgreSQL: searching a strategy
of tens of thousands of passages no longer parses every passage's text again. The vectors
of passages extracted before are computed here; the expression index they replace goes."""

import django.contrib.postgres.search
from django.db import migrations


def fill_and_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "UPDATE strategies_passage SET search_vector = "
        "to_tsvector('english'::regconfig, COALESCE(text, ''))"
    )
    schema_editor.execute("DROP INDEX IF EXISTS passage_text_search")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS passage_search_vector ON strategies_passage "
        "USING gin (search_vector)"
    )


def unindex(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS passage_search_vector")


class Migration(migrations.Migration):
    dependencies = [("strategies", "0007_document_queued_at")]

    operations = [
        migrations.AddField(
            model_name="passage",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_and_index, unindex),
    ]
