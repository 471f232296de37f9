"""Child paths for bulk writes: carry-over, import and the generator place many
goals at once, beside treebeard's one-at-a-time manager API, inside their own
service's transaction and tree lock.

Positions continue after the last child a parent has (paths may have gaps, so
never from numchild).
"""

from collections import Counter, defaultdict

from django.db.models import Case, F, Max, Value, When

from goals.models import Goal
from goals.paths import child_path, position_of

CHUNK = 500


class ChildPaths:
    """Hands out new child paths under stored and new parents, and counts them for numchild."""

    def __init__(self, stored_parents):
        self.next_position = next_child_positions(set(stored_parents))
        self.added: Counter = Counter()

    def next(self, parent: str) -> str:
        position = self.next_position[parent]
        self.next_position[parent] += 1
        self.added[parent] += 1
        return child_path(parent, position)

    def numchild_of_new(self, path: str) -> int:
        """How many children a new goal got; its count is then settled."""
        return self.added.pop(path, 0)

    def add_to_stored_parents(self) -> None:
        """Raise numchild of the stored parents by the children handed out under them."""
        add_to_numchild(self.added)
        self.added.clear()


def next_child_positions(parent_paths: set[str]) -> defaultdict:
    """Per parent path, the position after its last stored child (1 for none)."""
    positions: defaultdict = defaultdict(lambda: 1)
    paths = sorted(parent_paths)
    for start in range(0, len(paths), CHUNK):
        chunk = paths[start : start + CHUNK]
        last_children = (
            Goal.objects.with_parent_path()
            .filter(parent_path__in=chunk)
            .order_by()
            .values("parent_path")
            .annotate(last=Max("path"))
        )
        for row in last_children:
            positions[row["parent_path"]] = position_of(row["last"]) + 1
    return positions


def add_to_numchild(counts: Counter) -> None:
    """Add new children to the counts of parents that already existed."""
    items = sorted((path, n) for path, n in counts.items() if n)
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        Goal.objects.filter(path__in=[path for path, _ in chunk]).update(
            numchild=F("numchild")
            + Case(*(When(path=path, then=Value(n)) for path, n in chunk), default=Value(0))
        )
