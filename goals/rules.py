"""The rules every goal and link obey, shared by the admin, services and imports.

Each check raises ValidationError with a message a user can act on, so the same
bad data is refused with the same words wherever it comes from.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from goals.models import LEVEL_RANK, Goal, GoalLevel, GoalStatus


def check_fields(goal: Goal) -> None:
    """Check the rules that need nothing but the goal's own fields."""
    errors = {}
    if goal.level != GoalLevel.VISION:
        if goal.period_id is None:
            errors["period"] = _("Every goal below the vision must name the period it belongs to.")
        if goal.owner_id is None:
            errors["owner"] = _("Every goal below the vision must name its owner unit.")
    if goal.until_period_id is not None:
        if goal.period_id is None:
            errors["until_period"] = _("A goal valid until a period must also say which period it starts in.")
        elif goal.until_period.start < goal.period.start:
            errors["until_period"] = _("The last period of validity cannot come before the first.")
    if errors:
        raise ValidationError(errors)


def check_placement(goal: Goal, parent: Goal | None) -> None:
    """Check that ``goal`` may sit directly under ``parent`` (None: at the root)."""
    if parent is None:
        if goal.level != GoalLevel.VISION:
            raise ValidationError(
                _("Only a vision can stand at the root of the tree; every other goal needs a parent goal."),
                code="root_not_vision",
            )
        return
    if goal.level == GoalLevel.VISION:
        raise ValidationError(
            _("A vision is always a root: it cannot sit under another goal."), code="nested_vision"
        )
    if LEVEL_RANK[goal.level] < LEVEL_RANK[parent.level]:
        raise ValidationError(
            _("A %(level)s cannot sit under a %(parent_level)s: a goal's level is never above its parent's.")
            % {"level": goal.get_level_display(), "parent_level": parent.get_level_display()},
            code="level_above_parent",
        )
    if not parent.covers(goal):
        raise ValidationError(
            _("The parent goal “%(parent)s” is not valid in every period this goal is valid in.")
            % {"parent": parent.title},
            code="parent_other_period",
        )
    if goal.status == GoalStatus.ACTIVE and parent.status == GoalStatus.RETIRED:
        raise ValidationError(
            _("An active goal cannot sit under the retired goal “%(parent)s”.") % {"parent": parent.title},
            code="parent_retired",
        )


def check_children_fit(goal: Goal) -> None:
    """Check that a changed goal still fits over the children it already has."""
    if goal.pk is None or goal.numchild == 0:
        return
    children = Goal.objects.child_of(goal).with_context()
    for child in children:
        if LEVEL_RANK[child.level] < LEVEL_RANK[goal.level]:
            raise ValidationError(
                {
                    "level": _("The goal has a child “%(child)s” at a higher level (%(level)s).")
                    % {"child": child.title, "level": child.get_level_display()}
                }
            )
        if not goal.covers(child):
            raise ValidationError(
                _("The goal's validity must cover its child “%(child)s”.") % {"child": child.title},
                code="child_outside_validity",
            )
        if goal.status == GoalStatus.RETIRED and child.status == GoalStatus.ACTIVE:
            raise ValidationError(
                _("The goal has active children; retire the whole branch instead."), code="active_children"
            )


def check_link(source: Goal, target: Goal) -> None:
    """Check that ``source`` may contribute to ``target`` besides its tree parent."""
    if source.pk is not None and source.pk == target.pk:
        raise ValidationError(_("A goal cannot contribute to itself."), code="link_to_self")
    if target.status == GoalStatus.RETIRED:
        raise ValidationError(
            _("“%(target)s” is retired: a goal can only contribute to active goals.")
            % {"target": target.title},
            code="link_to_retired",
        )
    if not target.covers(source):
        raise ValidationError(
            _("“%(target)s” is not valid in the same period: links stay within one period.")
            % {"target": target.title},
            code="link_other_period",
        )
    if LEVEL_RANK[target.level] > LEVEL_RANK[source.level]:
        raise ValidationError(
            _(
                "“%(target)s” sits at a lower level (%(level)s): a goal contributes to goals at its level or above."
            )
            % {"target": target.title, "level": target.get_level_display()},
            code="link_to_lower_level",
        )
    if source.pk is not None and source.path and target.path == source.path[: -Goal.steplen]:
        raise ValidationError(
            _("“%(target)s” is already this goal's parent.") % {"target": target.title}, code="link_to_parent"
        )
