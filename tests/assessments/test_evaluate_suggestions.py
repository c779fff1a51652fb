"""`manage.py evaluate_suggestions`: the quality target of the suggestions, measured on the
development set and on the held-out set written independently of the ranking."""

import pytest
from django.core.management import CommandError, call_command

from assessments.management.commands.evaluate_suggestions import DEFAULT_SETS, evaluate

pytestmark = pytest.mark.django_db

TARGET_RECALL_AT_5 = 0.8


@pytest.fixture
def library(db):
    call_command("loaddata", "valletta-principles-2025", "valletta-2025-crosswalk", verbosity=0)


@pytest.mark.parametrize("folder", DEFAULT_SETS, ids=["development", "held-out"])
def test_recall_at_5_meets_the_target_on_each_set(library, folder):
    result = evaluate(folder)
    assert result["recall"] >= TARGET_RECALL_AT_5
    assert result["mrr"] >= 0.7
    assert result["principles"] == {"evaluation": 42, "heldout": 37}[folder.name]


def test_the_command_reports_both_sets(library, capsys):
    call_command("evaluate_suggestions")
    out = capsys.readouterr().out
    assert "tests/strategies/evaluation: recall@5 0." in out
    assert "tests/strategies/evaluation/heldout: recall@5 0." in out


def test_without_the_library_the_command_says_what_to_load():
    with pytest.raises(CommandError, match="loaddata valletta-principles-2025"):
        call_command("evaluate_suggestions")


def test_a_folder_without_labels_is_refused(tmp_path):
    with pytest.raises(CommandError, match="has no labels.yaml"):
        call_command("evaluate_suggestions", str(tmp_path))
