"""Random sequences of add, move, retire and carry-over keep the tree sound and agree with a
plain-Python model of the same tree, whose rules are written out independently here."""

from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goals import services
from goals.models import Goal, GoalLevel
from goals.tree_check import find_problems
from tests.factories import PeriodFactory, UnitFactory
from vision.actors import system_actor
from vision.models import UnitKind

LEVELS = [GoalLevel.AREA, GoalLevel.COUNCIL, GoalLevel.COMMITTEE, GoalLevel.UNIT, GoalLevel.ACTIVITY]
POSITIONS = ["first-child", "last-child", "left", "right"]

# The governance model as the model knows it: which levels each level may sit directly under,
# and a kind of unit that may own it.
PARENT_LEVELS = {
    GoalLevel.AREA: {GoalLevel.VISION},
    GoalLevel.COUNCIL: {GoalLevel.AREA},
    GoalLevel.COMMITTEE: {GoalLevel.COUNCIL},
    GoalLevel.UNIT: {GoalLevel.COMMITTEE, GoalLevel.COUNCIL},
    GoalLevel.ACTIVITY: {GoalLevel.UNIT, GoalLevel.COMMITTEE},
}
OWNER_KIND = {
    GoalLevel.AREA: UnitKind.COUNCIL,
    GoalLevel.COUNCIL: UnitKind.COUNCIL,
    GoalLevel.COMMITTEE: UnitKind.COMMITTEE,
    GoalLevel.UNIT: UnitKind.OFFICE,
    GoalLevel.ACTIVITY: UnitKind.OFFICE,
}


@dataclass
class Node:
    pk: int
    parent: "Node | None"
    level: str
    period: str | None  # "p1", "p2" or None for the timeless vision
    active: bool = True
    relink: bool = False
    successor: "Node | None" = None
    children: list["Node"] = field(default_factory=list)

    def contains(self, other: "Node") -> bool:
        while other is not None:
            if other is self:
                return True
            other = other.parent
        return False

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def allowed_under(goal_level, goal_period, goal_active, parent) -> bool:
    if parent is None:
        return False
    if parent.level not in PARENT_LEVELS[goal_level]:
        return False
    if parent.period is not None and parent.period != goal_period:
        return False
    return not (goal_active and not parent.active)


class Model:
    def __init__(self, vision_pk: int):
        self.root = Node(vision_pk, None, GoalLevel.VISION, None)

    def nodes(self) -> list[Node]:
        return list(self.root.walk())

    def rows(self):
        return [
            (n.pk, n.parent.pk if n.parent else None, n.level, n.period, n.active, n.relink)
            for n in self.nodes()
        ]

    def move(self, goal: Node, target: Node, position: str) -> bool:
        if goal is self.root or goal.contains(target):
            return False
        parent = target if position.endswith("child") else target.parent
        if not allowed_under(goal.level, goal.period, goal.active, parent):
            return False
        goal.parent.children.remove(goal)
        if position == "first-child":
            parent.children.insert(0, goal)
        elif position == "last-child":
            parent.children.append(goal)
        else:
            index = parent.children.index(target)
            parent.children.insert(index if position == "left" else index + 1, goal)
        goal.parent = parent
        goal.relink = False
        return True

    def carry_plan(self) -> list[tuple[Node, Node, bool]] | None:
        """(goal, the ancestor its copy goes under, flagged?) in carry order; None when a goal has nowhere to go."""
        candidates = [n for n in self.nodes() if n.period == "p1" and n.active and n.successor is None]
        planned = set()
        plan = []
        for node in candidates:
            anchor = node.parent
            while anchor is not None:
                has_image = (
                    (anchor.period is None and anchor.active)
                    or (anchor.successor is not None and anchor.successor.active)
                    or id(anchor) in planned
                )
                if has_image and anchor.level in PARENT_LEVELS[node.level]:
                    break
                anchor = anchor.parent
            if anchor is None:
                return None
            planned.add(id(node))
            plan.append((node, anchor, anchor is not node.parent))
        return plan

    def carry(self, plan, new_pks: list[int]) -> None:
        copies = {}
        for node, anchor, relink in plan:
            if anchor.period is None and anchor.active:
                image = anchor
            elif anchor.successor is not None and anchor.successor.active:
                image = anchor.successor
            else:
                image = copies[id(anchor)]
            copy = Node(new_pks.pop(0), image, node.level, "p2", relink=relink)
            image.children.append(copy)
            copies[id(node)] = copy
        for node, _, _ in plan:
            node.successor = copies[id(node)]


