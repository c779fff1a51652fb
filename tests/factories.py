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
