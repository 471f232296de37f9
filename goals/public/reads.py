"""What the public pages show, read only through ``Goal.objects.public()``.

The tree is read level by level like the intranet's (goals/pages/tree.py), from
the public goals only: a goal's count below it counts public goals, and a public
goal whose parent is not public is reached by search and open data, not the tree.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from goals.models import Goal, GoalLevel
from goals.pages.tree import Node
from goals.paths import ancestor_paths, parent_path
from vision.models import MandatePeriod

FIRST_RENDER_DEPTH = 3  # vision, goal areas and council goals
OPEN_DEPTH = 2  # the vision and the goal areas start open


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


def tree_nodes(period: MandatePeriod, status: str, opened: set[int], closed: set[int]) -> list[Node]:
    """The upper levels, plus the branches down to explicitly opened goals: public goals only."""
    in_period = public_goals().valid_in(period).with_status(status)
    upper = list(in_period.filter(depth__lte=FIRST_RENDER_DEPTH).with_context())
    deep_counts = in_period.filter(depth__gt=FIRST_RENDER_DEPTH).count_by_prefix(
        FIRST_RENDER_DEPTH * Goal.steplen
    )
    nodes = {goal.path: Node(goal, below=deep_counts.get(goal.path, 0)) for goal in upper}
    open_paths: set[str] = set()
    if opened:
        for target in in_period.filter(pk__in=opened).only("path", "depth"):
            open_paths.update(ancestor_paths(target.path, inclusive=True))
        parents = [_stand_in(path) for path in open_paths if len(path) >= FIRST_RENDER_DEPTH * Goal.steplen]
        if parents:
            counts = in_period.count_below_children_of(parents)
            nodes.update(
                (goal.path, Node(goal, below=counts.get(goal.path, 0)))
                for goal in in_period.children_of_any(parents).with_context()
            )
    roots = []
    for path in sorted(nodes, reverse=True):
        node = nodes[path]
        node.is_open = node.goal.pk not in closed and (node.goal.depth <= OPEN_DEPTH or path in open_paths)
        node.children.reverse()
        parent = nodes.get(parent_path(path))
        if parent is None:
            roots.append(node)
            continue
        parent.children.append(node)
        if node.goal.depth <= FIRST_RENDER_DEPTH:
            parent.below += 1 + node.below
    roots.reverse()
    return [root for root in roots if root.goal.depth == 1]


def child_nodes(period: MandatePeriod, status: str, pk: int) -> list[Node]:
    """The public children of a public goal valid in the period (404 for any other goal)."""
    in_period = public_goals().valid_in(period).with_status(status)
    parent = get_object_or_404(in_period.only("path", "depth"), pk=pk)
    children = list(in_period.children_of_any([parent]).with_context())
    counts = in_period.count_below_children_of([parent]) if children else {}
    return [Node(goal, below=counts.get(goal.path, 0)) for goal in children]


def _stand_in(path: str) -> Goal:
    return Goal(path=path, depth=len(path) // Goal.steplen)


@dataclass
class GoalPage:
    goal: Goal
    ancestors: list[Goal]
    children: list[Goal]
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
    lineage = {
        other.pk: other
        for other in public.filter(Q(pk=goal.predecessor_id) | Q(predecessor_id=goal.pk)).select_related(
            "period"
        )
    }
    return GoalPage(
        goal=goal,
        ancestors=public.ancestors_of_each([goal])[goal.path],
        children=list(public.child_of(goal).with_context()),
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
