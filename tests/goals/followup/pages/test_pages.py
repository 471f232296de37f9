"""The indicator pages: what they show, filters, and query counts pinned at two data sizes."""

import pytest

from goals.followup.demo import load_indicators
from goals.followup.models import Indicator
from goals.models import Goal, GoalLevel
from tests.factories import UserFactory
from tests.goals.followup.conftest import make_indicator
from tests.goals.pages.support import count_queries, load_demo_data

# Session and user (2), then: list: period, unit, units, the page's ids (with their count), its rows, and
# filtered by status three more (indicators, latest values, targets); detail: indicator,
# targets, measurements; goal: the goal page's own and the indicators with their series.
PINNED = {"list": 8, "list-filtered": 11, "detail": 5, "goal": 17}


def pages(period) -> dict[str, str]:
    kolada = Indicator.objects.get(kolada_kpi="N00914")
    return {
        "list": f"/indicators/?period={period.slug}",
        "list-filtered": f"/indicators/?period={period.slug}&unit=utbildningskontoret&status=near",
        "detail": f"/indicators/{kolada.pk}/",
        "goal": f"/goals/{kolada.goal_id}/",
    }


def with_indicators(size: str):
    period = load_demo_data(size)
    load_indicators()
    if size == "10x":
        # Two indicators on each of 40 more unit goals, with a target and a value each.
        for goal in Goal.objects.valid_in(period).at_level(GoalLevel.UNIT).order_by("-path")[:40]:
            for n in (1, 2):
                make_indicator(
                    goal, title=f"Nyckeltal {n}", targets={2024: 50.0}, values=[("2024", 40.0 + n * 5)]
                )
    return period


@pytest.mark.parametrize("size", ["demo", "10x"])
def test_query_counts_are_pinned_at_both_sizes(client, db, size):
    period = with_indicators(size)
    client.force_login(UserFactory())
    counts = {}
    for name, url in pages(period).items():
        queries, _response = count_queries(client, url)
        assert queries <= PINNED[name], f"{name} ({size}): {queries} queries, pinned {PINNED[name]}"
        counts[name] = queries
    print(size, counts)


def test_the_list_filters_by_status_and_unit_and_shows_the_word_and_icon(client, db):
    period = with_indicators("demo")
    client.force_login(UserFactory())
    near = client.get(f"/indicators/?period={period.slug}&status=near").content.decode()
    assert "Förvärvsarbetande invånare 20–64 år" in near and "Handläggningstid" not in near
    assert 'class="indicator-status status-near"' in near and "◐" in near
    met = client.get(f"/indicators/?period={period.slug}&status=met").content.decode()
    assert "Handläggningstid" in met
    unit = client.get(f"/indicators/?period={period.slug}&unit=socialkontoret").content.decode()
    assert "Handläggningstid" in unit and "Förvärvsarbetande" not in unit


def test_a_kolada_indicator_page_names_its_source_and_shows_chart_and_table(client, db):
    with_indicators("demo")
    client.force_login(UserFactory())
    kolada = Indicator.objects.get(kolada_kpi="N00914")
    page = client.get(f"/indicators/{kolada.pk}/").content.decode()
    assert "Källa: Kolada" in page and "Förvärvsarbetande invånare 20-64 år, andel (%)" in page
    assert "Exempelvärden" in page, "the snapshot's values are marked as sample values"
    assert '<svg class="indicator-chart"' in page and "<script" not in page.split("<main")[-1]
    assert "<caption" in page and "76,4" in page
    goal_page = client.get(kolada.goal.get_absolute_url()).content.decode()
    assert "indicator-card" in goal_page and "Förvärvsarbetande invånare 20–64 år" in goal_page
