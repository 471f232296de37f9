"""Checks the goal tree's structure in one pass over one query.

treebeard's find_problems() costs milliseconds per node and fix_tree() grows
with the square of the tree; this reads (id, path, depth, numchild, level,
status) once, ordered by path, and checks every node against its parent in
Python, so 100,000 goals take seconds.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Value, When

from goals.models import LEVEL_RANK, Goal, GoalLevel, GoalStatus

STEP = Goal.steplen
ALPHABET = set(Goal.alphabet)


@dataclass(frozen=True)
class Problem:
    kind: str
    goal_id: int
    path: str
    detail: str
    fixable: bool = False

    def __str__(self):
        return f"{self.kind}: goal {self.goal_id} at {self.path}: {self.detail}"


def find_problems(rows=None) -> list[Problem]:
    """Check the stored tree, or ``rows`` of (id, path, depth, numchild, level, status)."""
    if rows is None:
        rows = Goal.objects.order_by().values_list("id", "path", "depth", "numchild", "level", "status")
    rows = list(rows)
    problems: list[Problem] = []
    path_counts = Counter(path for _, path, *_ in rows)
    by_path = {path: (goal_id, level, status) for goal_id, path, _, _, level, status in rows}
    children = Counter(path[:-STEP] for _, path, *_ in rows if len(path) > STEP)

    for goal_id, path, depth, numchild, level, status in rows:
        if path_counts[path] > 1:
            problems.append(
                Problem("duplicate_path", goal_id, path, f"{path_counts[path]} goals share this path")
            )
        if not path or len(path) % STEP or not set(path) <= ALPHABET:
            problems.append(Problem("bad_path", goal_id, path, "path is not a sequence of 4-character steps"))
            continue
        if depth != len(path) // STEP:
            problems.append(
                Problem(
                    "wrong_depth",
                    goal_id,
                    path,
                    f"depth {depth}, path says {len(path) // STEP}",
                    fixable=True,
                )
            )
        if numchild != children[path]:
            problems.append(
                Problem(
                    "wrong_numchild",
                    goal_id,
                    path,
                    f"numchild {numchild}, has {children[path]}",
                    fixable=True,
                )
            )
        if len(path) == STEP:
            if level != GoalLevel.VISION:
                problems.append(Problem("root_not_vision", goal_id, path, f"a {level} stands at the root"))
            continue
        parent = by_path.get(path[:-STEP])
        if parent is None:
            problems.append(Problem("orphan", goal_id, path, "no goal at the parent path"))
            continue
        _, parent_level, parent_status = parent
        if LEVEL_RANK.get(level, -1) < LEVEL_RANK.get(parent_level, 99) or level == GoalLevel.VISION:
            problems.append(Problem("level_above_parent", goal_id, path, f"a {level} under a {parent_level}"))
        if status == GoalStatus.ACTIVE and parent_status == GoalStatus.RETIRED:
            problems.append(
                Problem("active_under_retired", goal_id, path, "an active goal under a retired one")
            )
    return problems


@transaction.atomic
def fix_problems(problems: list[Problem]) -> int:
    """Repair what can be derived from the paths (depth and numchild); returns how many goals changed."""
    fixable = [p for p in problems if p.fixable]
    if not fixable:
        return 0
    depth_ids = {p.goal_id for p in fixable if p.kind == "wrong_depth"}
    numchild_paths = {p.path for p in fixable if p.kind == "wrong_numchild"}
    for goal in Goal.objects.filter(pk__in=depth_ids).only("id", "path"):
        Goal.objects.filter(pk=goal.pk).update(depth=len(goal.path) // STEP)
    if numchild_paths:
        counts = Counter(
            path[:-STEP]
            for path in Goal.objects.order_by().values_list("path", flat=True)
            if path[:-STEP] in numchild_paths
        )
        paths = sorted(numchild_paths)
        for start in range(0, len(paths), 500):
            chunk = paths[start : start + 500]
            Goal.objects.filter(path__in=chunk).update(
                numchild=Case(
                    *(When(path=path, then=Value(counts[path])) for path in chunk), default=Value(0)
                )
            )
    return len({p.goal_id for p in fixable})
