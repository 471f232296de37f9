"""What every tree write does first: lock the tree, re-read what it changes.

Tree writes on PostgreSQL take an advisory lock: shared for adding a child
(treebeard also locks the parent row, so children of different parents go in
side by side), exclusive for anything that rewrites paths (roots, moves,
carry-over, import). SQLite serialises writers itself (transaction_mode IMMEDIATE).
"""

from django.db import connection

from goals.models import Goal
from goals.paths import parent_path

TREE_LOCK_KEY = 20230828  # the day KF decided on the new vision; any constant will do
INSERT_BATCH = 1000


def lock_tree(*, exclusive: bool) -> None:
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [TREE_LOCK_KEY])


def fresh(goal: Goal, *, lock: bool = False) -> Goal:
    """Re-read a goal so rules, rights and paths are checked against what is stored now."""
    queryset = Goal.objects.with_context()
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=goal.pk)


def stored_parent(goal: Goal) -> Goal | None:
    if goal.depth <= 1:
        return None
    return Goal.objects.with_context().get(path=parent_path(goal.path))
