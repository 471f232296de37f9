"""goals_import: write the rows of a goal file (goals.exchange) into the tree.

Rows are matched by external id: a new id adds a goal, a known one updates the
goal's fields and, when its parent changed, moves it (with its branch) under
the new parent. Every row is checked by goals.rules against the state the whole
file leads to before anything is written (the moves of the file included, so a
dry run answers as the real run would); one refused row refuses the file, and
each refusal names its line, column and reason. A row equal to what is
stored changes nothing, so importing a file twice writes nothing the second
time. Goals missing from the file are left alone: an import never deletes.
"""

import copy
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from goals import permissions, rules
from goals.cache import branch_spans, bump_for, spans_of
from goals.exchange.formats import FileRefused, RowError, SourceRow
from goals.models import Goal
from goals.paths import ancestor_paths, depth_of
from goals.services.child_paths import ChildPaths
from goals.services.locks import INSERT_BATCH, lock_tree
from goals.services.tree import write_move
from vision.actors import write_service
from vision.models import MandatePeriod, Unit

# Large IN lists are fine: SQLite allows 32,766 parameters, PostgreSQL 65,535.
CHUNK = 5000
# Branches read with one query (one LIKE each).
BRANCH_CHUNK = 200
# Goal fields a file sets, by the column that holds them.
TEXT_COLUMNS = ["title", "description", "level", "status", "decided_by", "case_number"]
FIELD_COLUMN = {
    "title": "title",
    "description": "description",
    "level": "level",
    "status": "status",
    "owner": "owner_unit",
    "period": "period",
    "until_period": "until_period",
    "decided_by": "decided_by",
    "decided_on": "decided_on",
    "case_number": "case_number",
}
COMPARED = [
    "title",
    "description",
    "level",
    "status",
    "owner_id",
    "period_id",
    "until_period_id",
    "decided_by",
    "decided_on",
    "case_number",
]
# Fields a file does not set, or that were resolved from slugs already
# (validating a foreign key would cost a query per row).
NOT_CLEANED = [
    "path",
    "depth",
    "numchild",
    "owner",
    "period",
    "until_period",
    "predecessor",
    "needs_relinking",
    "version",
    "external_id",
]
PLACEMENT_COLUMN = {
    "root_not_vision": "parent_external_id",
    "nested_vision": "level",
    "level_not_under_parent": "level",
    "too_deep": "parent_external_id",
    "parent_other_period": "period",
    "parent_retired": "status",
}


@dataclass
class ImportResult:
    dry_run: bool
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0


@dataclass
class _Plan:
    row: SourceRow
    goal: Goal
    parent: Goal | None
    parent_key: uuid.UUID | None
    existing: bool
    changed: bool = False
    moved: bool = False
    old_span: tuple | None = None
    errors: list[RowError] = field(default_factory=list)
    sound: bool = False  # judged in its place and found right: its children can be judged under it

    @property
    def key(self) -> uuid.UUID:
        return self.goal.external_id


