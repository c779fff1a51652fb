"""The app's own translations of its data (score scales, themes): locale/data/<language>.yaml
has every text of locale/data/en.yaml, and the fixtures carry them."""

import copy
import json
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from ctframework import data_translations
from principles.fixture_builder import build_fixtures, score_scale_fixture

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"
ENGLISH = yaml.safe_load((data_translations.DATA_DIR / "en.yaml").read_text(encoding="utf-8"))


def leaves(data, prefix=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*prefix, str(key)))
    else:
        yield prefix, data


def committed_scales():
    return json.loads((FIXTURE_DIR / "score-scales.json").read_text(encoding="utf-8"))


def test_english_reference_names_every_scale_level_and_theme():
    """en.yaml is what translators translate: it must hold every text the data has."""
    scales = committed_scales()
    assert {
        obj["fields"]["slug"] for obj in scales if obj["model"] == "assessments.scorescale"
    } == set(ENGLISH["score_scales"])
    for obj in scales:
        fields = obj["fields"]
        if obj["model"] == "assessments.scorescale":
            assert ENGLISH["score_scales"][fields["slug"]]["name"] == fields["name"]
        elif obj["model"] == "assessments.scorelevel":
            english = ENGLISH["score_levels"][fields["scale"][0]][str(fields["code"])]
            assert english == {"label": fields["label"], "guidance": fields["guidance"]}
    tags = {
        obj["fields"]["slug"]: obj["fields"]["name"]
        for objects in build_fixtures().values()
        for obj in objects
        if obj["model"] == "principles.tag"
    }
    assert tags == ENGLISH["tags"]


@pytest.mark.parametrize("language", data_translations.LANGUAGES)
def test_each_language_translates_every_text(language):
    translated = dict(leaves(data_translations.load(language)))
    for key, english in leaves(ENGLISH):
        assert translated.get(key), f"{language}: {'.'.join(key)} ({english!r}) untranslated"
        assert translated[key] != english, f"{language}: {'.'.join(key)} left in English"
    assert set(translated) == {key for key, _ in leaves(ENGLISH)}, "keys that en.yaml lacks"


def test_score_scale_fixture_carries_the_translations():
    """`make fixtures` was run after the last change to locale/data."""
    scales = committed_scales()
    assert score_scale_fixture(copy.deepcopy(scales)) == scales
    level = next(obj for obj in scales if obj["model"] == "assessments.scorelevel")
    assert set(level["fields"]["translations"]) == set(data_translations.LANGUAGES)
