"""Writes to single goals: add, change, move, retire, delete. Each is one transaction,
takes the acting user (``by``) and checks the rules and the rights itself."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from goals import permissions, rules
from goals.cache import branch_spans, bump_for, spans_of
from goals.history import conflict_message
from goals.models import Goal, GoalLink, GoalStatus
from goals.paths import is_within
from goals.services.locks import fresh, lock_tree, stored_parent
from vision.actors import NotAllowed, is_administrator, write_service
from vision.models import MandatePeriod, Unit

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


@write_service
def goal_create(
    *,
    by,
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
    return goal_insert(parent=parent, goal=goal, by=by)


@write_service
def goal_insert(
    *, by, parent: Goal | None, goal: Goal, target: Goal | None = None, position: str = "last-child"
) -> Goal:
    """Validate an unsaved goal and add it as the last child of ``parent``.

    With ``target`` and another ``position`` (as the admin's form offers) the
    new goal then moves there, inside the same exclusive lock: taking the
    shared lock first and the exclusive one later would deadlock two such
    inserts running at once.
    """
    positioned = target is not None and position != "last-child"
    lock_tree(exclusive=parent is None or positioned)
    if parent is not None:
        parent = fresh(parent, lock=True)
    permissions.check_may_write(by, goal, parent)
    goal.full_clean(exclude=TREE_FIELDS)
    rules.check_placement(goal, parent)
    bump_for(spans_of([goal]))
    if parent is None:
        goal = Goal.objects.add_root(instance=goal)
    else:
        goal = Goal.objects.add_child(parent, instance=goal)
    if positioned:
        goal = goal_move(goal=goal, target=target, position=position, by=by)
    return goal


@write_service
def goal_update(*, by, goal: Goal, expected_version: int | None = None, **changes) -> Goal:
    """Change a goal's own fields; the tree position stays (see goal_move).

    With ``expected_version`` (the version the editor's form was loaded with)
    the change is refused when someone else saved the goal in between.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"goal_update cannot change {sorted(unknown)}")
    lock_tree(exclusive=False)
    stored = fresh(goal, lock=True)
    permissions.check_may_change(by, stored)
    was_valid = (stored.period_id, stored.until_period_id)
    if expected_version is not None and stored.version != expected_version:
        raise ValidationError(conflict_message(stored, expected_version), code="edit_conflict")
    for name, value in changes.items():
        setattr(stored, name, value)
    permissions.check_may_write(by, stored, None, placing=False)
    stored.full_clean(exclude=TREE_FIELDS)
    rules.check_placement(stored, stored_parent(stored))
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
    lock_tree(exclusive=moving)
    stored = fresh(goal, lock=True)
    if version is None or stored.version == version:
        return None
    return conflict_message(stored, version)


@write_service
def goal_move(*, by, goal: Goal, target: Goal, position: str = "last-child") -> Goal:
    """Move a goal and its branch next to or under ``target``."""
    if position not in CHILD_POSITIONS | SIBLING_POSITIONS:
        raise ValueError(f"Unknown position {position!r}")
    lock_tree(exclusive=True)
    goal, target = fresh(goal), fresh(target)
    permissions.check_may_change(by, goal)
    if goal.depth == 1:
        raise ValidationError(
            _("A vision stays at the root of the tree and cannot be moved."), code="move_vision"
        )
    if is_within(target.path, goal.path):
        raise ValidationError(
            _("A goal cannot be moved under itself or its own sub-goals."), code="move_into_self"
        )
    new_parent = target if position in CHILD_POSITIONS else stored_parent(target)
    permissions.check_may_write(by, goal, new_parent)
    rules.check_placement(goal, new_parent)
    rules.check_branch_depth(goal, new_parent)
    write_move(goal, target, position)
    bump_for(branch_spans(goal))
    return goal


def write_move(goal: Goal, target: Goal, position: str) -> None:
    """Move ``goal`` with its branch, the rules and rights already checked by the caller.

    A move is a change of the goal: a form loaded before it is refused, the
    history records who moved it where, and the goal counts as linked anew.
    """
    Goal.objects.move(goal, target, pos=position)
    goal.refresh_from_db()
    goal.version += 1
    goal.needs_relinking = False
    goal.save(update_fields=["version", "needs_relinking"])


@write_service
def goal_retire(*, by, goal: Goal) -> int:
    """Retire a goal with its whole branch; returns how many goals were retired."""
    lock_tree(exclusive=False)
    goal = fresh(goal, lock=True)
    permissions.check_may_change(by, goal)
    branch = list(Goal.objects.descendant_of(goal, inclusive=True).active().select_related("owner"))
    foreign = [node for node in branch if not permissions.can_edit_goal(by, node)]
    if foreign:
        raise NotAllowed(
            _("“%(goal)s” has sub-goals of units you do not edit: ask an administrator to retire it.")
            % {"goal": goal.title}
        )
    for node in branch:
        node.status = GoalStatus.RETIRED
        node.version += 1
    if branch:
        bulk_update_with_history(branch, Goal, ["status", "version"], default_user=by)
        bump_for(spans_of(branch))
    return len(branch)


def goal_deletion_refusal(goal: Goal, *, by) -> str | None:
    """Why ``by`` may not delete a goal, or None when they may.

    A decided goal is a public record: only an administrator may delete one (a
    mistaken entry), and the history keeps the deletion with their name.
    """
    if not permissions.can_edit_goal(by, goal):
        return _("“%(goal)s” belongs to %(unit)s: only its editors and administrators may change it.") % {
            "goal": goal.title,
            "unit": goal.owner or "–",
        }
    if goal.numchild:
        return _("“%(goal)s” has sub-goals: move or retire them first.") % {"goal": goal.title}
    if goal.is_decided and not is_administrator(by):
        return _("“%(goal)s” was decided and is a public record: retire it instead of deleting it.") % {
            "goal": goal.title
        }
    if GoalLink.objects.filter(Q(source=goal) | Q(target=goal)).exists():
        return _("“%(goal)s” has contribution links: remove them first.") % {"goal": goal.title}
    if goal.predecessor_id or Goal.objects.filter(predecessor=goal).exists():
        return _("“%(goal)s” is part of a lineage across periods: retire it instead.") % {"goal": goal.title}
    return None


@write_service
def goal_delete(*, by, goal: Goal) -> None:
    """Delete a goal that nothing else depends on and was never decided (unless by an administrator)."""
    lock_tree(exclusive=True)
    goal = fresh(goal)
    permissions.check_may_change(by, goal)
    refusal = goal_deletion_refusal(goal, by=by)
    if refusal:
        raise ValidationError(refusal, code="delete_refused")
    Goal.objects.filter(pk=goal.pk).delete()
    bump_for(spans_of([goal]))
