"""Checks the goal tree's structure, and the hierarchy table, in one pass over one query.

treebeard's find_problems() costs milliseconds per node and fix_tree() grows
with the square of the tree; this reads (id, path, depth, numchild, level,
status, owner) once, in chunks, with the units' kinds beside it, and checks
every node against its parent in Python, so 100,000 goals take seconds.

Besides broken paths it reports what goals.rules refuses for new writes but an
older database may still hold (a goal under a parent level the table does not
allow, a tree deeper than rules.MAX_DEPTH, an owner of the wrong kind). Only
depth and numchild follow from the paths; the rest needs a person to move the
goal or change its level or owner, so --fix leaves them reported.
"""

from collections import Counter
from dataclasses import dataclass

from goals import rules
from goals.models import Goal, GoalLevel, GoalStatus
from vision.models import Unit, UnitKind

STEP = Goal.steplen
ALPHABET = set(Goal.alphabet)
READ_CHUNK = 5000
# A longer path is shown by its ends and its depth: the goal id names the goal, and a
# legacy chain 60 levels deep still gets one readable line per goal.
SHOWN_PATH = 40
# Kinds that break goals.rules rather than the paths: never fixable from the paths.
TABLE_KINDS = frozenset({"level_not_under_parent", "too_deep", "owner_kind", "unknown_level"})


@dataclass(frozen=True)
class Problem:
    kind: str
    goal_id: int
    path: str
    detail: str
    fixable: bool = False

    def __str__(self):
        path = self.path
        if len(path) > SHOWN_PATH:
            path = f"{path[:12]}…{path[-12:]} (depth {len(path) // STEP})"
        return f"{self.kind}: goal {self.goal_id} at {path}: {self.detail}"


def _stored_rows():
    kinds = dict(Unit.objects.values_list("pk", "kind"))
    rows = (
        Goal.objects.order_by()
        .values_list("id", "path", "depth", "numchild", "level", "status", "owner_id")
        .iterator(chunk_size=READ_CHUNK)
    )
    for *row, owner_id in rows:
        yield (*row, kinds.get(owner_id))


def find_problems(rows=None) -> list[Problem]:
    """Check the stored tree, or ``rows`` of (id, path, depth, numchild, level, status[, owner kind]).

    Without the owner's kind (a row of six) the owner is not checked.
    """
    rows = list(_stored_rows() if rows is None else rows)
    problems: list[Problem] = []
    path_counts = Counter(row[1] for row in rows)
    by_path = {row[1]: (row[4], row[5]) for row in rows}
    children = Counter(row[1][:-STEP] for row in rows if len(row[1]) > STEP)

    for goal_id, path, depth, numchild, level, status, *owner in rows:
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
        if level not in rules.HIERARCHY:
            problems.append(
                Problem("unknown_level", goal_id, path, f"the level {level!r} is not in the table")
            )
        elif owner and owner[0] is not None and owner[0] not in rules.owner_kinds(level):
            allowed = _listed(rules.owner_kinds(level), UnitKind.values)
            problems.append(
                Problem(
                    "owner_kind",
                    goal_id,
                    path,
                    f"level {level} owned by a unit of kind {owner[0]}; the table allows {allowed}",
                )
            )
        if len(path) // STEP > rules.MAX_DEPTH:
            problems.append(
                Problem(
                    "too_deep", goal_id, path, f"depth {len(path) // STEP}, the limit is {rules.MAX_DEPTH}"
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
        parent_level, parent_status = parent
        if level in rules.HIERARCHY and parent_level not in rules.parent_levels(level):
            allowed = (
                _listed(rules.parent_levels(level), GoalLevel.values) or "nothing: it stands at the root"
            )
            problems.append(
                Problem(
                    "level_not_under_parent",
                    goal_id,
                    path,
                    f"level {level} under level {parent_level}; the table allows it under {allowed}",
                )
            )
        if status == GoalStatus.ACTIVE and parent_status == GoalStatus.RETIRED:
            problems.append(
                Problem("active_under_retired", goal_id, path, "an active goal under a retired one")
            )
    return problems


def _listed(values, order) -> str:
    return " or ".join(sorted(values, key=order.index))
