"""Schemathesis against the OpenAPI schema, authenticated as each role: no 5xx, no response
that contradicts the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from ctframework.wsgi import application
from tests.factories import make_assessment

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

PERSONAS = ["anonymous", "admin_user", "assessor", "reviewer", "ministry_malta", "ministry_kenya"]
EXAMPLES = 6  # per operation and persona: bounded, so the suite stays quick


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Schemathesis calls the WSGI app directly; Django's request signals would close the
    connection that holds the test's transaction (its own test client disconnects them)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(malta, assessor, reviewer, settings):
    """An assessment, a strategy and a report for the generated requests to find."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_CLASSES": [],
    }
    from tests.factories import ScoreScaleFactory

    ScoreScaleFactory(is_default=True)
    return make_assessment(jurisdiction=malta, assessors=[assessor], reviewer=reviewer)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_never_errors_and_keeps_its_schema(case, persona, request, world):
    headers = {}
    if persona != "anonymous":
        user = request.getfixturevalue(persona)
        headers["Authorization"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    response = case.call(headers=headers)
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    case.validate_response(
        response,
        checks=[response_schema_conformance, status_code_conformance],
        excluded_checks=[negative_data_rejection, positive_data_acceptance],
    )
