"""Shared fixtures of the assessment tests: the evidence world."""

import pytest

from tests.assessments.evidence_world import make_world


@pytest.fixture
def world(malta, assessor, reviewer):
    """A Maltese assessment whose strategy text has been uploaded (see evidence_world)."""
    return make_world(jurisdiction=malta, assessor=assessor, reviewer=reviewer)
