"""Query counts of the public tree, its expand fragment and the goal page, pinned at two data sizes.

Cold: with an empty cache, so the whole page is built (the periods and units, read once
per change of theirs by goals/catalog.py, excepted). Warm: answered from the
cache, which costs no query (the goal page's follow-up data is covered by the
period versions too). An anonymous reader's request reads no session and no user.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from goals import catalog
from goals.models import Goal
from tests.goals.pages.support import DEMO_TITLE, load_demo_data

# page -> (cold, warm)
PINNED = {
    "home": (3, 0),
    "tree": (2, 0),
    "tree-opened": (4, 0),
    "search": (2, 0),
    "children": (3, 0),
    "goal": (10, 0),
    "goals.csv": (1, 0),
}


def decide_everything(period) -> None:
    """Make every goal of the period decided, so the public tree grows with the data.

    A direct update, not goal_update per goal: this only sizes a data set for counting queries.
    """
    Goal.objects.valid_in(period).filter(decided_on__isnull=True).update(
        decided_by="Kommunfullmäktige", decided_on=datetime.date(2023, 1, 31)
    )


def urls(period) -> dict[str, tuple[str, dict]]:
    goal = Goal.objects.valid_in(period).get(title=DEMO_TITLE)
    deep = Goal.objects.valid_in(period).filter(depth=5).order_by("path").first()
    return {
        "home": ("/public/", {}),
        "tree": (f"/public/goals/?period={period.slug}", {}),
        "tree-opened": (f"/public/goals/?period={period.slug}&open={deep.pk}", {}),
        "search": ("/public/goals/?q=elever", {}),
        "children": (f"/public/goals/{goal.pk}/children/?period={period.slug}", {"HTTP_HX_REQUEST": "true"}),
        "goal": (f"/public/goals/{goal.pk}/", {}),
        "goals.csv": (f"/public/data/goals.csv?period={period.slug}", {}),
    }


def counts(period) -> dict[str, tuple[int, int]]:
    client = Client()
    found = {}
    for page, (url, headers) in urls(period).items():
        cache.clear()
        catalog.catalog()  # the periods and units, read once per change of theirs
        measured = []
        for _ in range(2):  # an empty cache, then a warm one
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, **headers)
            assert response.status_code == 200, (url, response.status_code)
            measured.append(len(queries))
        found[page] = tuple(measured)
    return found


@pytest.mark.parametrize("size", ["demo", "10x"])
def test_public_pages_cost_their_pinned_queries_at_both_sizes(db, public_on, size):
    period = load_demo_data(size)
    decide_everything(period)
    public = Goal.objects.public().valid_in(period).count()
    # The larger data set puts about ten times as many goals in the public tree.
    assert (public < 60) if size == "demo" else (public > 300), public
    assert counts(period) == PINNED
