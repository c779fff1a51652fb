"""Schemathesis against the OpenAPI schema, authenticated as each role: no 5xx, no response
that contradicts the schema (its body, its status code, its content type).

Generated ids rarely name an existing object, so the first cases of each operation are sent
twice: as generated, and with their path's ids replaced by those of a real assessment, score,
document, passage, evidence link and report, so that the schema of successful answers is
checked too."""

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

from assessments.evidence import evidence_link
from assessments.models import Report
from ctframework.wsgi import application
from tests.assessments.evidence_world import VICTIMS_TEXT, make_world

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

PERSONAS = ["anonymous", "admin_user", "assessor", "reviewer", "ministry_malta", "ministry_kenya"]
EXAMPLES = 6  # per operation and persona: bounded, so the suite stays quick
REAL_EXAMPLES = 2  # of which are sent a second time to real objects
_sent_to_real: dict[tuple, int] = {}


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
def real_ids(malta, assessor, reviewer, settings, tmp_path):
    """A Maltese assessment with its strategy's text, an evidence link and a finished report;
    the ids each path parameter takes when a case is sent to real objects."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    settings.MEDIA_ROOT = tmp_path
    world = make_world(jurisdiction=malta, assessor=assessor, reviewer=reviewer)
    passage = world.passage(VICTIMS_TEXT)
    link = evidence_link(score=world.victims, passage=passage, user=assessor)
    report = Report.objects.create(
        assessment=world.assessment, content_hash="0" * 64, status=Report.Status.DONE
    )
    framework = world.assessment.framework
    return {
        "/assessments/{id}": world.assessment.pk,
        "{assessment_pk}": world.assessment.pk,
        "/scores/{id}": world.victims.pk,
        "/evidence/{id}": link.pk,
        "/strategies/{id}": world.assessment.strategy_id,
        "/documents/{id}": world.document.pk,
        "/passages/{id}": passage.pk,
        "/reports/{id}": str(report.pk),
        "/frameworks/{id}": framework.pk,
        "/sections/{id}": framework.sections.first().pk,
        "/principles/{id}": world.victims.principle_id,
        "/jurisdictions/{id}": malta.pk,
    }


def with_real_ids(case, real_ids) -> bool:
    """Point the case's path parameters at real objects; False when none applies."""
    changed = False
    for name in list(case.path_parameters or {}):
        for marker, value in real_ids.items():
            if marker.endswith("{" + name + "}") and marker in case.path:
                case.path_parameters[name] = value
                changed = True
    return changed


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_never_errors_and_keeps_its_schema(case, persona, request, real_ids):
    headers = {}
    if persona != "anonymous":
        user = request.getfixturevalue(persona)
        headers["Authorization"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    for real in (False, True):
        if real:
            key = (case.method, case.path, persona)
            _sent_to_real[key] = _sent_to_real.get(key, 0) + 1
            if _sent_to_real[key] > REAL_EXAMPLES or not with_real_ids(case, real_ids):
                break
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.method, case.path, response.text[:500])
        case.validate_response(
            response,
            checks=[response_schema_conformance, status_code_conformance],
            excluded_checks=[negative_data_rejection, positive_data_acceptance],
        )