class _FinalTree:
    """The tree as the whole file leaves it: each goal of the file under the parent its
    row names, every other stored goal where it is now.

    Depths and cycles are worked out here rather than read from the stored paths,
    which the moves of the file change: a row is judged by where the file puts
    its parent, not by where that parent stands before the import. Walks are
    loops, not recursion, so a hostile file of any depth cannot overflow the stack.
    """

    def __init__(self, plans: dict[uuid.UUID, _Plan]):
        self.plans = plans
        # Stored goals the file names, by their stored path.
        self.key_at = {plan.goal.path: key for key, plan in plans.items() if plan.existing}
        self.depths: dict[uuid.UUID, int | None] = {}
        self.cyclic: set[uuid.UUID] = set()
        self._placed: dict[uuid.UUID, Goal | None] = {}

    def nearest_named(self, path: str) -> tuple[uuid.UUID | None, int]:
        """The closest stored ancestor of ``path`` that the file names, and how many levels up it is.

        Without one: None and the depth of ``path`` itself (its chain does not change).
        """
        for above in reversed(ancestor_paths(path)):
            key = self.key_at.get(above)
            if key is not None:
                return key, depth_of(path) - depth_of(above)
        return None, depth_of(path)

    def depth_at(self, path: str) -> int | None:
        """The final depth of the stored goal at ``path``, one the file does not name."""
        above, levels = self.nearest_named(path)
        if above is None:
            return levels
        depth = self.depth(above)
        return None if depth is None else depth + levels

    def depth_of(self, goal: Goal) -> int | None:
        if goal.external_id in self.plans:
            return self.depth(goal.external_id)
        return self.depth_at(goal.path)

    def depth(self, key: uuid.UUID) -> int | None:
        """The final depth of a goal of the file; None when its parent chain is broken or a cycle."""
        walked: list[tuple[uuid.UUID, int]] = []  # (goal, levels below the next one up)
        position: dict[uuid.UUID, int] = {}
        current = key
        while True:
            if current in self.depths:
                top = self.depths[current]
                break
            if current in position:
                self.cyclic.update(node for node, _levels in walked[position[current] :])
                top = None
                break
            position[current] = len(walked)
            plan = self.plans[current]
            if plan.parent_key is None:
                walked.append((current, 1))
                top = 0
                break
            if plan.parent is None:  # refused on its own line
                walked.append((current, 1))
                top = None
                break
            if plan.parent_key in self.plans:
                walked.append((current, 1))
                current = plan.parent_key
                continue
            above, levels = self.nearest_named(plan.parent.path)
            walked.append((current, levels + 1))
            if above is None:
                top = 0
                break
            current = above
        for node, levels in reversed(walked):
            top = None if top is None else top + levels
            self.depths[node] = top
        return self.depths[key]

    def placed(self, goal: Goal) -> Goal | None:
        """``goal`` with the depth the file gives it, for rules.check_placement; None if unknown.

        A copy, made once per parent: the stored depth stays on the goal itself.
        """
        if goal.external_id not in self._placed:
            depth = self.depth_of(goal)
            placed = None
            if depth is not None:
                placed = copy.copy(goal)
                placed.depth = depth
            self._placed[goal.external_id] = placed
        return self._placed[goal.external_id]


@write_service
def goals_import(*, by, rows: list[SourceRow], dry_run: bool = False) -> ImportResult:
    """Validate every row, then write them all or none; raises FileRefused listing every error.

    A dry run runs the same validation as the real run and stops before writing:
    every check is made against the tree the whole file leads to, and the writes
    that follow cannot refuse what it let through, so both give the same answer.
    """
    permissions.check_may_import(by)
    if not dry_run:
        lock_tree(exclusive=True)
    plans, tree = _validate(rows)
    result = ImportResult(
        dry_run=dry_run,
        created=sum(not p.existing for p in plans),
        updated=sum(p.changed for p in plans),
        moved=sum(p.moved for p in plans),
        unchanged=sum(p.existing and not p.changed and not p.moved for p in plans),
    )
    if dry_run:
        return result
    _write_updates([p for p in plans if p.changed], by)
    _write_new([p for p in plans if not p.existing], by)
    _write_moves([p for p in plans if p.moved], tree)
    bump_for(_touched_spans(plans))
    return result


def _touched_spans(plans: list[_Plan]) -> set[tuple]:
    """The periods whose cached pages an import changed (_write_moves bumps the moved branches)."""
    written = [p for p in plans if p.changed or not p.existing]
    spans = spans_of(p.goal for p in written)
    spans |= {p.old_span for p in written if p.old_span is not None}
    # A stored parent that got children shows them (and its toggle) in every period it spans.
    spans |= spans_of(p.parent for p in written if not p.existing and p.parent is not None and p.parent.pk)
    return spans


