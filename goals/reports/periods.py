"""Read-only reports across mandate periods: comparing two periods and a period's coverage.

Each report reads the goals it needs in a fixed number of queries and works
the rest out in Python, so the pages cost the same number of queries at any
size of tree.
"""

import difflib
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from goals.models import Goal, GoalLevel, GoalStatus
from goals.paths import parent_path
from vision.models import MandatePeriod, Unit

CATEGORIES = ("unchanged", "revised", "new", "retired")


@dataclass
class Change:
    """One goal's fate between two periods."""

    category: str
    goal: Goal  # the goal in the later period; the earlier one for a retired goal
    before: Goal | None = None

    @property
    def title_diff(self) -> SafeString:
        return word_diff(self.before.title, self.goal.title) if self.before else escape(self.goal.title)

    @property
    def description_changed(self) -> bool:
        return bool(self.before) and self.before.description != self.goal.description

    @property
    def description_diff(self) -> SafeString:
        return word_diff(self.before.description, self.goal.description)


@dataclass
class UnitComparison:
    unit: Unit
    changes: dict[str, list[Change]] = field(default_factory=lambda: {name: [] for name in CATEGORIES})

    def count(self, category: str) -> int:
        return len(self.changes[category])

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(items) for name, items in self.changes.items()}


def word_diff(before: str, after: str) -> SafeString:
    """Mark words removed with <del> and words added with <ins>."""
    old, new = before.split(), after.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(' '.join(old[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(' '.join(new[j1:j2]))}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308 every piece of text is escaped above


def compare_periods(earlier: MandatePeriod, later: MandatePeriod) -> dict[int, UnitComparison]:
    """Per owner unit: the goals carried unchanged, revised, new and retired from one period to the next."""
    later_goals = list(
        Goal.objects.valid_in(later)
        .exclude(level=GoalLevel.VISION)
        .select_related("owner", "predecessor")
        .order_by("path")
    )
    earlier_goals = list(
        Goal.objects.valid_in(earlier)
        .exclude(level=GoalLevel.VISION)
        .select_related("owner", "successor")
        .order_by("path")
    )
    earlier_ids = {goal.pk for goal in earlier_goals}
    later_ids = {goal.pk for goal in later_goals}
    by_unit: dict[int, UnitComparison] = {}

    def add(goal: Goal, change: Change) -> None:
        by_unit.setdefault(goal.owner_id, UnitComparison(goal.owner)).changes[change.category].append(change)

    for goal in later_goals:
        continued = goal.pk in earlier_ids or goal.predecessor_id in earlier_ids
        if not goal.is_active:
            # Carried over and then retired in the later period: it ended all the same.
            if continued:
                add(goal, Change("retired", goal.predecessor or goal))
            continue
        if goal.pk in earlier_ids:
            add(goal, Change("unchanged", goal))  # valid in both periods: it simply continues
        elif goal.predecessor_id in earlier_ids:
            before = goal.predecessor
            same = before.title == goal.title and before.description == goal.description
            add(goal, Change("unchanged" if same else "revised", goal, before))
        else:
            add(goal, Change("new", goal))
    for goal in earlier_goals:
        if goal.pk in later_ids:
            continue
        successor = getattr(goal, "successor", None)
        if successor is not None and successor.pk in later_ids:
            continue
        add(goal, Change("retired", goal))
    return dict(sorted(by_unit.items(), key=lambda item: item[1].unit.name))


def totals(comparisons) -> dict[str, int]:
    counts = dict.fromkeys(CATEGORIES, 0)
    for comparison in comparisons:
        for name in CATEGORIES:
            counts[name] += comparison.count(name)
    return counts


@dataclass
class UnitCoverage:
    unit: Unit
    goals: int = 0
    linked: int = 0
    needs_relinking: int = 0

    @property
    def not_linked(self) -> int:
        return self.goals - self.linked

    @property
    def share(self) -> float:
        """The share of the unit's goals that link up to the vision, 0-100."""
        return round(100 * self.linked / self.goals, 1) if self.goals else 0.0


COVERAGE_SORTS = {
    "unit": lambda row: row.unit.name.lower(),
    "kind": lambda row: (row.unit.kind, row.unit.name.lower()),
    "goals": lambda row: row.goals,
    "linked": lambda row: row.linked,
    "share": lambda row: row.share,
    "relinking": lambda row: row.needs_relinking,
    "not_linked": lambda row: row.not_linked,
}


def period_coverage(period: MandatePeriod) -> list[UnitCoverage]:
    """Per unit: its active goals in the period, how many link up to the vision, how many need re-linking.

    A goal links up to the vision when it and every goal above it is active,
    valid in the period and not waiting to be re-linked, up to a vision.
    """
    rows = (
        Goal.objects.valid_in(period)
        .order_by("path")
        .values_list("path", "level", "status", "needs_relinking", "owner_id")
    )
    coverage = {unit.pk: UnitCoverage(unit) for unit in Unit.objects.order_by("name")}
    linked_paths: set[str] = set()
    for path, level, status, needs_relinking, owner_id in rows:
        active = status == GoalStatus.ACTIVE
        if len(path) == Goal.steplen:
            if level == GoalLevel.VISION and active:
                linked_paths.add(path)
            continue
        linked = active and not needs_relinking and parent_path(path) in linked_paths
        if linked:
            linked_paths.add(path)
        row = coverage.get(owner_id)
        if row is None or not active:
            continue
        row.goals += 1
        row.linked += linked
        row.needs_relinking += needs_relinking
    return list(coverage.values())


def sort_coverage(rows: list[UnitCoverage], key: str, descending: bool) -> list[UnitCoverage]:
    return sorted(rows, key=COVERAGE_SORTS.get(key, COVERAGE_SORTS["unit"]), reverse=descending)


def default_periods(periods: list[MandatePeriod]) -> tuple[MandatePeriod | None, MandatePeriod | None]:
    """The period shown by default and the one before it (``periods`` oldest first), for comparing
    without a choice made; the first two when the default is the oldest."""
    if len(periods) < 2:
        return (None, periods[0] if periods else None)
    current = MandatePeriod.objects.current_first().first()
    index = periods.index(current)
    if index == 0:
        return current, periods[1]
    return periods[index - 1], current
