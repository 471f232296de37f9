"""What the workshop kit shows of the goal tree, read in a bounded number of queries.

The red thread is grouped: one slide per council goal the unit contributes to,
with the committee goals and the unit's own goals below it. However many goals
a unit owns (50, or 50,000 in a branch), the kit has at most MAX_THREAD_SLIDES
such slides, each listing at most GOALS_PER_SLIDE goals, and the number of
queries does not grow with the goals.
"""

from dataclasses import dataclass, field

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber, Substr

from goals.models import Goal, GoalLevel
from vision.models import MandatePeriod, Unit

COUNCIL_DEPTH = 3  # vision, goal area, council goal (goals.rules.HIERARCHY)
COMMITTEE_DEPTH = 4
MAX_THREAD_SLIDES = 8
GOALS_PER_SLIDE = 5
# Council goals past MAX_THREAD_SLIDES are named on one slide, at most this many.
MAX_MORE_COUNCIL_GOALS = 8
LISTED_LEVELS = [GoalLevel.COUNCIL, GoalLevel.COMMITTEE, GoalLevel.UNIT]


@dataclass
class ThreadSlide:
    """One council goal and the goals below it that the unit owns or answers to."""

    council: Goal
    # (goal, indent): a committee goal at 0 with the unit's goals under it at 1.
    goals: list[tuple[Goal, int]] = field(default_factory=list)
    not_listed: int = 0


@dataclass
class KitContent:
    unit: Unit
    period: MandatePeriod
    vision: Goal | None
    threads: list[ThreadSlide]
    more_councils: list[Goal]
    more_councils_not_listed: int = 0

    @property
    def goal_count(self) -> int:
        return sum(len(thread.goals) + thread.not_listed for thread in self.threads)


def _prefix(path: str, depth: int) -> str:
    return path[: depth * Goal.steplen]


def kit_content(*, unit: Unit, period: MandatePeriod) -> KitContent:
    """The unit's red thread in the period, grouped by council goal (at most five queries)."""
    owned = (
        Goal.objects.owned_by(unit)
        .valid_in(period)
        .active()
        .filter(level__in=LISTED_LEVELS, depth__gte=COUNCIL_DEPTH)
    )
    below_council = owned.filter(depth__gt=COUNCIL_DEPTH)
    council_length = COUNCIL_DEPTH * Goal.steplen
    counts = owned.count_by_prefix(council_length)  # 1: how many goals under each council goal
    prefixes = sorted(counts)
    shown, more = prefixes[:MAX_THREAD_SLIDES], prefixes[MAX_THREAD_SLIDES:]
    named_more = more[:MAX_MORE_COUNCIL_GOALS]
    vision_paths = sorted({prefix[: Goal.steplen] for prefix in prefixes})

    heads = {  # 2: the council goals and the vision above them
        goal.path: goal
        for goal in Goal.objects.filter(path__in=[*shown, *named_more, *vision_paths[:1]]).with_context()
    }
    vision = heads.get(vision_paths[0]) if vision_paths else None
    if vision is None:  # 2b: a unit without goals still gets the vision
        vision = Goal.objects.visions().active().valid_in(period).first()

    rows = []
    if shown:
        in_shown = Q(pk__in=[])
        for prefix in shown:
            in_shown |= Goal.objects.subtree_q(prefix)
        ranked = below_council.filter(in_shown).annotate(
            rank=Window(
                RowNumber(),
                partition_by=[Substr("path", 1, council_length)],
                order_by=[F("depth").asc(), F("path").asc()],
            )
        )
        rows = sorted(ranked.filter(rank__lte=GOALS_PER_SLIDE), key=lambda goal: goal.path)  # 3
    committee_paths = {
        _prefix(goal.path, COMMITTEE_DEPTH) for goal in rows if goal.depth > COMMITTEE_DEPTH
    } - {goal.path for goal in rows}
    committees = {  # 4: the committee goals the unit's goals answer to
        goal.path: goal for goal in Goal.objects.filter(path__in=sorted(committee_paths))
    }

    threads = []
    for prefix in shown:
        council = heads[prefix]
        thread = ThreadSlide(council=council)
        listed_committees = set()
        for goal in (row for row in rows if row.path.startswith(prefix)):
            committee_path = _prefix(goal.path, COMMITTEE_DEPTH)
            if goal.depth > COMMITTEE_DEPTH and committee_path in committees:
                if committee_path not in listed_committees:
                    listed_committees.add(committee_path)
                    thread.goals.append((committees[committee_path], 0))
                thread.goals.append((goal, 1))
            else:
                listed_committees.add(goal.path)
                thread.goals.append((goal, 0))
        owned_below = counts[prefix] - (1 if council.owner_id == unit.pk else 0)
        thread.not_listed = max(
            0, owned_below - sum(1 for goal, _ in thread.goals if goal.owner_id == unit.pk)
        )
        threads.append(thread)
    return KitContent(
        unit=unit,
        period=period,
        vision=vision,
        threads=threads,
        more_councils=[heads[prefix] for prefix in named_more if prefix in heads],
        more_councils_not_listed=len(more) - len(named_more),
    )
