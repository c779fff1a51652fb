"""Passages cite the document's own paragraph numbers ("[P3]" is "¶ 3", not the 4th passage):
the numbers of documents extracted before are read from their paragraphs here."""

from django.db import migrations, models


def number_existing_paragraphs(apps, schema_editor):
    from strategies.extraction.numbering import paragraph_labels

    Passage = apps.get_model("strategies", "Passage")
    StrategyDocument = apps.get_model("strategies", "StrategyDocument")
    for document_id in StrategyDocument.objects.values_list("pk", flat=True):
        paragraphs = list(
            Passage.objects.filter(document_id=document_id, kind="paragraph").order_by("position")
        )
        labels = paragraph_labels([p.text for p in paragraphs])
        numbered = []
        for passage, label in zip(paragraphs, labels, strict=True):
            if label:
                passage.number_label = label
                numbered.append(passage)
        Passage.objects.bulk_update(numbered, ["number_label"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("strategies", "0008_passage_stored_search_vector")]

    operations = [
        migrations.AddField(
            model_name="passage",
            name="number_label",
            field=models.CharField(
                blank=True,
                help_text=(
                    'How the document numbers this paragraph ("¶ 3", "§ 3", "Article 3"); '
                    "empty when the document does not number its paragraphs."
                ),
                max_length=40,
                verbose_name="number in the document",
            ),
        ),
        migrations.RunPython(number_existing_paragraphs, migrations.RunPython.noop),
    ]