def _validate(rows: list[SourceRow]) -> tuple[list[_Plan], _FinalTree]:
    errors: list[RowError] = []
    keys = _keys(rows, errors)
    units = {unit.slug: unit for unit in Unit.objects.all()}
    periods = {period.slug: period for period in MandatePeriod.objects.all()}
    wanted = {key for pair in keys for key in pair if key is not None}
    stored = _stored_goals(wanted)
    line_of = {key: row.line for row, (key, _parent) in zip(rows, keys, strict=True) if key is not None}
    plans: dict[uuid.UUID, _Plan] = {}
    for row, (key, parent_key) in zip(rows, keys, strict=True):
        if key is None or key in plans:
            continue
        existing = stored.get(key)
        goal = existing or Goal(external_id=key)
        before = {name: getattr(goal, name) for name in COMPARED}
        row_errors = _apply_fields(goal, row, units, periods)
        parent = _resolve_parent(row, key, parent_key, plans, stored, line_of, row_errors)
        plan = _Plan(
            row=row,
            goal=goal,
            parent=parent,
            parent_key=parent_key,
            existing=existing is not None,
            errors=row_errors,
        )
        if existing is not None:
            plan.old_span = (before["period_id"], before["until_period_id"])
            plan.changed = before != {name: getattr(goal, name) for name in COMPARED}
            plan.moved = str(existing.parent_external_id or "") != str(parent_key or "")
        plans[key] = plan
    tree = _FinalTree(plans)
    # In file order, so a parent is judged before its children.
    for plan in plans.values():
        _check_placement(plan, plans, tree)
    errors.extend(error for plan in plans.values() for error in plan.errors)
    if not errors:
        _check_stored_children(plans, tree, errors)
        _check_branch_depths(plans, tree, errors)
    if errors:
        raise FileRefused(sorted(errors, key=lambda e: (e.line, e.column)))
    return list(plans.values()), tree


def _error(row: SourceRow, column: str, reason: str) -> RowError:
    return RowError(row.line, column, reason, record=row.record)


def _keys(rows: list[SourceRow], errors: list[RowError]) -> list[tuple]:
    """Each row's (external id, parent's external id), None where missing or broken."""
    keys, first_line = [], {}
    for row in rows:
        key = _uuid(row, "external_id", errors, required=True)
        if key is not None and key in first_line:
            errors.append(
                _error(
                    row,
                    "external_id",
                    _("Duplicate external id: line %(line)s has the same one.") % {"line": first_line[key]},
                )
            )
        elif key is not None:
            first_line[key] = row.line
        keys.append((key, _uuid(row, "parent_external_id", errors, required=False)))
    return keys


def _uuid(row: SourceRow, column: str, errors: list[RowError], *, required: bool) -> uuid.UUID | None:
    value = row.values[column].strip()
    if not value:
        if required:
            errors.append(_error(row, column, _("Every goal needs an external id (a UUID).")))
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        errors.append(
            _error(row, column, _("“%(value)s” is not an external id (a UUID).") % {"value": value})
        )
        return None


def _stored_goals(keys: set[uuid.UUID]) -> dict[uuid.UUID, Goal]:
    found = {}
    keys = sorted(keys)
    for start in range(0, len(keys), CHUNK):
        goals = (
            Goal.objects.with_context()
            .with_parent_values(parent_external_id="external_id")
            .filter(external_id__in=keys[start : start + CHUNK])
        )
        found.update({goal.external_id: goal for goal in goals})
    return found


def _apply_fields(goal: Goal, row: SourceRow, units: dict, periods: dict) -> list[RowError]:
    errors = []
    for name in TEXT_COLUMNS:
        # Codes are forgiven stray spaces; text is kept exactly, so a round trip changes nothing.
        value = row.values[name]
        setattr(goal, name, value.strip() if name in ("level", "status") else value)
    slug = row.values["owner_unit"].strip()
    goal.owner = units.get(slug) if slug else None
    if slug and goal.owner is None:
        errors.append(_error(row, "owner_unit", _("Unknown unit “%(slug)s”.") % {"slug": slug}))
    for name in ("period", "until_period"):
        slug = row.values[name].strip()
        setattr(goal, name, periods.get(slug) if slug else None)
        if slug and getattr(goal, name) is None:
            errors.append(_error(row, name, _("Unknown period “%(slug)s”.") % {"slug": slug}))
    goal.decided_on = row.values["decided_on"].strip() or None
    try:
        goal.clean_fields(exclude=NOT_CLEANED)
    except ValidationError as error:
        errors.extend(_field_errors(row, error))
    # The rules between fields (the owner's kind among them) are checked on every row,
    # beside the errors above, except where a column is already refused: an unknown
    # unit needs no second message saying the goal has no owner.
    try:
        rules.check_fields(goal)
    except ValidationError as error:
        refused = {e.column for e in errors}
        errors.extend(e for e in _field_errors(row, error) if e.column not in refused)
    return errors


