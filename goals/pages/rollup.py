"""The units that contribute to a goal area or council goal from further down the tree.

A politician opening a goal area wants to see which offices and companies work
towards it, not only the council goals directly below. The roll-up reads the
goal's branch one level at a time, from two levels below it down, each level in
one bounded query (never the branch whole), and groups what it found by unit.
"""

from dataclasses import dataclass, field

from goals import rules
from goals.models import Goal, GoalLevel
from vision.models import Unit

ROLLUP_LEVELS = frozenset({GoalLevel.AREA, GoalLevel.COUNCIL})
PER_LEVEL = 100  # goals read per tree level; the goal tree shows the rest
FIRST_OFFSET = 2  # the direct children are the page's own sub-goal list


@dataclass
class Contribution:
    unit: Unit | None
    goals: list[Goal] = field(default_factory=list)


@dataclass
class Rollup:
    units: list[Contribution]
    truncated: bool


def shows_rollup(goal: Goal) -> bool:
    return goal.level in ROLLUP_LEVELS


def contributing_units(goal: Goal) -> Rollup:
    """The active goals two and more levels below ``goal``, grouped by owner unit (by name).

    At most one query per level below; a level with nothing stops the reading.
    """
    below = Goal.objects.active().descendant_of(goal).with_context().order_by("owner__name", "path")
    by_unit: dict[int | None, Contribution] = {}
    truncated = False
    for depth in range(goal.depth + FIRST_OFFSET, rules.MAX_DEPTH + 1):
        level_goals = list(below.filter(depth=depth)[: PER_LEVEL + 1])
        if not level_goals:
            break
        if len(level_goals) > PER_LEVEL:
            truncated = True
            level_goals = level_goals[:PER_LEVEL]
        for found in level_goals:
            by_unit.setdefault(found.owner_id, Contribution(found.owner)).goals.append(found)
    units = sorted(by_unit.values(), key=lambda c: (c.unit is None, c.unit.name if c.unit else ""))
    for contribution in units:
        contribution.goals.sort(key=lambda g: g.path)
    return Rollup(units, truncated)
