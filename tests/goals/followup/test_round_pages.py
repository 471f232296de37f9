"""The round pages: the list, the dashboard, my follow-ups and a unit's report, with their
query counts pinned at two data sizes, and the archived snapshot as JSON."""

import datetime

import pytest
from django.urls import reverse

from goals.followup.services import round_publish
from tests.factories import GoalFactory
from tests.goals.followup.conftest import make_indicator
from tests.goals.followup.rounds_support import assess, make_round
from vision.actors import system_actor

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def open_round(period):
    today = datetime.date.today()
    return make_round(
        period, year=2026, opens=today - datetime.timedelta(days=30), due=today - datetime.timedelta(days=1)
    )


def _grow(small_tree, period, office, n):
    """n more unit goals of the office, each with an indicator."""
    for index in range(n):
        goal = GoalFactory(
            parent=small_tree["council"], level="unit", owner=office, period=period, title=f"Extra {index}"
        )
        make_indicator(goal, targets={2026: 10.0}, values=[("2026", 9.5)])


def test_the_list_and_the_dashboard(small_tree, open_round, client, editor, office):
    assess(open_round, small_tree["first"], "met", by=editor)
    client.force_login(editor)
    listing = client.get(reverse("followup:round-list"))
    assert listing.status_code == 200 and "Annual report 2026" in listing.content.decode()
    page = client.get(reverse("followup:round-dashboard", args=[open_round.pk])).content.decode()
    assert '<progress max="2" value="1"' in page  # the office: 1 of its 2 goals
    assert "Late units" in page and ">Utbildningskontoret</a>: 1 of 2 assessed" in page
    assert "<svg" in page and 'class="seg seg-met"' in page
    assert "<td>1</td>" in page  # the table beside the chart


@pytest.mark.parametrize("extra", [0, 12])
def test_query_counts_do_not_grow_with_the_data(
    small_tree, open_round, client, editor, office, period, extra, django_assert_num_queries
):
    _grow(small_tree, period, office, extra)
    for goal in (small_tree["first"], small_tree["second"]):
        assess(open_round, goal, "partly", by=editor)
    client.force_login(editor)
    with django_assert_num_queries(6):
        assert client.get(reverse("followup:round-dashboard", args=[open_round.pk])).status_code == 200
    with django_assert_num_queries(9):
        mine = client.get(reverse("followup:round-mine", args=[open_round.pk]))
    assert mine.content.decode().count('class="assess-form"') == 2 + extra
    with django_assert_num_queries(10):
        assert (
            client.get(reverse("followup:round-unit", args=[open_round.pk, office.slug])).status_code == 200
        )


def test_mine_shows_the_suggestion_and_indicators_and_no_form_when_closed(
    small_tree, period, client, editor, admin_user
):
    round_ = make_round(period, year=2026)
    make_indicator(small_tree["first"], targets={2026: 50.0}, values=[("2026", 40.0)])
    client.force_login(admin_user)
    assess(round_, small_tree["first"], "met")
    page = client.get(reverse("followup:round-mine", args=[round_.pk])).content.decode()
    assert "Suggested from the goals below" in page and "1 of 2 assessed" in page
    assert "Andel elever med godkända betyg" in page and "Not met" in page
    round_publish(round=round_, by=system_actor())
    client.force_login(editor)
    closed = client.get(reverse("followup:round-mine", args=[round_.pk])).content.decode()
    assert "assess-form" not in closed and "The round is closed" in closed


def test_the_snapshot_downloads_once_published(small_tree, period, client, editor):
    round_ = make_round(period)
    client.force_login(editor)
    url = reverse("followup:round-snapshot", args=[round_.pk])
    assert client.get(url).status_code == 404
    round_publish(round=round_, by=system_actor())
    data = client.get(url).json()
    assert data["round"]["kind"] == "helar" and {g["title"] for g in data["goals"]} >= {
        "En klimatsmart kommun"
    }


def test_a_published_dashboard_shows_the_record_not_the_live_tree(small_tree, period, client, editor):
    from goals.services import goal_retire

    round_ = make_round(period)
    assess(round_, small_tree["first"], "met")
    round_publish(round=round_, by=system_actor())
    goal_retire(goal=small_tree["first"], by=system_actor())
    client.force_login(editor)
    page = client.get(reverse("followup:round-dashboard", args=[round_.pk])).content.decode()
    assert '<progress max="2" value="1"' in page and "archived record" in page
