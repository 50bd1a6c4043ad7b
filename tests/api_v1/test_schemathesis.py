"""Schemathesis against the published schema and the live app, with a real token: every
operation, bounded examples, derandomised; no 5xx and every answer conforms to the schema."""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

from badges.api_v1.tokens import api_token_create
from badges.models import Assertion
from tests.api_v1.conftest import ALL_SCOPES
from tests.factories import AssertionFactory

EXAMPLES = 12


@pytest.fixture
def live_api(live_server, owner, issuer, badge_class, requestable, settings):
    settings.SITE_URL = live_server.url
    _token, secret = api_token_create(issuer=issuer, created_by=owner, name="schemathesis", scopes=ALL_SCOPES)
    AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org")
    return live_server.url, secret


def test_the_schema_is_openapi_3_1_and_documents_every_operation(live_api):
    base, _secret = live_api
    schema = requests.get(f"{base}/api/v1/schema/?format=json", timeout=10).json()
    assert schema["openapi"] == "3.1.0"
    assert {"/api/v1/assertions/", "/api/v1/assertions/batch/", "/api/v1/assertions/{public_id}/revoke/",
            "/api/v1/applications/{public_id}/decision/", "/api/v1/pathways/{public_id}/progress/",
            "/api/v1/badge-classes/", "/api/v1/jobs/{public_id}/"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"


def test_every_operation_answers_as_its_schema_says(live_api):
    base, secret = live_api
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/schema/?format=json")
    headers = {"Authorization": f"Bearer {secret}"}
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(base_url=base, headers=headers, timeout=30)
            case.validate_response(response)

        check()
        tested.append(operation.label)
    assert len(tested) >= 11
    assert Assertion.objects.exists()