def stored_rows():
    rows = []
    by_path = {}
    for goal in Goal.objects.select_related("period").order_by("path"):
        by_path[goal.path] = goal.pk
        parent = by_path.get(goal.path[:-4]) if goal.depth > 1 else None
        period = {"2023-2026": "p1", "2027-2030": "p2"}.get(goal.period.slug) if goal.period else None
        rows.append((goal.pk, parent, goal.level, period, goal.status == "active", goal.needs_relinking))
    return rows


operation = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 99), st.integers(0, 4), st.sampled_from(["p1", "p2"])),
    st.tuples(st.just("move"), st.integers(0, 99), st.integers(0, 99), st.sampled_from(POSITIONS)),
    st.tuples(st.just("retire"), st.integers(0, 99)),
    st.tuples(st.just("carry")),
)


@pytest.mark.django_db
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=20))
def test_random_operations_keep_tree_sound_and_match_model(operations):
    with transaction.atomic():
        run_operations(operations)
        transaction.set_rollback(True)


def run_operations(operations):
    periods = {
        "p1": PeriodFactory(slug="2023-2026", start="2023-01-01", end="2026-12-31"),
        "p2": PeriodFactory(slug="2027-2030", start="2027-01-01", end="2030-12-31"),
    }
    for period in periods.values():
        period.refresh_from_db()
    units = {kind: UnitFactory(kind=kind) for kind in set(OWNER_KIND.values())}
    vision = services.goal_create(by=system_actor(), parent=None, title="Vision", level=GoalLevel.VISION)
    model = Model(vision.pk)

    for op in operations:
        nodes = model.nodes()
        if op[0] == "add":
            parent, level = nodes[op[1] % len(nodes)], LEVELS[op[2]]
            period = op[3]
            expected = allowed_under(level, period, True, parent)
            try:
                goal = services.goal_create(
                    by=system_actor(),
                    parent=Goal.objects.get(pk=parent.pk),
                    title=f"G{len(nodes)}",
                    level=level,
                    owner=units[OWNER_KIND[level]],
                    period=periods[period],
                )
            except ValidationError:
                assert not expected, f"add refused but the model allows it: {op}"
            else:
                assert expected, f"add accepted but the model refuses it: {op}"
                parent.children.append(Node(goal.pk, parent, level, period))
        elif op[0] == "move":
            goal, target = nodes[op[1] % len(nodes)], nodes[op[2] % len(nodes)]
            expected = model.move(goal, target, op[3])
            try:
                services.goal_move(
                    by=system_actor(),
                    goal=Goal.objects.get(pk=goal.pk),
                    target=Goal.objects.get(pk=target.pk),
                    position=op[3],
                )
            except ValidationError:
                assert not expected, f"move refused but the model allows it: {op}"
            else:
                assert expected, f"move accepted but the model refuses it: {op}"
        elif op[0] == "retire":
            node = nodes[op[1] % len(nodes)]
            services.goal_retire(by=system_actor(), goal=Goal.objects.get(pk=node.pk))
            for descendant in node.walk():
                descendant.active = False
        else:
            plan = model.carry_plan()
            try:
                result = services.period_carry_over(
                    by=system_actor(), source=periods["p1"], target=periods["p2"]
                )
            except ValidationError:
                assert plan is None, f"carry-over refused but the model finds a place for every goal: {op}"
            else:
                assert plan is not None, f"carry-over accepted but the model finds no place for a goal: {op}"
                # successors is keyed by source goal in path order, the order the model carries in.
                model.carry(plan, [copy.pk for copy in result.successors.values()])

        assert find_problems() == [], op
        assert stored_rows() == model.rows(), op
