"""The OpenAPI schema at /api/schema/ is valid, and every operation in it answers
generated requests without a 5xx and with responses that match the schema."""

import pytest
import schemathesis
import yaml
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from goals import services
from tests.factories import UserFactory
from vision.actors import system_actor

EXAMPLES_PER_OPERATION = 25
# What the issue asks: no 5xx, and every response as documented. Left out is
# schemathesis' heuristic that an unknown slug in a filter must give 404: an
# unknown ?period= or ?unit= is a refused parameter here (400 that says why).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def token(db):
    return Token.objects.create(user=UserFactory(username="integration"))


@pytest.fixture
def wsgi_app():
    """The project's WSGI app, with the request signals that would close the
    test's connection (and its transaction) unhooked, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def populated(small_tree, next_period):
    services.goal_link_add(by=system_actor(), source=small_tree["first"], target=small_tree["area"])
    services.period_carry_over(by=system_actor(), source=small_tree["first"].period, target=next_period)
    return small_tree


def test_schema_lists_the_contract_endpoints(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/schema/")
    assert response.status_code == 200
    paths = yaml.safe_load(response.content)["paths"]
    for path in ["/api/periods/", "/api/units/", "/api/goals/", "/api/goals/{id}/", "/api/tree/"]:
        assert path in paths
    goal = yaml.safe_load(response.content)["components"]["schemas"]["GoalSummary"]["properties"]
    assert {"id", "title", "level", "depth", "parent", "period", "unit", "url"} <= set(goal)


def test_every_operation_answers_generated_requests_as_the_schema_says(populated, token, wsgi_app):
    auth = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11, "goals' seven operations and dialogue's four"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case):
            response = case.call(headers=auth)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
            case.validate_response(response, checks=CHECKS, headers=auth)

        answers_as_documented()
