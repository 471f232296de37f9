"""goals_import: write the rows of a goal file (goals.exchange) into the tree.

Rows are matched by external id: a new id adds a goal, a known one updates the
goal's fields and, when its parent changed, moves it (with its branch) under
the new parent. Every row is checked by goals.rules against the state the whole
file leads to before anything is written; one refused row refuses the file,
and each refusal names its line, column and reason. A row equal to what is
stored changes nothing, so importing a file twice writes nothing the second
time. Goals missing from the file are left alone: an import never deletes.
"""

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from goals import permissions, rules
from goals.cache import bump_for, spans_of
from goals.exchange.formats import FileRefused, RowError, SourceRow
from goals.models import Goal
from goals.paths import ChildPaths
from goals.services.locks import INSERT_BATCH, lock_tree
from goals.services.tree import goal_move
from vision.actors import write_service
from vision.models import MandatePeriod, Unit

# Large IN lists are fine: SQLite allows 32,766 parameters, PostgreSQL 65,535.
CHUNK = 5000
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
    new_children: int = 0
    errors: list[RowError] = field(default_factory=list)


@write_service
def goals_import(*, by, rows: list[SourceRow], dry_run: bool = False) -> ImportResult:
    """Validate every row, then write them all or none; raises FileRefused listing every error."""
    permissions.check_may_import(by)
    if not dry_run:
        lock_tree(exclusive=True)
    plans = _validate(rows)
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
    _write_moves([p for p in plans if p.moved], by)
    bump_for(_touched_spans(plans))
    return result


def _touched_spans(plans: list[_Plan]) -> set[tuple]:
    """The periods whose cached pages an import changed (goal_move bumps its own branch)."""
    written = [p for p in plans if p.changed or not p.existing]
    spans = spans_of(p.goal for p in written)
    spans |= {p.old_span for p in written if p.old_span is not None}
    # A stored parent that got children shows them (and its toggle) in every period it spans.
    spans |= spans_of(p.parent for p in written if not p.existing and p.parent is not None and p.parent.pk)
    return spans


def _validate(rows: list[SourceRow]) -> list[_Plan]:
    errors: list[RowError] = []
    keys = _keys(rows, errors)
    units = {unit.slug: unit for unit in Unit.objects.all()}
    periods = {period.slug: period for period in MandatePeriod.objects.all()}
    wanted = {key for pair in keys for key in pair if key is not None}
    stored = _stored_goals(wanted)
    line_of = {key: row.line for row, (key, _parent) in zip(rows, keys, strict=True) if key is not None}
    plans: dict[uuid.UUID, _Plan] = {}
    ordered: list[_Plan] = []
    for row, (key, parent_key) in zip(rows, keys, strict=True):
        if key is None or key in plans:
            continue
        existing = stored.get(key)
        goal = existing or Goal(external_id=key)
        before = {name: getattr(goal, name) for name in COMPARED}
        row_errors = _apply_fields(goal, row, units, periods)
        parent = _resolve_parent(row, key, parent_key, plans, stored, line_of, row_errors)
        plan = _Plan(row=row, goal=goal, parent=parent, parent_key=parent_key, existing=existing is not None)
        # A parent refused on its own line is no ground to judge its children on.
        parent_sound = parent_key not in plans or not plans[parent_key].errors
        if not row_errors and parent_sound and (parent is not None or parent_key is None):
            _check_placement(plan, row_errors)
        plan.errors = row_errors
        if existing is not None:
            plan.old_span = (before["period_id"], before["until_period_id"])
            plan.changed = before != {name: getattr(goal, name) for name in COMPARED}
            plan.moved = str(existing.parent_external_id or "") != str(parent_key or "")
        plans[key] = plan
        ordered.append(plan)
        errors.extend(row_errors)
    if not errors:
        _check_stored_children(ordered, plans, errors)
    if errors:
        raise FileRefused(sorted(errors, key=lambda e: (e.line, e.column)))
    return ordered


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
    parent = Goal.objects.order_by().filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Goal.steplen)
    )
    found = {}
    keys = sorted(keys)
    for start in range(0, len(keys), CHUNK):
        goals = (
            Goal.objects.with_context()
            .annotate(parent_external_id=Subquery(parent.values("external_id")[:1]))
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
        for name, messages in error.message_dict.items():
            errors.extend(_error(row, FIELD_COLUMN.get(name, name), m) for m in messages)
    if not errors:
        try:
            rules.check_fields(goal)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.extend(_error(row, FIELD_COLUMN.get(name, name), m) for m in messages)
    return errors


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


def _check_placement(plan: _Plan, errors: list[RowError]) -> None:
    goal, parent = plan.goal, plan.parent
    try:
        rules.check_placement(goal, parent)
    except ValidationError as error:
        column = PLACEMENT_COLUMN.get(error.code, "parent_external_id")
        errors.extend(_error(plan.row, column, m) for m in error.messages)
        return
    if plan.existing and parent is not None and parent.pk and parent.path.startswith(goal.path):
        errors.append(
            _error(
                plan.row,
                "parent_external_id",
                _("A goal cannot be moved under itself or its own sub-goals."),
            )
        )


def _check_stored_children(ordered: list[_Plan], plans: dict, errors: list[RowError]) -> None:
    """A changed goal must still fit over its stored children that the file does not mention."""
    changed = {p.goal.path: p for p in ordered if p.changed and p.goal.numchild}
    paths = sorted(changed)
    for start in range(0, len(paths), CHUNK):
        children = (
            Goal.objects.with_context()
            .annotate(parent_path=Substr("path", 1, Length("path") - Goal.steplen))
            .filter(parent_path__in=paths[start : start + CHUNK], depth__gt=1)
        )
        for child in children:
            if child.external_id in plans:
                continue
            plan = changed[child.parent_path]
            try:
                rules.check_placement(child, plan.goal)
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
    paths = ChildPaths(p.parent.path for p in plans if p.parent is not None and p.parent.pk)
    last_root = Goal.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
    next_root = Goal._str2int(last_root) + 1 if last_root else 1
    for plan in plans:
        goal, parent = plan.goal, plan.parent
        if parent is None:
            goal.path = Goal._get_path(None, 1, next_root)
            next_root += 1
        else:
            goal.path = paths.next(parent.path)
        goal.depth = len(goal.path) // Goal.steplen
    for plan in plans:
        plan.goal.numchild = paths.numchild_of_new(plan.goal.path)
    paths.add_to_stored_parents()
    bulk_create_with_history([p.goal for p in plans], Goal, batch_size=INSERT_BATCH, default_user=by)


def _write_moves(plans: list[_Plan], by) -> None:
    for plan in plans:
        goal = Goal.objects.get(external_id=plan.goal.external_id)
        target = Goal.objects.get(external_id=plan.parent_key) if plan.parent_key else None
        try:
            if target is None:
                raise ValidationError(
                    _("A goal cannot be moved to the root of the tree."), code="move_to_root"
                )
            goal_move(goal=goal, target=target, position="last-child", by=by)
        except ValidationError as error:
            raise FileRefused([_error(plan.row, "parent_external_id", m) for m in error.messages]) from None
