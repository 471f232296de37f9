"""The public tree and goal page read bounded lists, as the intranet's do."""

import datetime

from django.test import Client

from goals.models import Goal
from goals.pages.tree import CHILDREN_SHOWN
from goals.public import reads
from tests.factories import GoalFactory


def decide(goals) -> None:
    """A direct update, not goal_update per goal: it only makes a test's data set public."""
    Goal.objects.filter(pk__in=[goal.pk for goal in goals]).update(
        decided_by="Kommunfullmäktige", decided_on=datetime.date(2023, 1, 31)
    )


def wide_branch(small_tree, office, period, count: int) -> Goal:
    council = small_tree["council"]
    children = [
        GoalFactory(parent=council, level="unit", owner=office, period=period, title=f"Delmål {n:03}")
        for n in range(count)
    ]
    decide([*small_tree.values(), *children])
    return council


def test_the_expand_fragment_shows_a_bounded_number_of_children_and_links_to_the_rest(
    public_on, small_tree, office, period
):
    council = wide_branch(small_tree, office, period, CHILDREN_SHOWN + 3)
    html = (
        Client()
        .get(f"/public/goals/{council.pk}/children/?period={period.slug}&lang=en", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert html.count('class="node"') == CHILDREN_SHOWN
    assert f'href="/public/goals/{council.pk}/?lang=en#children-h"' in html
    tree = Client().get(f"/public/goals/?period={period.slug}&open={council.pk}").content.decode()
    branch = tree[tree.index(f'id="c{council.pk}"') :]
    assert branch.count('class="node"') == CHILDREN_SHOWN and 'class="node more"' in branch


def test_the_goal_page_lists_its_first_sub_goals_and_says_how_many_more_open_data_has(
    public_on, small_tree, office, period
):
    council = wide_branch(small_tree, office, period, reads.CHILDREN_SHOWN + 5)
    html = Client().get(f"/public/goals/{council.pk}/?lang=en").content.decode()
    section = html[html.index('id="children-h"') : html.index('id="units-h"')]
    # The fixture's two sub-goals and the ones added: seven beyond those shown.
    assert section.count('class="goal-title"') == reads.CHILDREN_SHOWN
    assert "And 7 more sub-goals, listed in" in section
    assert 'href="/public/data/?lang=en"' in section
