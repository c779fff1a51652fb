"""Migration strategies 0003: a strategy's old `document` file becomes a StrategyDocument
queued for extraction, so no uploaded file is lost when the field goes away."""

import hashlib

import pytest
from django.core.files.base import ContentFile

BEFORE = [("strategies", "0001_initial"), ("assessments", "0004_report_with_observations")]
AFTER = [("strategies", "0005_passage_text_search_index")]

# Migrations run outside a test transaction. No serialized_rollback: after an earlier
# transactional test's flush the content types exist again and restoring them would clash;
# the rows this test makes are flushed after it like any transactional test's.
pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]


def test_old_document_files_become_queued_documents(migrated_to, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old = migrated_to(BEFORE)
    Jurisdiction = old.get_model("strategies", "Jurisdiction")
    Strategy = old.get_model("strategies", "Strategy")
    malta = Jurisdiction.objects.create(code="MLT", name="Malta", kind="member-state")
    with_file = Strategy(jurisdiction=malta, title="With a file", kind="national-ct", language="en")
    with_file.document.save("national.pdf", ContentFile(b"%PDF-1.7 old"))
    missing = Strategy.objects.create(
        jurisdiction=malta,
        title="File gone",
        kind="national-ct",
        language="en",
        document="strategies/2019/lost.docx",
    )
    Strategy.objects.create(jurisdiction=malta, title="No file", kind="pcve", language="en")
    new = migrated_to(AFTER)
    StrategyDocument = new.get_model("strategies", "StrategyDocument")
    moved = StrategyDocument.objects.get(strategy_id=with_file.pk)
    assert moved.file.name == with_file.document.name  # the same file, not a copy
    assert (moved.original_name, moved.format, moved.status) == (
        "national.pdf",
        "pdf",
        "queued",
    )
    assert moved.sha256 == hashlib.sha256(b"%PDF-1.7 old").hexdigest()
    assert moved.size == len(b"%PDF-1.7 old")
    gone = StrategyDocument.objects.get(strategy_id=missing.pk)
    assert (gone.status, gone.format) == ("failed", "docx")
    assert "missing" in gone.error
    assert not gone.file  # no download link to a file that is not there
    assert StrategyDocument.objects.count() == 2
