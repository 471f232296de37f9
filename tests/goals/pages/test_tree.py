"""The goal tree page: levels read lazily, expansion with and without JavaScript, filters."""

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from goals import catalog
from goals.models import Goal, GoalLevel
from goals.pages import tree as views
from goals.services.generate import generate_goals
from tests.factories import GoalFactory, UserFactory
from vision.actors import system_actor

FIRST_RENDER_LIMIT = 300 * 1024


def ids_in(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'<li id="g(\d+)"', html)}


def test_first_render_shows_upper_levels_with_counts(reader, small_tree):
    """The vision and goal areas are open; council goals are shown closed with how much sits below."""
    html = reader.get("/goals/").content.decode()
    assert ids_in(html) == {small_tree[name].pk for name in ("vision", "area", "council")}
    council = small_tree["council"].pk
    assert f'aria-controls="c{council}"' in html
    assert re.search(rf'id="b{council}"[^>]*aria-expanded="false"', html)
    assert re.search(rf'<ul id="c{council}" class="children" hidden>', html)
    assert "2 goals below" in html  # the council goal
    assert "4 goals below" in html  # the vision
    assert "Kommunfullmäktige" in html and "council goal" in html


def test_a_node_expands_through_htmx_with_its_children(reader, small_tree):
    """The children request returns the list items of the node's children only."""
    council = small_tree["council"]
    response = reader.get(f"/goals/{council.pk}/children/?period=2023-2026", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert ids_in(html) == {small_tree["first"].pk, small_tree["second"].pk}
    assert "<html" not in html
    assert html.index("Solpaneler") < html.index("Cykelbara")


def test_expand_without_javascript_redirects_to_the_opened_tree(reader, small_tree):
    council = small_tree["council"]
    response = reader.get(f"/goals/{council.pk}/children/?period=2023-2026")
    assert response.status_code == 302
    assert response["Location"] == f"/goals/?period=2023-2026&status=active&open={council.pk}#g{council.pk}"
    html = reader.get(response["Location"]).content.decode()
    assert small_tree["first"].pk in ids_in(html)
    assert re.search(rf'id="b{council.pk}"[^>]*name="close"', html) or re.search(
        rf'name="close" value="{council.pk}"', html
    )


def test_open_and_close_parameters_keep_the_state_of_the_tree(reader, small_tree):
    """?open= opens a branch (with its ancestors); ?close= wins over both open and the default."""
    council, area = small_tree["council"], small_tree["area"]
    opened = reader.get(f"/goals/?open={small_tree['first'].pk}").content.decode()
    assert small_tree["second"].pk in ids_in(opened)
    assert f'<input type="hidden" name="open" value="{small_tree["first"].pk}">' in opened
    closed = reader.get(f"/goals/?open={council.pk}&close={area.pk}").content.decode()
    assert council.pk not in ids_in(closed)
    assert re.search(rf'<ul id="c{area.pk}" class="children" hidden>', closed)


def test_tree_of_another_period_and_unknown_period(reader, small_tree, next_period):
    GoalFactory(parent=small_tree["vision"], level="area", period=next_period, title="Nästa periods område")
    html = reader.get("/goals/?period=2027-2030").content.decode()
    assert "Nästa periods område" in html and "Klimat och miljö" not in html
    assert reader.get("/goals/?period=1999-2002").status_code == 404


def test_retired_goals_are_hidden_unless_asked_for(reader, small_tree):
    from goals import services

    services.goal_retire(by=system_actor(), goal=small_tree["second"])
    assert "Cykelbara" not in reader.get(f"/goals/?open={small_tree['council'].pk}").content.decode()
    shown = reader.get(f"/goals/?status=all&open={small_tree['council'].pk}").content.decode()
    assert "Cykelbara" in shown and "retired" in shown
    listed = reader.get("/goals/?status=retired").content.decode()
    assert "Cykelbara" in listed and "Solpaneler" not in listed


def test_unit_and_level_filters_list_goals_with_their_red_thread(reader, small_tree):
    html = reader.get("/goals/?unit=utbildningskontoret").content.decode()
    assert "2 goals match" in html
    assert "Solpaneler på skolor" in html and "Klimat och miljö" in html  # the chain
    assert "En klimatsmart kommun" in html
    html = reader.get(f"/goals/?level={GoalLevel.COUNCIL}").content.decode()
    assert "1 goal matches" in html


def test_tree_pages_use_no_inline_script_or_style(reader, small_tree):
    """The Content-Security-Policy forbids inline scripts and style attributes."""
    for url in ("/goals/", f"/goals/{small_tree['council'].pk}/children/?period=2023-2026"):
        html = reader.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "style=" not in html
        assert not re.search(r"<[^>]*\son[a-z]+=", html)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)


@pytest.fixture
def ten_thousand(db):
    tree = generate_goals(by=system_actor(), goals_per_period=10_000, periods=1)
    return tree.periods[0], tree.vision


def test_first_render_of_ten_thousand_goals_stays_small(reader, ten_thousand):
    """A period of 10,000 goals renders its first page in under 300 KiB."""
    period, vision = ten_thousand
    assert Goal.objects.valid_in(period).count() >= 10_000
    response = reader.get(f"/goals/?period={period.slug}")
    size = len(response.content)
    print(f"first render of {period.slug} with 10,000 goals: {size} bytes")
    assert size < FIRST_RENDER_LIMIT
    assert f"{Goal.objects.valid_in(period).count() - 1} goals below" in response.content.decode()


def test_expanding_any_node_of_ten_thousand_costs_at_most_three_queries(ten_thousand):
    """The view reads the node and its children (with their counts): 3 queries at any depth, the
    period coming from goals/catalog.py; opened again, it comes from the cache without a query."""
    period, vision = ten_thousand
    in_period = Goal.objects.valid_in(period)
    widest = in_period.exclude(level=GoalLevel.ACTIVITY).order_by("-numchild").first()
    nodes = [vision, widest] + [
        in_period.filter(depth=depth).order_by("path").last() for depth in range(2, 7)
    ]
    request_factory = RequestFactory()
    catalog.catalog()
    for node in [n for n in nodes if n is not None]:
        request = request_factory.get(
            f"/goals/{node.pk}/children/", {"period": period.slug}, headers={"HX-Request": "true"}
        )
        request.user = UserFactory.build()
        with CaptureQueriesContext(connection) as queries:
            response = views.goal_children(request, node.pk)
        assert response.status_code == 200
        assert len(queries) <= 3, [q["sql"] for q in queries.captured_queries]
        children = in_period.child_of(node).count()
        assert len(ids_in(response.content.decode())) == children
        with CaptureQueriesContext(connection) as again:
            assert views.goal_children(request, node.pk).content == response.content
        assert len(again) == 0


def test_children_of_an_unknown_goal_or_period_are_not_found(reader, small_tree):
    council = small_tree["council"].pk
    assert reader.get("/goals/999999/children/?period=2023-2026", HTTP_HX_REQUEST="true").status_code == 404
    assert (
        reader.get(f"/goals/{council}/children/?period=1999-2002", HTTP_HX_REQUEST="true").status_code == 404
    )


def test_children_default_to_the_current_period(reader, small_tree):
    html = reader.get(f"/goals/{small_tree['council'].pk}/children/", HTTP_HX_REQUEST="true").content.decode()
    assert ids_in(html) == {small_tree["first"].pk, small_tree["second"].pk}
