"""Writes to the goal tree. Each service is one transaction.

Tree writes on PostgreSQL take an advisory lock: shared for adding a child
(treebeard also locks the parent row, so children of different parents go in
side by side), exclusive for anything that rewrites paths (roots, moves,
carry-over). SQLite serialises writers itself (transaction_mode IMMEDIATE).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, F, Max, Value, When
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from goals import rules
from goals.cache import branch_spans, bump_for, spans_of
from goals.edit_conflicts import conflict_message
from goals.models import Goal, GoalLevel, GoalLink, GoalStatus
from vision.models import MandatePeriod, Unit

TREE_LOCK_KEY = 20230828  # the day KF decided on the new vision; any constant will do
TREE_FIELDS = ["path", "depth", "numchild"]
EDITABLE_FIELDS = {
    "title",
    "description",
    "level",
    "status",
    "owner",
    "period",
    "until_period",
    "decided_by",
    "decided_on",
    "case_number",
    "needs_relinking",
}
CHILD_POSITIONS = {"first-child", "last-child"}
SIBLING_POSITIONS = {"left", "right"}
INSERT_BATCH = 1000


def _lock_tree(*, exclusive: bool) -> None:
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [TREE_LOCK_KEY])


def _fresh(goal: Goal, *, lock: bool = False) -> Goal:
    """Re-read a goal so rules and paths are checked against what is stored now."""
    queryset = Goal.objects.select_related("period", "until_period")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=goal.pk)


def _parent_of(goal: Goal) -> Goal | None:
    if goal.depth <= 1:
        return None
    return Goal.objects.select_related("period", "until_period").get(path=goal.path[: -Goal.steplen])


@transaction.atomic
def goal_create(
    *,
    parent: Goal | None,
    title: str,
    level: str,
    owner: Unit | None = None,
    period: MandatePeriod | None = None,
    until_period: MandatePeriod | None = None,
    description: str = "",
    decided_by: str = "",
    decided_on=None,
    case_number: str = "",
    status: str = GoalStatus.ACTIVE,
    predecessor: Goal | None = None,
    needs_relinking: bool = False,
    external_id=None,
) -> Goal:
    """Add a goal under ``parent`` (a vision at the root when parent is None)."""
    goal = Goal(
        title=title,
        level=level,
        owner=owner,
        period=period,
        until_period=until_period,
        description=description,
        decided_by=decided_by,
        decided_on=decided_on,
        case_number=case_number,
        status=status,
        predecessor=predecessor,
        needs_relinking=needs_relinking,
    )
    if external_id is not None:
        goal.external_id = external_id
    return goal_insert(parent=parent, goal=goal)


@transaction.atomic
def goal_insert(
    *, parent: Goal | None, goal: Goal, target: Goal | None = None, position: str = "last-child"
) -> Goal:
    """Validate an unsaved goal and add it as the last child of ``parent``.

    With ``target`` and another ``position`` (as the admin's form offers) the
    new goal then moves there, inside the same exclusive lock: taking the
    shared lock first and the exclusive one later would deadlock two such
    inserts running at once.
    """
    positioned = target is not None and position != "last-child"
    _lock_tree(exclusive=parent is None or positioned)
    if parent is not None:
        parent = _fresh(parent, lock=True)
    goal.full_clean(exclude=TREE_FIELDS)
    rules.check_placement(goal, parent)
    bump_for(spans_of([goal]))
    if parent is None:
        goal = Goal.objects.add_root(instance=goal)
    else:
        goal = Goal.objects.add_child(parent, instance=goal)
    if positioned:
        goal = goal_move(goal=goal, target=target, position=position)
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, expected_version: int | None = None, **changes) -> Goal:
    """Change a goal's own fields; the tree position stays (see goal_move).

    With ``expected_version`` (the version the editor's form was loaded with)
    the change is refused when someone else saved the goal in between.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"goal_update cannot change {sorted(unknown)}")
    _lock_tree(exclusive=False)
    stored = _fresh(goal, lock=True)
    was_valid = (stored.period_id, stored.until_period_id)
    if expected_version is not None and stored.version != expected_version:
        raise ValidationError(conflict_message(stored, expected_version), code="edit_conflict")
    for name, value in changes.items():
        setattr(stored, name, value)
    stored.full_clean(exclude=TREE_FIELDS)
    rules.check_placement(stored, _parent_of(stored))
    rules.check_children_fit(stored)
    stored.version += 1
    stored.save(update_fields=[Goal._meta.get_field(name).attname for name in changes] + ["version"])
    bump_for({was_valid} | spans_of([stored]))
    return stored


@transaction.atomic
def goal_version_conflict(*, goal: Goal, version: int | None, moving: bool = False) -> str | None:
    """Lock ``goal`` for the rest of the caller's transaction; say what changed since ``version``.

    A form calls this while validating, inside the request's transaction, so
    no one can save the goal between the check and the form's own save. The
    tree lock is taken first, in the same order as the writes above take it.
    """
    _lock_tree(exclusive=moving)
    stored = _fresh(goal, lock=True)
    if version is None or stored.version == version:
        return None
    return conflict_message(stored, version)


@transaction.atomic
def goal_move(*, goal: Goal, target: Goal, position: str = "last-child") -> Goal:
    """Move a goal and its branch next to or under ``target``."""
    if position not in CHILD_POSITIONS | SIBLING_POSITIONS:
        raise ValueError(f"Unknown position {position!r}")
    _lock_tree(exclusive=True)
    goal, target = _fresh(goal), _fresh(target)
    if goal.depth == 1:
        raise ValidationError(
            _("A vision stays at the root of the tree and cannot be moved."), code="move_vision"
        )
    if target.path.startswith(goal.path):
        raise ValidationError(
            _("A goal cannot be moved under itself or its own sub-goals."), code="move_into_self"
        )
    new_parent = target if position in CHILD_POSITIONS else _parent_of(target)
    rules.check_placement(goal, new_parent)
    Goal.objects.move(goal, target, pos=position)
    goal.refresh_from_db()
    # A move is a change of the goal: a form loaded before it is refused, and
    # the history records who moved it where.
    goal.version += 1
    goal.needs_relinking = False
    goal.save(update_fields=["version", "needs_relinking"])
    bump_for(branch_spans(goal))
    return goal


@transaction.atomic
def goal_retire(*, goal: Goal, user=None) -> int:
    """Retire a goal with its whole branch; returns how many goals were retired."""
    _lock_tree(exclusive=False)
    goal = _fresh(goal, lock=True)
    branch = list(Goal.objects.descendant_of(goal, inclusive=True).active())
    for node in branch:
        node.status = GoalStatus.RETIRED
    if branch:
        bulk_update_with_history(branch, Goal, ["status"], default_user=user)
        bump_for(spans_of(branch))
    return len(branch)


def goal_deletion_refusal(goal: Goal, *, by_superuser: bool = False) -> str | None:
    """Why a goal may not be deleted, or None when it may.

    A decided goal is a public record: only a superuser may delete one (a
    mistaken entry), and the history keeps the deletion with their name.
    """
    if goal.numchild:
        return _("“%(goal)s” has sub-goals: move or retire them first.") % {"goal": goal.title}
    if goal.is_decided and not by_superuser:
        return _("“%(goal)s” was decided and is a public record: retire it instead of deleting it.") % {
            "goal": goal.title
        }
    if GoalLink.objects.filter(source=goal).exists() or GoalLink.objects.filter(target=goal).exists():
        return _("“%(goal)s” has contribution links: remove them first.") % {"goal": goal.title}
    if goal.predecessor_id or Goal.objects.filter(predecessor=goal).exists():
        return _("“%(goal)s” is part of a lineage across periods: retire it instead.") % {"goal": goal.title}
    return None


@transaction.atomic
def goal_delete(*, goal: Goal, by_superuser: bool = False) -> None:
    """Delete a goal that nothing else depends on and was never decided (unless by a superuser)."""
    _lock_tree(exclusive=True)
    goal = _fresh(goal)
    refusal = goal_deletion_refusal(goal, by_superuser=by_superuser)
    if refusal:
        raise ValidationError(refusal, code="delete_refused")
    Goal.objects.filter(pk=goal.pk).delete()
    bump_for(spans_of([goal]))


@transaction.atomic
def goal_link_add(*, source: Goal, target: Goal) -> GoalLink:
    """Record that ``source`` also contributes to ``target``."""
    source, target = _fresh(source), _fresh(target)
    rules.check_link(source, target)
    if GoalLink.objects.filter(source=source, target=target).exists():
        raise ValidationError(
            _("“%(source)s” already contributes to “%(target)s”.")
            % {"source": source.title, "target": target.title},
            code="link_exists",
        )
    bump_for(spans_of([source, target]))
    return GoalLink.objects.create(source=source, target=target)


@transaction.atomic
def goal_link_remove(*, source: Goal, target: Goal) -> None:
    GoalLink.objects.filter(source=source, target=target).delete()
    bump_for(spans_of([source, target]))


@dataclass
class Relinking:
    goal: Goal
    placed_under_title: str


@dataclass
class CarryOverResult:
    source: MandatePeriod
    target: MandatePeriod
    dry_run: bool
    created: int = 0
    already_carried: int = 0
    links_created: int = 0
    links_dropped: int = 0
    per_unit: Counter = field(default_factory=Counter)
    relinking: list[Relinking] = field(default_factory=list)
    successors: dict[int, Goal] = field(default_factory=dict)
    user: object = None


@dataclass
class _Node:
    """What carry-over needs to know of a goal valid in the source period."""

    goal: Goal
    image_path: str | None = None  # where its counterpart sits in the target period
    image_id: int | None = None
    new: Goal | None = None
    is_candidate: bool = False


@transaction.atomic
def period_carry_over(
    *,
    source: MandatePeriod,
    target: MandatePeriod,
    unit: Unit | None = None,
    dry_run: bool = False,
    user=None,
) -> CarryOverResult:
    """Copy the active goals of ``source`` (or of one unit) into ``target``.

    Each copy points at its predecessor and sits under its parent's
    counterpart in the target period; where the parent has none, under the
    nearest ancestor that has one, flagged as needing re-linking. Goals already
    carried, or valid in both periods, are left alone, so a second run adds
    nothing.
    """
    if target.start <= source.start:
        raise ValidationError(
            _("Goals are carried forward: %(target)s does not come after %(source)s.")
            % {"target": target, "source": source},
            code="carry_backwards",
        )
    if not dry_run:
        _lock_tree(exclusive=True)
    result = CarryOverResult(source=source, target=target, dry_run=dry_run, user=user)

    rows = (
        Goal.objects.valid_in(source)
        .select_related("owner", "period", "until_period", "successor__period", "successor__until_period")
        .order_by("path")
    )
    nodes: dict[str, _Node] = {}
    candidates: list[_Node] = []
    for goal in rows:
        node = nodes[goal.path] = _Node(goal)
        successor = getattr(goal, "successor", None)
        if goal.is_valid_in(target):
            if goal.is_active:
                node.image_path, node.image_id = goal.path, goal.pk
        elif successor is not None:
            if unit is None or goal.owner_id == unit.pk:
                result.already_carried += 1
            # A successor retired since, or placed in a later period, cannot take children now.
            if successor.is_valid_in(target) and successor.is_active:
                node.image_path, node.image_id = successor.path, successor.pk
        elif goal.is_active and goal.level != GoalLevel.VISION and (unit is None or goal.owner_id == unit.pk):
            node.is_candidate = True
            candidates.append(node)

    anchors = [_anchor_for(node, nodes, target) for node in candidates]
    existing_anchors = {anchor.image_path for anchor in anchors if not anchor.is_candidate}
    next_position = _next_child_positions(existing_anchors)
    new_children: Counter = Counter()
    for node, anchor in zip(candidates, anchors, strict=True):
        goal = node.goal
        relink = anchor is not nodes[_parent_path(goal.path)]
        if relink:
            result.relinking.append(Relinking(goal=goal, placed_under_title=anchor.goal.title))
        position = next_position[anchor.image_path]
        next_position[anchor.image_path] += 1
        new_children[anchor.image_path] += 1
        node.image_path = Goal._get_path(
            anchor.image_path, len(anchor.image_path) // Goal.steplen + 1, position
        )
        node.new = Goal(
            path=node.image_path,
            depth=len(node.image_path) // Goal.steplen,
            numchild=0,
            title=goal.title,
            description=goal.description,
            level=goal.level,
            status=GoalStatus.ACTIVE,
            owner=goal.owner,
            period=target,
            until_period=None,
            decided_by=goal.decided_by,
            decided_on=goal.decided_on,
            case_number=goal.case_number,
            predecessor=goal,
            needs_relinking=relink,
        )
        result.per_unit[goal.owner.name] += 1
    result.created = len(candidates)
    if dry_run or not candidates:
        return result

    for node in candidates:
        node.new.numchild = new_children.pop(node.image_path, 0)
    _add_to_numchild(new_children)
    created = bulk_create_with_history(
        [n.new for n in candidates], Goal, batch_size=INSERT_BATCH, default_user=user
    )
    for node, goal in zip(candidates, created, strict=True):
        node.image_id = goal.pk
        result.successors[node.goal.pk] = goal
    _carry_links(result, nodes, candidates)
    bump_for({(source.pk, None), (target.pk, None)})  # the source's goals now show successors
    return result


def _parent_path(path: str) -> str:
    return path[: -Goal.steplen]


def _anchor_for(node: _Node, nodes: dict[str, _Node], target: MandatePeriod) -> _Node:
    """The nearest ancestor that has, or is about to get, a counterpart in the target period."""
    path = _parent_path(node.goal.path)
    while path:
        ancestor = nodes[path]
        if ancestor.image_path is not None or ancestor.is_candidate:
            return ancestor
        path = _parent_path(path)
    raise ValidationError(
        _("No vision is valid in %(target)s: add or extend one before carrying goals over.")
        % {"target": target},
        code="no_vision",
    )


def _next_child_positions(parent_paths: set[str]) -> defaultdict:
    """Return, per existing parent path, the position after its last child."""
    positions: defaultdict = defaultdict(lambda: 1)
    paths = sorted(parent_paths)
    for start in range(0, len(paths), 500):
        chunk = paths[start : start + 500]
        last_children = (
            Goal.objects.annotate(parent_path=Substr("path", 1, Length("path") - Goal.steplen))
            .filter(parent_path__in=chunk)
            .order_by()
            .values("parent_path")
            .annotate(last=Max("path"))
        )
        for row in last_children:
            positions[row["parent_path"]] = Goal._str2int(row["last"][-Goal.steplen :]) + 1
    return positions


def _add_to_numchild(counts: Counter) -> None:
    """Add new children to the counts of parents that already existed."""
    items = sorted(counts.items())
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        Goal.objects.filter(path__in=[path for path, _ in chunk]).update(
            numchild=F("numchild")
            + Case(*(When(path=path, then=Value(n)) for path, n in chunk), default=Value(0))
        )


def _carry_links(result: CarryOverResult, nodes: dict[str, _Node], candidates: list[_Node]) -> None:
    """Copy the contribution links between goals that have counterparts in the target period.

    A link is carried when its source is carried now, or when its target is
    carried now and its source was carried earlier (unit by unit), so carrying
    units one at a time links the same as carrying the whole period at once.
    """
    carried_now = {node.goal.pk for node in candidates}
    image_of = {node.goal.pk: node.image_id for node in nodes.values() if node.image_id is not None}
    links = GoalLink.objects.filter(source__in=Goal.objects.valid_in(result.source).values("pk")).values_list(
        "source_id", "target_id"
    )
    new_pairs = set()
    for source_id, target_id in links:
        if source_id not in carried_now and target_id not in carried_now:
            continue
        source_image, target_image = image_of.get(source_id), image_of.get(target_id)
        if source_image is None or target_image is None or source_image == source_id:
            if source_id in carried_now:
                result.links_dropped += 1
            continue
        new_pairs.add((source_image, target_image))
    new_links = [GoalLink(source_id=source, target_id=target) for source, target in sorted(new_pairs)]
    if new_links:
        bulk_create_with_history(new_links, GoalLink, batch_size=INSERT_BATCH, default_user=result.user)
    result.links_created = len(new_links)
