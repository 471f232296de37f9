"""The indicator API: reads with their fields, and the measurement write accepted for an editor
of the goal's unit, refused (403, nothing written) for an editor of another unit and a reader."""

import pytest
import schemathesis
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

from goals import catalog
from goals.followup.models import Measurement
from tests.factories import UnitFactory, UserFactory
from vision.actors import system_actor
from vision.models import UnitRole
from vision.services import membership_grant

# No 5xx, and every response as documented.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app():
    """The project's WSGI app, with the request signals that would close the test's connection
    (and its transaction) unhooked, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def other_editor(db):
    user = UserFactory(username="redaktor-social", is_staff=True)
    unit = UnitFactory(slug="socialkontoret", name="Socialkontoret", kind="office")
    membership_grant(by=system_actor(), user=user, unit=unit, role=UnitRole.EDITOR)
    return user


def test_list_and_detail_carry_the_contract_fields(indicator, editor, django_assert_max_num_queries):
    client = api_as(editor)
    catalog.catalog()  # the periods, read once per change of theirs (goals/catalog.py)
    # token, unit, count, page, targets, measurements: the same for any number of indicators
    with django_assert_max_num_queries(6):
        listed = client.get(f"/api/indicators/?period={indicator.goal.period.slug}&unit=utbildningskontoret")
    assert listed.status_code == 200
    row = listed.json()["results"][0]
    assert {
        "id",
        "goal",
        "title",
        "unit",
        "direction",
        "source",
        "kolada_kpi",
        "status",
        "targets",
        "measurements",
    } <= set(row)
    assert row["status"] == "not_met"  # 2024: 70 against 82
    assert row["targets"] == [{"year": 2023, "value": 80.0}, {"year": 2024, "value": 82.0}]
    assert row["measurements"][0] == {
        "period": "2023",
        "gender": "T",
        "value": 79.0,
        "status": "",
        "source": "manual",
    }
    assert client.get(f"/api/indicators/?goal={indicator.goal_id}").json()["count"] == 1
    assert client.get("/api/indicators/?unit=no-such-unit").status_code == 404
    assert client.get(f"/api/indicators/{indicator.pk}/").json()["id"] == indicator.pk


def test_an_editor_of_the_goals_unit_records_a_value_idempotently(indicator, editor):
    client = api_as(editor)
    body = {"period": "2025", "value": 71.5, "gender": "T", "comment": ""}
    first = client.post(f"/api/indicators/{indicator.pk}/measurements/", body, format="json")
    assert first.status_code == 201, first.content
    assert first.json() == {"period": "2025", "gender": "T", "value": 71.5, "status": "", "source": "manual"}
    rows = Measurement.history.count()
    again = client.post(f"/api/indicators/{indicator.pk}/measurements/", body, format="json")
    assert again.status_code == 200 and Measurement.history.count() == rows, (
        "the same value twice writes nothing"
    )
    changed = client.post(
        f"/api/indicators/{indicator.pk}/measurements/", {**body, "value": None}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["value"] is None
    assert Measurement.objects.filter(indicator=indicator, period="2025").count() == 1


def test_bad_fields_get_a_400_naming_each(indicator, editor):
    response = api_as(editor).post(
        f"/api/indicators/{indicator.pk}/measurements/",
        {"period": "2025-13", "value": "many", "gender": "X"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"period", "value", "gender"}


@pytest.mark.parametrize("who", ["other_editor", "reader_user"])
def test_anyone_else_is_refused_and_nothing_is_written(indicator, other_editor, who):
    user = other_editor if who == "other_editor" else UserFactory(username="lasare")
    before = list(Measurement.objects.values_list("period", "value"))
    response = api_as(user).post(
        f"/api/indicators/{indicator.pk}/measurements/", {"period": "2025", "value": 1.0}, format="json"
    )
    assert response.status_code == 403
    assert list(Measurement.objects.values_list("period", "value")) == before


def test_anonymous_callers_get_401(indicator):
    assert APIClient().post(f"/api/indicators/{indicator.pk}/measurements/", {}).status_code == 401
    assert APIClient().get("/api/indicators/").status_code == 401


def test_the_indicator_endpoints_answer_generated_requests_as_the_schema_says(indicator, editor, wsgi_app):
    """schemathesis over the new operations, as the goal's editor (so writes are accepted): no 5xx,
    every response as documented."""
    auth = {"Authorization": f"Token {Token.objects.create(user=editor).key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=auth)
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path.startswith("/api/indicators/")
    ]
    assert len(operations) == 3
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case):
            if "id" in (case.path_parameters or {}) and case.path_parameters["id"] % 2 == 0:
                case.path_parameters["id"] = indicator.pk  # half the cases on a real indicator
            response = case.call(headers=auth)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
            case.validate_response(response, checks=CHECKS, headers=auth)

        answers_as_documented()
