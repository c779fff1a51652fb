"""The reviewed seed library: every crosswalk link carries its review record, the disputed
links are gone and the missing ones are there, PG.3's tasks for CTED are not assessable, and
the GCTF recommendations keep their footnotes and adoption date."""

import pytest
from django.core.management import call_command

from principles.fixture_builder import LIBRARY_DIR
from principles.library_files import read_library_file
from principles.models import CrossReference, Framework, Principle

pytestmark = [pytest.mark.core]

CROSSWALK = read_library_file((LIBRARY_DIR / "valletta-2025-crosswalk.yaml").read_bytes())


def pairs(entries) -> set[tuple[str, str]]:
    return {(m["source"]["code"], m["target"]["code"]) for m in entries}


def test_every_link_has_a_reviewed_rationale():
    for entry in CROSSWALK["mappings"] + CROSSWALK["removed"]:
        review = entry["review"]
        assert review["verdict"] in {"kept", "changed", "added", "removed"}
        assert len(review["note"].split()) >= 8, entry["target"]["code"]
        assert len(entry["rationale"].split()) >= 8
        assert review["reviewed_on"] == "2026-12-02"
    verdicts = [m["review"]["verdict"] for m in CROSSWALK["mappings"]]
    assert len(CROSSWALK["mappings"]) == 223 and len(CROSSWALK["removed"]) == 15
    assert len(CROSSWALK["mappings"]) - verdicts.count("added") + 15 == 219  # every old link


def test_the_disputed_links_are_gone_and_the_missing_ones_are_there():
    kept = pairs(CROSSWALK["mappings"])
    for disputed in [
        ("VP-40", "ROME24-18"),
        ("VP-5", "CTED17-1"),
        ("VP-25", "PG3-s"),
        ("VP-30", "PG3-c"),
    ]:
        assert disputed not in kept and disputed in pairs(CROSSWALK["removed"])
    for missing in [
        ("VP-13", "CTED17-5"),
        ("VP-13", "CTED17-6"),
        ("VP-13", "CTED17-14"),
        ("VP-3", "PG3-j"),
        ("VP-16", "PG3-j"),
        ("VP-5", "PG3-a"),
        ("VP-42", "PG3-a"),
        ("VP-12", "CTED17-37"),
        ("VP-33", "CTED17-37"),
        ("VP-29", "CTED17-22"),
        ("VP-25", "CTED17-29"),
        ("VP-8", "VGP-40"),
        ("VP-16", "VGP-40"),
        ("VP-28", "VGP-40"),
    ]:
        assert missing in kept, missing
    types = {
        (m["source"]["code"], m["target"]["code"]): m["relationship"] for m in CROSSWALK["mappings"]
    }
    assert "equivalent-to" not in types.values()
    assert types[("VP-7", "VGP-11")] == "intersects-with"
    assert types[("VP-28", "VR-10")] == "intersects-with"
    assert {f"VP-{n}" for n in range(1, 43)} <= {m["source"]["code"] for m in CROSSWALK["mappings"]}


@pytest.mark.django_db
def test_the_fixtures_carry_the_review_and_the_marks():
    call_command("loaddata", "valletta-2025-crosswalk", "ctc-policy-guidance-pg3", verbosity=0)
    assert CrossReference.objects.count() == 223
    assert not CrossReference.objects.filter(review_verdict="").exists()
    pg3 = Principle.objects.filter(framework__slug="ctc-policy-guidance-pg3").select_related(
        "section"
    )
    not_assessable = sorted(p.number for p in pg3 if not p.is_assessable)
    assert not_assessable == list("opqrst")
    gctf = Framework.objects.get(slug="gctf-valletta-recommendations")
    assert gctf.adopted_on.isoformat() == "2016-09-21"
    assert "Malta in May 2015, Morocco in October 2015" in gctf.notes  # footnote 1
    vr4 = gctf.principles.get(code="VR-4")
    assert "Footnote 6: Terrorist cases typically involve" in vr4.notes  # judicial review
    assert "pretrial detention should be subject to prompt judicial review" in vr4.notes
    assert "Rabat Memorandum" in gctf.principles.get(code="VR-1").notes
