"""A GIN index for full-text search of passages, on PostgreSQL (SQLite searches without)."""

from django.db import migrations

# The expression must be the one strategies.selectors.search_passages filters on.
INDEX = (
    "CREATE INDEX IF NOT EXISTS passage_text_search ON strategies_passage "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS passage_text_search")


class Migration(migrations.Migration):
    dependencies = [("strategies", "0004_remove_strategy_document")]

    operations = [migrations.RunPython(create_index, drop_index)]
