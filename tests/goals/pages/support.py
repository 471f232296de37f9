"""Data sets and helpers shared by the browsing-page tests."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals.demo import CURRENT_PERIOD, load_goals
from goals.models import Goal
from goals.services.generate import generate_goals
from vision.actors import system_actor
from vision.models import MandatePeriod

DEMO_TITLE = "Norrköpingsbornas utbildningsnivå ska höjas"


def load_demo_data(size: str) -> MandatePeriod:
    """The demo data set; for "10x" also a synthetic tree ten times its size in the current period."""
    load_goals()
    period = MandatePeriod.objects.get(slug=CURRENT_PERIOD)
    if size == "10x":
        demo_size = Goal.objects.valid_in(period).count()
        generate_goals(by=system_actor(), goals_per_period=9 * demo_size, periods=1)
        assert Goal.objects.valid_in(period).count() >= 10 * demo_size
    return period


def count_queries(client, url: str, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries.captured_queries), response
