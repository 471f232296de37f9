"""What the public pages show, read only through ``Goal.objects.public()``.

The tree is read by the intranet's reads (goals/pages/tree.py), level by level and
bounded, from the public goals only: a goal's count below it counts public goals, and
a public goal whose parent is not public is reached by search and open data, not the tree.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse

from goals.models import Goal, GoalLevel
from goals.pages import tree
from goals.pages.tree import Row
from goals.paths import parent_path
from vision.models import MandatePeriod

# Sub-goals listed on a goal's page; open data lists them all.
CHILDREN_SHOWN = 200


def public_goals():
    return Goal.objects.public()


def home_visions() -> list[Goal]:
    return list(public_goals().visions().active().order_by("path"))


def home_areas(period: MandatePeriod | None) -> list[tuple[Goal, list[Goal]]]:
    """The period's goal areas, each with its council goals."""
    if period is None:
        return []
    in_period = public_goals().valid_in(period).active()
    areas = list(in_period.at_level(GoalLevel.AREA).with_context())
    by_parent: dict[str, list[Goal]] = {}
    for goal in in_period.children_of_any(areas).with_context():
        by_parent.setdefault(parent_path(goal.path), []).append(goal)
    return [(area, by_parent.get(area.path, [])) for area in areas]


def in_period(period: MandatePeriod, status: str):
    return public_goals().valid_in(period).with_status(status)


def tree_rows(
    period: MandatePeriod, status: str, opened: set[int], closed: set[int], lang_query: str
) -> list[Row]:
    """The upper levels, plus the branches down to explicitly opened goals: public goals only."""
    nodes = tree.tree_nodes(in_period(period, status), opened, closed)
    return tree.tree_rows(nodes, more_link=more_link(lang_query))


def child_rows(period: MandatePeriod, status: str, pk: int, lang_query: str) -> list[Row]:
    """The first public children of a public goal valid in the period (404 for any other goal)."""
    goals = in_period(period, status)
    parent = get_object_or_404(goals.only("path", "depth", "title"), pk=pk)
    return tree.children_rows(goals, parent, more_link(lang_query))


def more_link(lang_query: str):
    def item(parent: Goal) -> str:
        return tree.more_item(parent, reverse("public:goal", args=[parent.pk]) + lang_query + "#children-h")

    return item


@dataclass
class GoalPage:
    goal: Goal
    ancestors: list[Goal]
    children: list[Goal]
    more_children: int  # beyond those shown; open data lists them all
    contributes_to: list[Goal]
    contributors: list[Goal]
    units: list[dict]
    predecessor: Goal | None
    successor: Goal | None


def public_goal(pk: int) -> Goal:
    return get_object_or_404(public_goals().with_context(), pk=pk)


def goal_page(goal: Goal) -> GoalPage:
    """A public goal's red thread, sub-goals, contributions, contributing units and lifeline."""
    public = public_goals()
    # By the goal's own columns, not through the reverse relation: both sides use an index.
    # Unordered, and without "id IS NULL" for a goal with no predecessor: either made SQLite
    # walk every goal in path order (120 ms at 100,000 goals).
    lineage_q = Q(predecessor_id=goal.pk) | (
        Q(pk=goal.predecessor_id) if goal.predecessor_id else Q(pk__in=[])
    )
    lineage = {other.pk: other for other in public.filter(lineage_q).select_related("period").order_by()}
    children = list(public.child_of(goal).with_context()[: CHILDREN_SHOWN + 1])
    return GoalPage(
        goal=goal,
        ancestors=public.ancestors_of_each([goal])[goal.path],
        children=children[:CHILDREN_SHOWN],
        more_children=public.child_of(goal).count() - CHILDREN_SHOWN if len(children) > CHILDREN_SHOWN else 0,
        contributes_to=list(public.filter(incoming_links__source=goal).with_context()),
        contributors=list(public.filter(outgoing_links__target=goal).with_context()),
        units=contributing_units(goal),
        predecessor=lineage.get(goal.predecessor_id),
        successor=next((other for other in lineage.values() if other.predecessor_id == goal.pk), None),
    )


def contributing_units(goal: Goal) -> list[dict]:
    """The units owning public goals below this one or linked to it, with how many goals each.

    Two queries, each served by an index (the path prefix, the link's target), rather
    than one whose OR across the join reads every goal; a linked goal that also sits
    below is counted once.
    """
    counts: dict[tuple[str, str], int] = {}
    below = public_goals().descendant_of(goal).order_by().values_list("owner__name", "owner__kind")
    for name, kind, n in below.annotate(n=Count("pk")).values_list("owner__name", "owner__kind", "n"):
        counts[name, kind] = counts.get((name, kind), 0) + n
    linked = public_goals().filter(outgoing_links__target=goal).order_by()
    for name, kind, path in linked.values_list("owner__name", "owner__kind", "path"):
        if not path.startswith(goal.path):
            counts[name, kind] = counts.get((name, kind), 0) + 1
    return [
        {"owner__name": name, "owner__kind": kind, "goals": n}
        for (name, kind), n in sorted(counts.items(), key=lambda item: item[0][0] or "")
    ]
