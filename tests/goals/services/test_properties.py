"""Random sequences of goal writes by random actors keep the one door's promises.

Every refused call (a rule's ValidationError or a right's NotAllowed) leaves the
database as it was; every accepted call leaves a tree that obeys the hierarchy
table and that check_tree finds sound; and an editor's accepted call touches
only goals of the editor's own units.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from goals import rules, services
from goals.models import LEVEL_RANK, Goal, GoalLevel, GoalLink, GoalStatus
from goals.tree_check import find_problems
from tests.factories import PeriodFactory, UnitFactory, UserFactory
from vision.actors import NotAllowed, system_actor
from vision.models import UnitRole
from vision.services import membership_grant

LEVELS = list(GoalLevel.values)
# Two units of each kind, so that editors meet units that are not theirs.
UNITS = [
    ("council", "kf"),
    ("committee", "utbildningsnamnden"),
    ("committee", "socialnamnden"),
    ("office", "utbildningskontoret"),
    ("office", "socialkontoret"),
    ("company", "nodra"),
]
ACTORS = ["administrator", "system", "office_editor", "committee_editor", "reader"]
EDITED_UNITS = {"office_editor": {"utbildningskontoret"}, "committee_editor": {"utbildningsnamnden"}}
POSITIONS = ["first-child", "last-child", "left", "right"]

index = st.integers(0, 63)
actor = st.sampled_from(ACTORS)
# Most calls are aimed at what the actor may write and the table allows (so that
# accepted calls are common), the rest at anything at all (``wild``).
wild = st.sampled_from([False, False, False, True])
operation = st.one_of(
    st.tuples(st.just("create"), actor, wild, index, index, index),
    st.tuples(
        st.just("update"), actor, wild, index, st.sampled_from(["level", "owner", "title", "status"]), index
    ),
    st.tuples(st.just("move"), actor, wild, index, index, st.sampled_from(POSITIONS)),
    st.tuples(st.just("retire"), actor, wild, index),
    st.tuples(st.just("delete"), actor, wild, index),
    st.tuples(st.just("link_add"), actor, wild, index, index),
    st.tuples(st.just("link_remove"), actor, wild, index, index),
)
# A random tree to start from: each step adds a goal the table allows under an
# earlier one, owned by a unit of a kind the table allows.
seed = st.lists(st.tuples(index, index, index), max_size=12)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # Explaining a failure re-runs it hundreds of times; the shrunk example is enough.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
@given(start=seed, operations=st.lists(operation, min_size=10, max_size=20))
def test_every_write_keeps_the_one_doors_promises(start, operations):
    with transaction.atomic():
        World(start).run(operations)
        transaction.set_rollback(True)


def pick(number: int, *pools):
    """The number-th of the first pool that is not empty (None when all are)."""
    for pool in pools:
        if pool:
            return pool[number % len(pool)]
    return None


class World:
    def __init__(self, start):
        self.period = PeriodFactory(slug="2023-2026", start="2023-01-01", end="2026-12-31")
        self.period.refresh_from_db()
        self.units = [UnitFactory(slug=slug, name=slug, kind=kind) for kind, slug in UNITS]
        self.unit_by_slug = {unit.slug: unit for unit in self.units}
        self.actors = {
            "administrator": UserFactory(username="admin", is_staff=True, is_superuser=True),
            "system": system_actor(),
            "office_editor": UserFactory(username="redaktor-kontor"),
            "committee_editor": UserFactory(username="redaktor-namnd"),
            "reader": UserFactory(username="lasare"),
        }
        # The units each actor edits; None: every unit.
        self.edits = {"administrator": None, "system": None, "reader": set()}
        for name, slugs in EDITED_UNITS.items():
            self.edits[name] = {self.unit_by_slug[slug].pk for slug in slugs}
            for slug in slugs:
                membership_grant(
                    by=self.actors["system"],
                    user=self.actors[name],
                    unit=self.unit_by_slug[slug],
                    role=UnitRole.EDITOR,
                )
        vision = services.goal_create(
            by=self.actors["system"], parent=None, title="Vision", level=GoalLevel.VISION
        )
        goals = [vision]
        for parent_index, level_index, owner_index in start:
            parent = pick(parent_index, [goal for goal in goals if levels_under(goal)])
            level = pick(level_index, levels_under(parent))
            goals.append(
                services.goal_create(
                    by=self.actors["system"],
                    parent=parent,
                    title=f"Mål {len(goals)}",
                    level=level,
                    owner=pick(owner_index, self.owners_of(level, None)),
                    period=self.period,
                )
            )

    def owners_of(self, level: str, edits) -> list:
        return [
            unit
            for unit in self.units
            if unit.kind in rules.owner_kinds(level) and (edits is None or unit.pk in edits)
        ]

    def call(self, op) -> bool:
        """Make the call; False when there was nothing to call it on."""
        kind, name, anything = op[0], op[1], op[2]
        by, edits = self.actors[name], self.edits[name]
        goals = list(Goal.objects.select_related("owner").order_by("pk"))
        by_path = {goal.path: goal for goal in goals}
        parent_of = {goal.pk: by_path.get(goal.path[: -Goal.steplen]) for goal in goals}
        own = [goal for goal in goals if edits is None or goal.owner_id in edits]
        units = [*self.units, None]
        if kind == "create":
            _kind, _name, _anything, parent, level, owner = op
            if anything:
                # One choice past the goals: a new root.
                parent = pick(parent, [*goals, None])
                level = pick(level, LEVELS)
                owner = pick(owner, units)
            else:
                parent = pick(parent, [g for g in goals if levels_under(g) and g.status == GoalStatus.ACTIVE])
                if parent is None:
                    return False
                level = pick(
                    level,
                    [lv for lv in levels_under(parent) if self.owners_of(lv, edits)],
                    levels_under(parent),
                )
                owner = pick(owner, self.owners_of(level, edits), self.owners_of(level, None))
            services.goal_create(
                by=by,
                parent=parent,
                title=f"Nytt mål {len(goals)}",
                level=level,
                owner=owner,
                period=self.period if level != GoalLevel.VISION else None,
            )
        elif kind == "update":
            _kind, _name, _anything, goal, field, value = op
            if anything:
                goal = pick(goal, goals)
            elif field in ("level", "status") and value % 2:
                # A parent's level and status must still fit its children: aim at parents.
                goal = pick(goal, [g for g in own if g.numchild], own, goals)
            else:
                goal = pick(goal, own, goals)
            if goal is None:
                return False
            parent = parent_of[goal.pk]
            if field == "level":
                fitting = [
                    lv for lv in LEVELS if parent is not None and parent.level in rules.parent_levels(lv)
                ]
                change = pick(value, LEVELS) if anything else pick(value, fitting, LEVELS)
            elif field == "owner":
                change = (
                    pick(value, units) if anything else pick(value, self.owners_of(goal.level, edits), units)
                )
            elif field == "title":
                change = f"Omdöpt {value}" if value % 8 else ""
            else:
                change = [GoalStatus.ACTIVE, GoalStatus.RETIRED][value % 2]
            services.goal_update(by=by, goal=goal, **{field: change})
        elif kind == "move":
            _kind, _name, _anything, goal, target, position = op
            goal = pick(goal, goals) if anything else pick(goal, [g for g in own if g.depth > 1], goals)
            if goal is None:
                return False
            if anything:
                target = pick(target, goals)
            elif position.endswith("child"):
                fitting = [
                    g
                    for g in goals
                    if g.level in rules.parent_levels(goal.level) and g.status == GoalStatus.ACTIVE
                ]
                target = pick(target, fitting, goals)
            else:
                siblings = [
                    g
                    for g in goals
                    if parent_of[g.pk] and parent_of[g.pk].level in rules.parent_levels(goal.level)
                ]
                target = pick(target, siblings, goals)
            services.goal_move(by=by, goal=goal, target=target, position=position)
        elif kind in ("retire", "delete"):
            if anything:
                goal = pick(op[3], goals)
            elif kind == "delete":
                goal = pick(op[3], [g for g in own if not g.numchild], own, goals)
            else:
                goal = pick(op[3], own, goals)
            if goal is None:
                return False
            (services.goal_retire if kind == "retire" else services.goal_delete)(by=by, goal=goal)
        elif kind == "link_add":
            _kind, _name, _anything, source, target = op
            source = pick(source, goals) if anything else pick(source, own, goals)
            if source is None:
                return False
            contributing = [
                g
                for g in goals
                if LEVEL_RANK[g.level] <= LEVEL_RANK[source.level]
                and g.pk != source.pk
                and g.status == GoalStatus.ACTIVE
            ]
            target = pick(target, goals) if anything else pick(target, contributing, goals)
            services.goal_link_add(by=by, source=source, target=target)
        else:
            _kind, _name, _anything, source, target = op
            links = list(GoalLink.objects.select_related("source", "target").order_by("pk"))
            if links and not anything:
                mine = [link for link in links if edits is None or link.source.owner_id in edits]
                link = pick(target, mine, links)
                source, target = link.source, link.target
            else:
                source, target = pick(source, goals), pick(target, goals)
                if source is None:
                    return False
            services.goal_link_remove(by=by, source=source, target=target)
        return True

    def run(self, operations):
        for op in operations:
            before = snapshot()
            try:
                called = self.call(op)
            except (ValidationError, NotAllowed) as refusal:
                event(f"{op[0]} refused: {type(refusal).__name__}")
                assert snapshot() == before, f"{op} was refused ({refusal}) but changed the database"
                continue
            if not called:
                continue
            event(f"{op[0]} accepted")
            after = snapshot()
            assert_obeys_the_table(op)
            assert find_problems() == [], op
            if self.edits[op[1]] is not None:
                assert_touched_only(self.edits[op[1]], before, after, op)


def levels_under(parent: Goal) -> list[str]:
    return [level for level in LEVELS if parent.level in rules.parent_levels(level)]


def snapshot():
    goals = {
        pk: rest
        for pk, *rest in Goal.objects.values_list(
            "pk", "path", "depth", "numchild", "level", "owner_id", "status", "title", "version"
        )
    }
    links = set(GoalLink.objects.values_list("source_id", "target_id"))
    return goals, links, Goal.history.count(), GoalLink.history.count()


def assert_obeys_the_table(op):
    goals = {goal.path: goal for goal in Goal.objects.select_related("owner")}
    for path, goal in goals.items():
        assert goal.depth <= rules.MAX_DEPTH, (op, goal)
        if goal.owner is not None:
            assert goal.owner.kind in rules.owner_kinds(goal.level), (op, goal)
        if goal.depth == 1:
            assert goal.level == GoalLevel.VISION, (op, goal)
            continue
        assert goal.owner is not None, (op, goal)
        parent = goals[path[: -Goal.steplen]]
        assert parent.level in rules.parent_levels(goal.level), (op, goal, parent)


def assert_touched_only(own: set[int], before, after, op):
    """What an editor's call changed belongs to the editor's units.

    A goal is touched when it is added, removed, given another parent or changed in its
    own fields; the paths of siblings shifted by a move and a parent's count of children
    are the tree's bookkeeping, not a change of those goals.
    """

    def content(goals):
        pk_of = {fields[0]: pk for pk, fields in goals.items()}
        return {
            pk: (pk_of.get(path[: -Goal.steplen]), level, owner, status, title, version)
            for pk, (path, _depth, _numchild, level, owner, status, title, version) in goals.items()
        }

    old, new = content(before[0]), content(after[0])
    for pk in old.keys() | new.keys():
        if old.get(pk) != new.get(pk):
            owners = {fields[2] for fields in (old.get(pk), new.get(pk)) if fields is not None}
            assert owners <= own, f"{op} by an editor touched goal {pk} of units {owners}"
    owner_of = {pk: fields[2] for pk, fields in {**old, **new}.items()}
    for source, _target in before[1] ^ after[1]:
        assert owner_of[source] in own, f"{op} by an editor changed a link of goal {source}"
