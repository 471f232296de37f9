"""The pages as municipal users expect them: periods named, edit links for editors, Swedish texts
marked in English, bounded lists, the roll-up of contributing units, clear answers to bad input."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals import catalog
from goals.models import Goal
from goals.pages import rollup
from goals.pages.listing import PAGE_SIZE
from goals.services.generate import GENERATED_VISION, generate_goals
from tests.factories import GoalFactory, UnitFactory, UserFactory
from tests.goals.pages.support import count_queries
from vision.actors import system_actor
from vision.models import UnitRole
from vision.services import membership_grant

pytestmark = pytest.mark.usefixtures("in_english")


def test_editor_sees_an_edit_link_only_on_goals_of_their_units(client, small_tree, office):
    editor = UserFactory(username="redaktor")
    membership_grant(by=system_actor(), user=editor, unit=office, role=UnitRole.EDITOR)
    client.force_login(editor)
    own = client.get(f"/goals/{small_tree['first'].pk}/").content.decode()
    assert f'href="/admin/goals/goal/{small_tree["first"].pk}/change/"' in own
    council_goal = client.get(f"/goals/{small_tree['council'].pk}/").content.decode()
    assert "/admin/goals/goal/" not in council_goal and "edit-link" not in council_goal


def test_readers_see_no_edit_link_and_administrators_see_one_everywhere(client, small_tree):
    client.force_login(UserFactory(username="lasare"))
    assert "edit-link" not in client.get(f"/goals/{small_tree['first'].pk}/").content.decode()
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    assert "edit-link" in client.get(f"/goals/{small_tree['council'].pk}/").content.decode()


def test_swedish_goal_texts_are_marked_on_english_pages_only(reader, small_tree):
    html = reader.get(f"/goals/{small_tree['council'].pk}/").content.decode()
    assert '<h1 lang="sv">En klimatsmart kommun</h1>' in html
    assert re.search(r'<a class="goal-title" href="[^"]+" lang="sv">Solpaneler på skolor</a>', html)
    assert '<html lang="en">' in html
    reader.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    swedish = reader.get(f"/goals/{small_tree['council'].pk}/").content.decode()
    assert '<html lang="sv">' in swedish and 'lang="sv">En klimatsmart' not in swedish


def test_the_vision_lists_sub_goals_per_period_current_first(reader, small_tree, period, next_period):
    """The current period (2023–2026) comes before the newer 2027–2030, each under its own heading."""
    later_area = GoalFactory(
        parent=small_tree["vision"],
        level="area",
        owner=small_tree["area"].owner,
        period=next_period,
        title="Ny yta",
    )
    html = reader.get(f"/goals/{small_tree['vision'].pk}/").content.decode()
    section = html[html.index('id="children-h"') : html.index('id="links-h"')]
    headings = re.findall(r'<h3 class="period-group">([^<]+)</h3>', section)
    assert headings == ["2023–2026 (current period)", "2027–2030"]
    assert (
        section.index(small_tree["area"].title) < section.index("2027–2030") < section.index(later_area.title)
    )


def test_search_defaults_to_the_current_period_and_offers_every_period(
    reader, small_tree, period, next_period
):
    GoalFactory(
        parent=small_tree["vision"],
        level="area",
        owner=small_tree["area"].owner,
        period=next_period,
        title="Klimat och miljö framåt",
    )
    default = reader.get("/search/?q=klimat").content.decode()
    every = reader.get("/search/?q=klimat&period=all").content.decode()
    assert f'<option value="{period.slug}" selected>' in default
    assert '<option value="all" selected>' in every
    assert every.count('class="goal-title"') > default.count('class="goal-title"')


def test_search_for_an_unknown_period_says_so(reader, small_tree):
    response = reader.get("/search/?q=klimat&period=1999-2002")
    assert response.status_code == 404
    assert "There is no mandate period “1999-2002”" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/goals/?open=99999999999999999999",
        "/goals/99999999999999999999/",
        "/goals/99999999999999999999/children/",
        "/goals/9223372036854775808/",
    ],
)
def test_ids_too_large_for_the_database_answer_400_or_404(reader, small_tree, url):
    assert reader.get(url, HTTP_HX_REQUEST="true").status_code in (400, 404)


def many_children(parent, owner, period, count):
    return [
        GoalFactory(parent=parent, level="unit", owner=owner, period=period, title=f"Delmål {n:03}")
        for n in range(count)
    ]


def test_a_goal_with_more_children_than_a_page_lists_them_page_by_page(reader, small_tree, office, period):
    many_children(small_tree["council"], office, period, PAGE_SIZE + 3)
    url = f"/goals/{small_tree['council'].pk}/"
    first = reader.get(url).content.decode()
    section = first[first.index('id="children-h"') : first.index('id="links-h"')]
    assert section.count('class="goal-title"') == PAGE_SIZE
    assert 'rel="next"' in section
    second = reader.get(url + "?page=2").content.decode()
    section = second[second.index('id="children-h"') : second.index('id="links-h"')]
    assert section.count('class="goal-title"') == 5  # the fixture's two sub-goals and three more
    assert 'rel="prev"' in section and "Page 2 of 2" in section


def test_the_tree_and_its_fragment_show_a_bounded_number_of_children(reader, small_tree, office, period):
    many_children(small_tree["council"], office, period, PAGE_SIZE + 3)
    council = small_tree["council"]
    fragment = reader.get(f"/goals/{council.pk}/children/?period={period.slug}", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert html.count('class="node"') == PAGE_SIZE
    assert f'href="/goals/{council.pk}/?page=2#children-h"' in html
    tree = reader.get(f"/goals/?period={period.slug}&open={council.pk}").content.decode()
    branch = tree[tree.index(f'id="c{council.pk}"') :]
    assert branch.count('class="node"') == PAGE_SIZE and 'class="node more"' in branch


def test_an_area_page_shows_the_units_contributing_further_down(reader, small_tree, office, period):
    activity = GoalFactory(
        parent=small_tree["first"], level="activity", owner=office, period=period, title="Solceller på taken"
    )
    other = UnitFactory(name="Östra kontoret", kind="office")
    GoalFactory(parent=small_tree["council"], level="unit", owner=other, period=period, title="Östra målet")
    html = reader.get(f"/goals/{small_tree['area'].pk}/").content.decode()
    section = html[html.index('id="rollup-h"') :]
    assert section.index(office.name) < section.index("Östra kontoret")  # by unit name
    for title in ("Solpaneler på skolor", activity.title, "Östra målet"):
        assert title in section
    unit_page = reader.get(f"/goals/{small_tree['first'].pk}/").content.decode()
    assert 'id="rollup-h"' not in unit_page  # only goal areas and council goals roll up


@pytest.mark.parametrize("goals_per_period", [100, 3000])
def test_the_roll_up_reads_a_query_per_level_and_is_bounded(client, db, goals_per_period):
    """The same queries for an area thirty times as large: one per level below its children (committee,
    unit and activity goals) and one finding the next level empty; at most PER_LEVEL goals a level."""
    generate_goals(by=system_actor(), goals_per_period=goals_per_period, periods=1)
    vision = Goal.objects.get(title=GENERATED_VISION)
    area = Goal.objects.child_of(vision).order_by("path").first()
    with CaptureQueriesContext(connection) as queries:
        found = rollup.contributing_units(area)
    assert len(queries.captured_queries) == 3 + 1
    assert sum(len(c.goals) for c in found.units) <= rollup.PER_LEVEL * 3
    assert found.truncated is (goals_per_period == 3000)
    assert [c.unit.name for c in found.units] == sorted(c.unit.name for c in found.units)
    client.force_login(UserFactory())
    catalog.catalog()
    page_queries, response = count_queries(client, f"/goals/{area.pk}/")
    assert page_queries == PINNED_AREA_PAGE
    assert 'id="rollup-h"' in response.content.decode()


# The goal page of a generated area, at both sizes: session and user, the goal's cache keys, the goal,
# its successor, its red thread, the sub-goals (a count and a page), the roll-up (four), links both ways, history,
# workshops, indicators and the latest published assessment; the periods and units read beforehand.
PINNED_AREA_PAGE = 18
