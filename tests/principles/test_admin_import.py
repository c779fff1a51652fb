"""Administrators import principle sets through the admin with the same checks as the command."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from principles.models import Framework
from tests.principles.test_import_framework import GOOD, modified

pytestmark = [pytest.mark.core, pytest.mark.django_db]

URL = reverse("admin:principles_framework_import")


def upload(data, name="set.yaml"):
    return SimpleUploadedFile(name, yaml.safe_dump(data, sort_keys=False).encode())


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def test_dry_run_then_import(admin_client):
    response = admin_client.post(URL, {"file": upload(GOOD), "dry_run": "on"})
    assert "Dry run: nothing was written" in response.content.decode()
    assert not Framework.objects.exists()
    response = admin_client.post(URL, {"file": upload(GOOD)})
    assert response.status_code == 200
    assert Framework.objects.get().principles.count() == 2


def test_a_bad_file_lists_its_problems_and_writes_nothing(admin_client):
    response = admin_client.post(URL, {"file": upload(modified(principles__0__section="x"))})
    html = response.content.decode()
    assert "nothing was imported" in html
    assert "principles[0].section (line 26): unknown section" in html
    assert not Framework.objects.exists()


@pytest.mark.parametrize("persona", ["assessor", "reviewer", "ministry_malta"])
def test_only_administrators_reach_the_admin(client, request, persona):
    user = request.getfixturevalue(persona)
    user.is_staff = True  # even a staff flag set by mistake grants nothing
    user.save()
    client.force_login(user)
    assert client.post(URL, {"file": upload(GOOD)}).status_code == 302  # to the admin login
    assert client.get(reverse("admin:principles_principle_changelist")).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 302
    assert not Framework.objects.exists()


def test_admin_lists_have_search_and_filters(admin_client):
    admin_client.post(URL, {"file": upload(GOOD)})
    response = admin_client.get(reverse("admin:principles_principle_changelist"), {"q": "Victims"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
