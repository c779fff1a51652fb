"""Strategy.document files become StrategyDocument rows, queued for text extraction
(`python manage.py extract_documents` runs them); a missing file is recorded as failed."""

import hashlib
import os

from django.db import migrations

FORMATS = {".pdf": "pdf", ".docx": "docx", ".txt": "txt"}


def move_files(apps, schema_editor):
    Strategy = apps.get_model("strategies", "Strategy")
    StrategyDocument = apps.get_model("strategies", "StrategyDocument")
    for strategy in Strategy.objects.exclude(document=""):
        name = strategy.document.name
        try:
            with strategy.document.open("rb") as handle:
                data = handle.read()
        except OSError:
            data = None
        StrategyDocument.objects.create(
            strategy=strategy,
            file=name if data is not None else "",
            original_name=os.path.basename(name)[:255],
            format=FORMATS.get(os.path.splitext(name)[1].lower(), "txt"),
            size=len(data) if data is not None else 0,
            sha256=hashlib.sha256(data).hexdigest() if data is not None else "",
            status="queued" if data is not None else "failed",
            error="" if data is not None else "The file was missing when documents were moved.",
            uploaded_by_id=strategy.created_by_id,
        )


class Migration(migrations.Migration):
    dependencies = [("strategies", "0002_strategy_documents_and_passages")]

    operations = [migrations.RunPython(move_files, migrations.RunPython.noop)]
