"""The committed fixtures: up to date with principles/library/, complete, and loadable in any
order, any number of times, with the same result."""

import json
import random
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder

from accounts.models import MembershipSet
from assessments.models import ScoreLevel, ScoreScale
from principles.fixture_builder import build_fixtures, fixture_json
from principles.models import CrossReference, Framework, Principle, Section, Tag
from strategies.models import Jurisdiction

pytestmark = [pytest.mark.core, pytest.mark.django_db]

FIXTURE_DIR = Path(settings.FIXTURE_DIRS[0])
FIXTURE_NAMES = sorted(path.stem for path in FIXTURE_DIR.glob("*.json"))
CROSSWALK = "valletta-2025-crosswalk"
MODELS = [
    Tag,
    Framework,
    Section,
    Principle,
    Principle.tags.through,
    CrossReference,
    Jurisdiction,
    MembershipSet,
    ScoreScale,
    ScoreLevel,
]

VP = ("valletta-principles", "2025")
VR = ("gctf-valletta-recommendations", "1")
PG3 = ("ctc-policy-guidance-pg3", "2010")
ROME = ("rome-2024-coordination-mechanism", "2024")
CTED = ("cted-2017-judicial-cooperation", "2017")


built_fixtures = cache(build_fixtures)


def items(framework):
    slug, version = framework
    return Principle.objects.filter(framework__slug=slug, framework__version=version).order_by(
        "order"
    )


def counts():
    return {model._meta.label: model.objects.count() for model in MODELS}


def snapshot():
    """Every row of the principle models and jurisdictions, primary keys included."""
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in MODELS}


def canonical(objects):
    """Fixture-style objects as comparable text, per model, independent of order."""
    out = {}
    for obj in objects:
        fields = dict(obj["fields"])
        for many in ("tags", "members"):
            if many in fields:
                fields[many] = sorted(fields[many])
        out.setdefault(obj["model"], set()).add(json.dumps(fields, sort_keys=True))
    return out


