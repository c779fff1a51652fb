"""`create_demo_users` gives make run one working account per role."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from ctframework import roles

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def test_one_account_per_role_with_printed_passwords(malta, kenya):
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    rows = re.findall(r"^\s+(\S+)\s+(\S+)\s+(.+?) \(", out.getvalue(), flags=re.M)
    assert {role for _, _, role in rows} == set(roles.ALL_ROLES)
    for username, password, role in rows:
        user = get_user_model().objects.get(username=username)
        assert user.check_password(password), username
        assert user.has_role(role)
    ministry = get_user_model().objects.get(username="ministry-malta")
    assert list(ministry.grants.values_list("role__name", "jurisdiction__code")) == [
        (roles.MINISTRY_READER, "MLT")
    ]


def test_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never created in production"):
        call_command("create_demo_users")


def test_example_assessment_is_created_once(malta, kenya):
    call_command("loaddata", "score-scales", "valletta-principles-2025", verbosity=0)
    call_command("create_demo_users", stdout=StringIO())
    call_command("create_demo_users", stdout=StringIO())
    from assessments.models import Assessment

    assessment = Assessment.objects.get()
    assert assessment.scores.count() == 42
    assert list(assessment.assessors.values_list("username", flat=True)) == ["assessor"]
    assert assessment.reviewer.username == "reviewer"


def test_the_example_strategy_has_its_text_extracted_once(
    malta, kenya, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddata", "score-scales", "valletta-principles-2025", verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_demo_users", stdout=StringIO())
    call_command("create_demo_users", stdout=StringIO())
    from strategies.models import StrategyDocument

    document = StrategyDocument.objects.get()
    assert document.status == StrategyDocument.Status.READY
    assert document.passages.filter(kind="paragraph").count() == 81
    assert document.passages.filter(kind="heading").count() == 27
