"""factory-boy factories for test data."""

import factory
from django.contrib.auth import get_user_model

from strategies.models import Jurisdiction

PASSWORD = "correct horse battery staple"


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"J{n:02d}")
    name = factory.Sequence(lambda n: f"Jurisdiction {n}")
    kind = Jurisdiction.Kind.MEMBER_STATE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "principles.Framework"
        django_get_or_create = ["slug", "version"]

    slug = factory.Sequence(lambda n: f"framework-{n}")
    version = "1"
    title = factory.Sequence(lambda n: f"Principle set {n}")
    short_title = factory.Sequence(lambda n: f"Set {n}")
    issuing_body = "CTED"
    kind = "principles"
    source_document = "A test document"
    item_label = "Principle"
    assessable = True


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "principles.Section"

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"section-{n}")
    title = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(lambda n: n)


class PrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "principles.Principle"

    section = factory.SubFactory(SectionFactory)
    framework = factory.SelfAttribute("section.framework")
    code = factory.Sequence(lambda n: f"P-{n}")
    number = factory.Sequence(lambda n: str(n))
    title = factory.Sequence(lambda n: f"Principle {n}")
    text = "Strategies should be comprehensive and integrated."
    order = factory.Sequence(lambda n: n)


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategies.Strategy"

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    title = factory.Sequence(lambda n: f"National Counter-Terrorism Strategy {n}")
    kind = "national-ct"
    language = "en"
    year_adopted = 2024


DEFAULT_LEVELS = [
    ("0", 0, "Not addressed"),
    ("1", 1, "Mentioned only"),
    ("2", 2, "Partially addressed"),
    ("3", 3, "Largely addressed"),
    ("4", 4, "Fully addressed"),
    ("na", None, "Not applicable"),
]


class ScoreScaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.ScoreScale"
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    slug = "test-scale"
    name = "Test scale"

    @factory.post_generation
    def levels(obj, create, extracted, **kwargs):
        if create and not obj.levels.exists():
            for order, (code, value, label) in enumerate(DEFAULT_LEVELS):
                obj.levels.create(code=code, value=value, label=label, order=order)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.Assessment"

    strategy = factory.SubFactory(StrategyFactory)
    framework = factory.SubFactory(FrameworkFactory)
    scale = factory.SubFactory(ScoreScaleFactory)


def grant(user, role: str, *scopes):
    """Give `user` `role` for each scope (a Jurisdiction or MembershipSet; none for
    Administrator), as accounts.services.grant_add does, without its checks."""
    from django.contrib.auth.models import Group

    from accounts.models import Grant, MembershipSet

    group = Group.objects.get_or_create(name=role)[0]
    for scope in scopes or [None]:
        Grant.objects.get_or_create(
            user=user,
            role=group,
            jurisdiction=scope if isinstance(scope, Jurisdiction) else None,
            membership_set=scope if isinstance(scope, MembershipSet) else None,
        )
    user.__dict__.pop("_grant_scopes", None)
    return user


def make_framework(principles: int = 10, sections: int = 2, slug: str | None = None):
    """A framework with `principles` items spread over `sections` sections."""
    from principles.models import Framework

    framework = FrameworkFactory(**({"slug": slug} if slug else {}))
    made = [
        SectionFactory(framework=framework, code=f"s{i}", title=f"Section {i + 1}", order=i)
        for i in range(sections)
    ]
    for i in range(principles):
        PrincipleFactory(
            framework=framework,
            section=made[i % sections],
            code=f"{framework.slug[:3].upper()}-{i + 1}",
            number=str(i + 1),
            title=f"Principle {i + 1}",
            order=i,
        )
    return Framework.objects.get(pk=framework.pk)


def make_assessment(*, jurisdiction, assessors, reviewer=None, principles: int = 10, **kwargs):
    """An assessment made the way the app makes it: one empty score per principle."""
    from assessments.services import assessment_create

    scale = ScoreScaleFactory(is_default=True)
    strategy = StrategyFactory(jurisdiction=jurisdiction)
    return assessment_create(
        strategy=strategy,
        framework=kwargs.pop("framework", None) or make_framework(principles),
        scale=scale,
        assessors=assessors,
        reviewer=reviewer,
        created_by=assessors[0],
        **kwargs,
    )
