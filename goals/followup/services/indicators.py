"""Writes to indicators and their targets. Rights follow the goal: an indicator is changed by
administrators and by the editors of the unit that owns its goal, before and after the change.

Every write bumps the cache versions of its goal's periods (goals/cache.py): the goal's
page and the public pages show its indicators with their targets and values."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from goals import permissions
from goals.cache import bump_for, spans_of
from goals.followup import rules
from goals.followup.models import Indicator, Target
from goals.models import Goal
from vision.actors import write_service

# What an indicator's history revert writes back: the fields a person sets.
REVERTED_FIELDS = (
    "goal_id",
    "title",
    "description",
    "measure_unit",
    "direction",
    "source",
    "kolada_kpi",
    "gender",
    "baseline_year",
    "baseline_value",
    "near_margin",
)


def check_may_follow_up(user, goal: Goal) -> None:
    """Refuse a write to the follow-up of a goal the user may not change."""
    permissions.check_may_change(user, goal)


def _stored_goal(indicator: Indicator) -> Goal | None:
    if indicator.pk is None:
        return None
    goal_id = (
        Indicator.objects.select_for_update()
        .filter(pk=indicator.pk)
        .values_list("goal_id", flat=True)
        .first()
    )
    return Goal.objects.filter(pk=goal_id).first() if goal_id else None


@write_service
def indicator_save(*, indicator: Indicator, by) -> Indicator:
    """Add or change an indicator of a goal the user may change (the goal it had, too)."""
    stored = _stored_goal(indicator)
    if stored is not None:
        check_may_follow_up(by, stored)
    if indicator.goal_id is None:
        raise ValidationError({"goal": _("Choose the goal the indicator follows up.")})
    check_may_follow_up(by, indicator.goal)
    indicator.kolada_kpi = indicator.kolada_kpi.strip().upper()
    rules.check_number(indicator.baseline_value, "baseline_value")
    if indicator.baseline_year is not None:
        rules.check_year(indicator.baseline_year, "baseline_year")
    indicator.full_clean()
    indicator.save()
    bump_for(spans_of([goal for goal in (stored, indicator.goal) if goal is not None]))
    return indicator


@write_service
def indicator_delete(*, indicator: Indicator, by) -> None:
    """Delete an indicator with its targets and measurements."""
    stored = _stored_goal(indicator)
    check_may_follow_up(by, stored or indicator.goal)
    indicator.delete()
    bump_for(spans_of([stored or indicator.goal]))


def indicator_revert_check(*, record, by) -> None:
    current = Indicator.objects.filter(pk=record.id).select_related("goal").first()
    if current is not None:
        check_may_follow_up(by, current.goal)
    goal = Goal.objects.filter(pk=record.goal_id).first()
    if goal is None:
        raise ValidationError(_("The goal of that version no longer exists."))
    check_may_follow_up(by, goal)


@write_service
def indicator_revert(*, record, by) -> Indicator:
    """Put an indicator back as it was in ``record``, one of its history records."""
    indicator_revert_check(record=record, by=by)
    indicator = Indicator.objects.filter(pk=record.id).first() or record.instance
    for name in REVERTED_FIELDS:
        setattr(indicator, name, getattr(record, name))
    return indicator_save(indicator=indicator, by=by)


@write_service
def target_set(*, indicator: Indicator, year: int, value, by) -> Target:
    """Set the indicator's target for ``year`` (the same value again writes nothing)."""
    check_may_follow_up(by, indicator.goal)
    rules.check_year(year)
    value = rules.check_number(value, required=True)
    target = Target.objects.select_for_update().filter(indicator=indicator, year=year).first()
    if target is None:
        target = Target(indicator=indicator, year=year, value=value)
    elif target.value == value:
        return target
    target.value = value
    target.full_clean()
    target.save()
    bump_for(spans_of([indicator.goal]))
    return target


@write_service
def target_delete(*, target: Target, by) -> None:
    check_may_follow_up(by, target.indicator.goal)
    target.delete()
    bump_for(spans_of([target.indicator.goal]))
