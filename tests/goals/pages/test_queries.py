"""Query counts of every browsing page, pinned at two data sizes.

Each request also reads the session and the signed-in user (2 queries); the
pinned numbers include them. The same page must cost the same at the demo
size and at ten times that size, so an N+1 cannot land.
"""

import pytest

from goals.models import Goal
from tests.factories import UserFactory
from tests.goals.pages.support import DEMO_TITLE, count_queries, load_demo_data

PINNED = {
    "home": 6,
    "tree": 7,
    "tree-opened": 10,
    "tree-unit": 8,
    "tree-level": 8,
    "tree-retired": 8,
    "goal": 15,  # with the sub-goals paged (a count), the roll-up (a query per level below), the latest published assessment
    "unit": 9,
    "search": 8,  # the current period, searched by default
    "accessibility": 2,
    "children": 5,
}


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
    with django_assert_max_num_queries(PINNED[page]):
        response = client.get(url, **headers)
    assert response.status_code == 200


def test_query_counts_do_not_grow_with_the_data(client, db):
    """Each page costs exactly as many queries on a tree ten times larger."""
    period = load_demo_data("demo")
    client.force_login(UserFactory())
    small = {
        page: count_queries(client, url, **headers)[0] for page, (url, headers) in page_urls(period).items()
    }
    load_demo_data("10x")
    large = {
        page: count_queries(client, url, **headers)[0] for page, (url, headers) in page_urls(period).items()
    }
    assert small == large
    assert all(small[page] <= PINNED[page] for page in PINNED), small
