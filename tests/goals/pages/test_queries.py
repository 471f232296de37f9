"""Query counts of every browsing page, pinned at two data sizes.

Each request also reads the session and the signed-in user (2 queries); the
pinned numbers include them. The periods and units the pages offer are read once
per change by goals/catalog.py, not per request, so they are read before counting. The same page must cost the same at the demo
size and at ten times that size, so an N+1 cannot land.
"""

import pytest

from goals import catalog
from goals.followup.choices import Direction
from goals.followup.models import Indicator
from goals.followup.services import indicator_save, measurement_record, target_set
from goals.models import Goal
from tests.factories import UserFactory, WorkshopFactory
from tests.goals.pages.support import DEMO_TITLE, count_queries, load_demo_data

PINNED = {
    "home": 5,
    "tree": 4,
    "tree-opened": 6,
    "tree-unit": 5,
    "tree-level": 5,
    "tree-retired": 4,
    "goal": 17,  # the cache keys' read, the successor; the sub-goals paged (a count), the roll-up, ...
    "unit": 7,
    "search": 6,  # the hits, their count, the units, the slides
    "accessibility": 2,
    "children": 5,
}
# The goal page from a warm cache: the session, the user and the goal; its indicators,
# assessment and workshops come from the cache with the rest of the page.
GOAL_PAGE_WARM = 3


def page_urls(period) -> dict[str, tuple[str, dict]]:
    goal = Goal.objects.valid_in(period).get(title=DEMO_TITLE)
    deep = Goal.objects.valid_in(period).filter(depth=5).order_by("path").first()
    return {
        "home": ("/", {}),
        "tree": (f"/goals/?period={period.slug}", {}),
        "tree-opened": (f"/goals/?period={period.slug}&open={deep.pk}", {}),
        "tree-unit": ("/goals/?unit=utbildningskontoret", {}),
        "tree-level": ("/goals/?level=unit", {}),
        "tree-retired": ("/goals/?status=retired", {}),
        "goal": (f"/goals/{goal.pk}/", {}),
        "unit": ("/units/kommunfullmaktige/", {}),
        "search": ("/search/?q=mål", {}),
        "accessibility": ("/accessibility/", {}),
        "children": (f"/goals/{goal.pk}/children/?period={period.slug}", {"HTTP_HX_REQUEST": "true"}),
    }


@pytest.mark.parametrize("size", ["demo", "10x"])
@pytest.mark.parametrize("page", sorted(PINNED))
def test_page_query_count_is_pinned(client, db, django_assert_max_num_queries, size, page):
    """Every browsing page stays within its pinned number of queries at both data sizes."""
    period = load_demo_data(size)
    client.force_login(UserFactory())
    url, headers = page_urls(period)[page]
    catalog.catalog()
    with django_assert_max_num_queries(PINNED[page]):
        response = client.get(url, **headers)
    assert response.status_code == 200


def test_query_counts_do_not_grow_with_the_data(client, db):
    """Each page costs exactly as many queries on a tree ten times larger."""
    period = load_demo_data("demo")
    client.force_login(UserFactory())
    small = counts(client, page_urls(period))
    load_demo_data("10x")
    large = counts(client, page_urls(period))
    assert small == large
    assert all(small[page] <= PINNED[page] for page in PINNED), small


def counts(client, urls: dict) -> dict[str, int]:
    catalog.catalog()
    return {page: count_queries(client, url, **headers)[0] for page, (url, headers) in urls.items()}


@pytest.mark.parametrize("size", ["demo", "10x"])
def test_a_warm_goal_page_with_five_indicators_reads_only_the_goal(client, db, size):
    period = load_demo_data(size)
    goal = Goal.objects.valid_in(period).get(title=DEMO_TITLE)
    by = UserFactory(is_superuser=True)
    for n in range(5):
        indicator = indicator_save(
            indicator=Indicator(
                goal=goal, title=f"Indikator {n}", measure_unit="%", direction=Direction.HIGHER
            ),
            by=by,
        )
        target_set(indicator=indicator, year=2026, value=80.0, by=by)
        measurement_record(indicator=indicator, period="2024", value=70.0 + n, by=by)
    WorkshopFactory(unit=goal.owner, goals=[goal], important="Fynd från arbetsgruppen")
    client.force_login(UserFactory())
    url = f"/goals/{goal.pk}/"
    cold, _ = count_queries(client, url)
    warm, response = count_queries(client, url)
    assert (cold > warm, warm) == (True, GOAL_PAGE_WARM)
    html = response.content.decode()
    assert all(f"Indikator {n}" in html for n in range(5)) and "Fynd från arbetsgruppen" in html