def database_contents():
    """What the database holds, serialized with natural keys like the fixtures are."""
    querysets = [
        Tag.objects.all(),
        Framework.objects.all(),
        Section.objects.select_related("framework", "parent__framework"),
        Principle.objects.select_related("framework", "section__framework").prefetch_related(
            "tags"
        ),
        CrossReference.objects.select_related("source__framework", "target__framework"),
        Jurisdiction.objects.all(),
        MembershipSet.objects.select_related("organisation").prefetch_related("members"),
        ScoreScale.objects.all(),
        ScoreLevel.objects.select_related("scale"),
    ]
    objects = []
    for queryset in querysets:
        objects += serializers.serialize(
            "python", queryset, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
    # The python serializer keeps dates as dates; the fixtures carry them as text.
    return canonical(json.loads(json.dumps(objects, cls=DjangoJSONEncoder)))


def fixture_contents():
    """The union of every committed fixture file (the crosswalk repeats its frameworks)."""
    objects = []
    for name in FIXTURE_NAMES:
        objects += json.loads((FIXTURE_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return canonical(objects)


# --- the fixtures are built from the library -----------------------------------------------


def test_committed_fixtures_are_up_to_date():
    built = built_fixtures()
    assert built, "no library files found"
    for name, objects in built.items():
        path = FIXTURE_DIR / f"{name}.json"
        assert path.exists(), f"fixtures/{name}.json is missing: run `make fixtures`"
        assert fixture_json(objects) == path.read_text(encoding="utf-8"), (
            f"fixtures/{name}.json is out of date with principles/library/: run `make fixtures`"
        )


def test_no_stale_principle_fixtures():
    """Every fixture holding principle-library objects comes from a library file."""
    built = set(built_fixtures())
    for name in FIXTURE_NAMES:
        objects = json.loads((FIXTURE_DIR / f"{name}.json").read_text(encoding="utf-8"))
        if any(obj["model"].startswith("principles.") for obj in objects):
            assert name in built, (
                f"fixtures/{name}.json has no library file in principles/library/: "
                "remove it or add its library file and run `make fixtures`"
            )


# --- what each fixture holds ----------------------------------------------------------------


def test_valletta_principles():
    call_command("loaddata", "valletta-principles-2025", verbosity=0)
    framework = Framework.objects.get_by_natural_key(*VP)
    assert framework.assessable is True
    principles = list(items(VP))
    assert [p.code for p in principles] == [f"VP-{n}" for n in range(1, 43)]
    assert [p.number for p in principles] == [str(n) for n in range(1, 43)]

    sections = {s.code: s for s in framework.sections.all()}
    assert list(sections) == [
        "overarching",
        "substantive",
        "substantive-regional",
        "procedural",
        "procedural-regional",
    ]
    expected = {
        # code: (title, parent, codes of its principles)
        "overarching": ("Overarching principles", None, range(1, 9)),
        "substantive": ("Substantive principles", None, range(9, 29)),
        "substantive-regional": ("Regional counter-terrorism strategies", "substantive", (29, 30)),
        "procedural": ("Procedural principles", None, range(31, 39)),
        "procedural-regional": (
            "Regional counter-terrorism strategies",
            "procedural",
            range(39, 43),
        ),
    }
    for code, (title, parent, numbers) in expected.items():
        section = sections[code]
        assert section.title == title, code
        assert (section.parent.code if section.parent else None) == parent, code
        assert [p.code for p in section.principles.order_by("order")] == [
            f"VP-{n}" for n in numbers
        ], code
    assert [len(expected[c][2]) for c in expected] == [8, 20, 2, 8, 4]

    vp28 = Principle.objects.get_by_natural_key(*VP, "VP-28")
    assert "parliamentarians" in vp28.title.lower()
    assert all(p.text.strip() for p in principles)


def test_gctf_valletta_recommendations():
    call_command("loaddata", "gctf-valletta-recommendations", verbosity=0)
    assert Framework.objects.get_by_natural_key(*VR).assessable is True
    assert [p.code for p in items(VR)] == [f"VR-{n}" for n in range(1, 12)]


def test_ctc_policy_guidance_pg3():
    call_command("loaddata", "ctc-policy-guidance-pg3", verbosity=0)
    framework = Framework.objects.get_by_natural_key(*PG3)
    assert framework.assessable is True
    letters = "abcdefghijklmnopqrst"
    principles = list(items(PG3))
    assert [p.code for p in principles] == [f"PG3-{letter}" for letter in letters]
    assert [p.number for p in principles] == list(letters)
    sections = framework.sections.order_by("order")
    assert [(s.code, s.principles.count()) for s in sections] == [
        ("general", 6),
        ("extradition", 4),
        ("mutual-legal-assistance", 4),
        ("requests-to-cted", 6),
    ]
    # Document order: the sections take the letters in turn.
    assert [p.section.code for p in principles] == (
        ["general"] * 6
        + ["extradition"] * 4
        + ["mutual-legal-assistance"] * 4
        + ["requests-to-cted"] * 6
    )


def test_rome_2024_coordination_mechanism():
    call_command("loaddata", "rome-2024-coordination-mechanism", verbosity=0)
    assert Framework.objects.get_by_natural_key(*ROME).assessable is False
    assert items(ROME).exists()
    assert items(ROME).filter(title__icontains="victims").exists()


def test_cted_2017_judicial_cooperation():
    call_command("loaddata", "cted-2017-judicial-cooperation", verbosity=0)
    framework = Framework.objects.get_by_natural_key(*CTED)
    assert framework.assessable is False
    leaves = set(framework.sections.filter(children=None).values_list("code", flat=True))
    used = set(items(CTED).values_list("section__code", flat=True))
    assert len(leaves) == 5
    assert used == leaves


def test_meeting_outcomes_are_not_assessable():
    frameworks = [n for n in FIXTURE_NAMES if n not in (CROSSWALK, "jurisdictions")]
    call_command("loaddata", *frameworks, verbosity=0)
    outcomes = Framework.objects.filter(kind=Framework.Kind.MEETING_OUTCOME)
    assert outcomes.count() >= 3  # Rome 2024, CTED 2017, Valletta 2025 summary
    assert not outcomes.filter(assessable=True).exists()
    assessable = {f.natural_key() for f in Framework.objects.filter(assessable=True)}
    assert {VP, VR, PG3} <= assessable


# --- the crosswalk --------------------------------------------------------------------------


def test_crosswalk_loads_on_its_own():
    assert not Framework.objects.exists()
    call_command("loaddata", CROSSWALK, verbosity=0)
    refs = CrossReference.objects.select_related("source__framework", "target__framework")
    assert refs.exists()

    vp = list(items(VP))
    assert len(vp) == 42
    without = [p.code for p in vp if not p.references_out.exists()]
    assert without == [], f"Valletta Principles with no cross-reference: {without}"

    def targets(code, framework=None):
        out = refs.filter(source=Principle.objects.get_by_natural_key(*VP, code))
        if framework:
            out = out.filter(
                target__framework__slug=framework[0], target__framework__version=framework[1]
            )
        return {r.target.code for r in out}

    assert {f"VR-{n}" for n in range(1, 12)} <= targets("VP-28", VR)
    victims = items(ROME).filter(title__icontains="victims")
    assert victims.exists()
    assert targets("VP-22", ROME) & {p.code for p in victims}
    assert targets("VP-25", PG3)
    assert targets("VP-13", PG3)

    for ref in refs:
        assert 1 <= ref.strength <= 10, str(ref)
        assert ref.rationale.strip(), str(ref)
        assert ref.source.framework_id != ref.target.framework_id, str(ref)


# --- idempotent and order-independent -------------------------------------------------------


def test_loading_twice_changes_nothing():
    call_command("loaddata", *FIXTURE_NAMES, verbosity=0)
    first_counts, first = counts(), snapshot()
    assert all(first_counts.values()), first_counts
    call_command("loaddata", *FIXTURE_NAMES, verbosity=0)
    assert counts() == first_counts
    assert snapshot() == first


def _orders():
    names = FIXTURE_NAMES
    others = [n for n in names if n != CROSSWALK]
    orders = {
        "sorted": names,
        "reversed": names[::-1],
        "crosswalk-first": [CROSSWALK, *others],
        "crosswalk-last": [*others, CROSSWALK],
    }
    rng = random.Random(20250313)
    for i in (1, 2):
        shuffled = list(names)
        rng.shuffle(shuffled)
        orders[f"shuffle-{i}"] = shuffled
    return orders


ORDERS = _orders()


@pytest.mark.parametrize("order", list(ORDERS.values()), ids=list(ORDERS))
def test_any_order_gives_the_same_database(order):
    assert not Framework.objects.exists() and not Jurisdiction.objects.exists()
    call_command("loaddata", *order, verbosity=0)
    expected = fixture_contents()
    assert counts() == {
        "principles.Tag": len(expected["principles.tag"]),
        "principles.Framework": len(expected["principles.framework"]),
        "principles.Section": len(expected["principles.section"]),
        "principles.Principle": len(expected["principles.principle"]),
        "principles.Principle_tags": sum(
            len(json.loads(p)["tags"]) for p in expected["principles.principle"]
        ),
        "principles.CrossReference": len(expected["principles.crossreference"]),
        "strategies.Jurisdiction": len(expected["strategies.jurisdiction"]),
        "accounts.MembershipSet": len(expected["accounts.membershipset"]),
        "assessments.ScoreScale": len(expected["assessments.scorescale"]),
        "assessments.ScoreLevel": len(expected["assessments.scorelevel"]),
    }
    assert database_contents() == expected
