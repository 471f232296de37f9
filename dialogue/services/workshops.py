"""Writes for work-group workshops: record or correct one, revert it, delete it.

A workshop belongs to its unit. Every write checks the right on the unit the
workshop has now (as stored) and on the unit it will have afterwards, so a
workshop can neither be taken from a unit nor handed to one by someone outside it.

The goal page shows the workshops supporting the goal from the cache (goals/cache.py):
every write bumps the periods of the goals the workshop supported before and after it.
"""

from collections.abc import Iterable
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from dialogue import permissions
from dialogue.history import version_goals
from dialogue.models import Workshop
from goals.cache import bump_for, spans_of
from goals.models import Goal
from vision.actors import write_service
from vision.models import Unit

# What a work group concluded; who recorded it, and when, stays as first recorded.
REVERTED_FIELDS = ("unit_id", "held_on", "facilitator", "important", "actions")


def check_workshop_goals(*, unit: Unit, goals: Iterable[Goal]) -> None:
    """Refuse goals owned by another unit: a workshop supports its own unit's goals."""
    foreign = [goal.title for goal in goals if goal.owner_id != unit.pk]
    if foreign:
        raise ValidationError(
            {
                "goals": _("A workshop supports its own unit's goals; not: %(goals)s.")
                % {"goals": ", ".join(foreign)}
            }
        )


def _supported_spans(workshop: Workshop) -> set[tuple]:
    """The spans of the goals the stored workshop supports (none for a new one)."""
    if workshop.pk is None:
        return set()
    return set(
        Goal.objects.filter(workshops=workshop.pk).order_by().values_list("period_id", "until_period_id")
    )


def _stored_unit_id(workshop: Workshop) -> int | None:
    if workshop.pk is None:
        return None
    return (
        Workshop.objects.select_for_update().filter(pk=workshop.pk).values_list("unit_id", flat=True).first()
    )


@write_service
def workshop_save(
    *, workshop: Workshop, goals: Iterable[Goal], by, submission: UUID | None = None
) -> Workshop:
    """Record (or correct) a work group's workshop, with the unit's goals it supports.

    ``submission`` is the recording form's one-time token: a form sent twice
    returns the workshop the first sending stored instead of storing another.
    """
    if submission is not None and workshop.pk is None:
        already = Workshop.objects.filter(submission=submission).first()
        if already is not None:
            permissions.require_workshop_rights(by, already.unit_id)
            return already
        workshop.submission = submission
    stored_unit_id = _stored_unit_id(workshop)
    if stored_unit_id is not None:
        permissions.require_workshop_rights(by, stored_unit_id)
    permissions.require_workshop_rights(by, workshop.unit_id)
    if workshop.pk is None:
        workshop.recorded_by = by
    workshop.full_clean(exclude=["recorded_by"])
    goals = list(goals)
    check_workshop_goals(unit=workshop.unit, goals=goals)
    spans = _supported_spans(workshop)
    workshop._history_user = by
    workshop.save()
    workshop.goals.set(goals)
    bump_for(spans | spans_of(goals))
    return workshop


def workshop_revert_check(*, record: HistoricalChanges, by) -> None:
    """Refuse a revert to ``record`` the user may not make, or that would break the goals rule.

    Checks the unit the workshop belongs to now and the unit the version would
    give it back.
    """
    current_unit_id = Workshop.objects.filter(pk=record.id).values_list("unit_id", flat=True).first()
    if current_unit_id is not None:
        permissions.require_workshop_rights(by, current_unit_id)
    permissions.require_workshop_rights(by, record.unit_id)
    check_workshop_goals(unit=Unit(pk=record.unit_id), goals=version_goals(record))


@write_service
def workshop_revert(*, record: HistoricalChanges, by) -> Workshop:
    """Put a workshop back as it was in ``record``, one of its historical versions.

    A workshop deleted since comes back as it was then.
    """
    workshop_revert_check(record=record, by=by)
    workshop = Workshop.objects.filter(pk=record.id).first()
    if workshop is None:
        workshop = record.instance
    else:
        for name in REVERTED_FIELDS:
            setattr(workshop, name, getattr(record, name))
    return workshop_save(workshop=workshop, goals=version_goals(record), by=by)


@write_service
def workshop_delete(*, workshop: Workshop, by) -> None:
    """Delete a workshop of a unit the user records workshops for."""
    permissions.require_workshop_rights(by, _stored_unit_id(workshop))
    spans = _supported_spans(workshop)
    workshop._history_user = by
    workshop.delete()
    bump_for(spans)
