"""The base template: landmarks, labels, translation, right-to-left, nothing from a CDN."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def test_landmarks_and_skip_link(client, assessor):
    client.force_login(assessor)
    html = client.get(reverse("home")).content.decode()
    for landmark in [
        '<header class="site-header">',
        '<main id="main"',
        "<footer",
        "<nav aria-label",
    ]:
        assert landmark in html
    assert 'href="#main"' in html
    assert '<html lang="en" dir="ltr">' in html
    assert '<label for="language-select"' in html


def test_arabic_is_right_to_left(client, assessor):
    client.force_login(assessor)
    client.cookies["django_language"] = "ar"
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_every_script_and_stylesheet_is_served_locally(client, assessor):
    client.force_login(assessor)
    html = client.get(reverse("home")).content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert urls, "the page loads its own CSS and JS"
    for url in urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), url