def _field_errors(row: SourceRow, error: ValidationError) -> list[RowError]:
    return [
        _error(row, FIELD_COLUMN.get(name, name), message)
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _resolve_parent(row, key, parent_key, plans, stored, line_of, errors) -> Goal | None:
    if parent_key is None:
        return None
    if parent_key == key:
        errors.append(_error(row, "parent_external_id", _("A goal cannot be its own parent.")))
        return None
    if parent_key in plans:
        return plans[parent_key].goal
    if parent_key in line_of:
        errors.append(
            _error(
                row,
                "parent_external_id",
                _("The parent is on line %(line)s, below this goal: parents must come before their children.")
                % {"line": line_of[parent_key]},
            )
        )
        return None
    if parent_key in stored:
        return stored[parent_key]
    errors.append(
        _error(
            row,
            "parent_external_id",
            _("Unknown parent “%(key)s”: no goal above this line or in the database has this external id.")
            % {"key": parent_key},
        )
    )
    return None


def _check_placement(plan: _Plan, plans: dict[uuid.UUID, _Plan], tree: _FinalTree) -> None:
    """Judge a row's goal under the parent its row names, as the whole file places that parent."""
    if plan.errors or (plan.parent_key is not None and plan.parent is None):
        return
    if tree.depth(plan.key) is None:
        # Stored goals cannot form a cycle, so every cycle has a moved goal of the file on it.
        if plan.key in tree.cyclic and plan.moved:
            plan.errors.append(
                _error(
                    plan.row,
                    "parent_external_id",
                    _("A goal cannot be moved under itself or its own sub-goals."),
                )
            )
        return
    # A parent refused (or left unjudged) on its own line is no ground to judge its children on.
    if plan.parent_key in plans and not plans[plan.parent_key].sound:
        return
    parent = tree.placed(plan.parent) if plan.parent is not None else None
    try:
        rules.check_placement(plan.goal, parent)
    except ValidationError as error:
        column = PLACEMENT_COLUMN.get(error.code, "parent_external_id")
        plan.errors.extend(_error(plan.row, column, message) for message in error.messages)
        return
    # What goal_move refuses besides the rules of the tree.
    if plan.moved and plan.goal.depth == 1:
        plan.errors.append(
            _error(
                plan.row,
                "parent_external_id",
                _("A vision stays at the root of the tree and cannot be moved."),
            )
        )
    elif plan.moved and parent is None:
        plan.errors.append(
            _error(plan.row, "parent_external_id", _("A goal cannot be moved to the root of the tree."))
        )
    plan.sound = not plan.errors


def _check_stored_children(plans: dict[uuid.UUID, _Plan], tree: _FinalTree, errors: list[RowError]) -> None:
    """A changed goal must still fit over its stored children that the file does not mention."""
    changed = {p.goal.path: p for p in plans.values() if p.changed and p.goal.numchild}
    paths = sorted(changed)
    for start in range(0, len(paths), CHUNK):
        children = (
            Goal.objects.with_context()
            .with_parent_path()
            .filter(parent_path__in=paths[start : start + CHUNK], depth__gt=1)
        )
        for child in children:
            if child.external_id in plans:
                continue
            plan = changed[child.parent_path]
            parent = tree.placed(plan.goal)
            if parent is None:
                continue
            try:
                rules.check_placement(child, parent)
            except ValidationError as error:
                column = PLACEMENT_COLUMN.get(error.code, "parent_external_id")
                errors.extend(
                    _error(
                        plan.row,
                        column,
                        _("Its sub-goal “%(child)s” would no longer fit: %(reason)s")
                        % {"child": child.title, "reason": message},
                    )
                    for message in error.messages
                )


def _check_branch_depths(plans: dict[uuid.UUID, _Plan], tree: _FinalTree, errors: list[RowError]) -> None:
    """Stored goals the file does not name must stay within the depth limit where the file moves them."""
    grown = [
        plan for plan in plans.values() if plan.existing and (tree.depth(plan.key) or 0) > plan.goal.depth
    ]
    if not grown:
        return
    deepest = Goal.objects.aggregate(deepest=Max("depth"))["deepest"] or 0
    # Only a branch that could reach past the limit is read.
    suspects = sorted(
        (p for p in grown if tree.depth(p.key) + deepest - p.goal.depth > rules.MAX_DEPTH),
        key=lambda p: p.goal.path,
    )
    refused: set[uuid.UUID] = set()
    for start in range(0, len(suspects), BRANCH_CHUNK):
        below = Q()
        for plan in suspects[start : start + BRANCH_CHUNK]:
            below |= Goal.objects.descendant_of_q(plan.goal)
        for path in Goal.objects.filter(below).order_by().values_list("path", flat=True):
            if path in tree.key_at:
                continue
            depth = tree.depth_at(path)
            # A branch the file does not deepen is not this file's doing.
            if depth is None or depth <= max(rules.MAX_DEPTH, depth_of(path)):
                continue
            key, _levels = tree.nearest_named(path)
            if key in refused:
                continue
            refused.add(key)
            plan = plans[key]
            errors.append(
                _error(
                    plan.row,
                    PLACEMENT_COLUMN["too_deep"],
                    _(
                        "The tree goes at most %(max)d levels deep: the branch of “%(goal)s” would go deeper under “%(parent)s”."
                    )
                    % {
                        "max": rules.MAX_DEPTH,
                        "goal": plan.goal.title,
                        "parent": plan.parent.title if plan.parent is not None else "",
                    },
                )
            )


def _write_updates(plans: list[_Plan], by) -> None:
    if not plans:
        return
    for plan in plans:
        plan.goal.version += 1
    fields = [Goal._meta.get_field(name).name for name in COMPARED] + ["version"]
    bulk_update_with_history([p.goal for p in plans], Goal, fields, batch_size=INSERT_BATCH, default_user=by)


def _write_new(plans: list[_Plan], by) -> None:
    """Bulk-insert new goals with their paths computed as treebeard would, parents first."""
    if not plans:
        return
    # A root is a child of the empty path: roots continue after the last stored vision.
    paths = ChildPaths(
        p.parent.path if p.parent is not None else "" for p in plans if p.parent is None or p.parent.pk
    )
    for plan in plans:
        goal = plan.goal
        goal.path = paths.next(plan.parent.path if plan.parent is not None else "")
        goal.depth = depth_of(goal.path)
    for plan in plans:
        plan.goal.numchild = paths.numchild_of_new(plan.goal.path)
    paths.add_to_stored_parents()
    bulk_create_with_history([p.goal for p in plans], Goal, batch_size=INSERT_BATCH, default_user=by)


def _write_moves(plans: list[_Plan], tree: _FinalTree) -> None:
    """Move each goal (with its branch) under the parent its row names.

    _validate judged every move against the tree the whole file leads to, the
    rules and the depth limit as goal_move applies them; going top down in that
    tree, each goal's new parent already stands where the file puts it, so no
    move passes through a branch that is still to move. goal_move would judge
    each step on the half-moved tree instead, and could refuse a file the dry
    run let through.
    """
    spans: set[tuple] = set()
    for plan in sorted(plans, key=lambda p: tree.depth(p.key)):
        goal = Goal.objects.get(external_id=plan.key)
        target = Goal.objects.get(external_id=plan.parent_key)
        write_move(goal, target, "last-child")
        spans |= branch_spans(goal)
    bump_for(spans)
