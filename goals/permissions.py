"""Who may change which goals: the one place the goal editors' role is checked.

An editor is a staff user with an "editor" membership of a unit. An editor
changes the goals of the units they edit and links them into the shared
steering levels (vision, goal areas, council and committee goals) above them;
the branches below other units' unit goals and activities are those units'
own. Superusers may do everything.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from goals.models import LEVEL_RANK, Goal, GoalLevel
from vision.models import Unit, UnitRole

# Levels every unit links into; below them each unit's branch is its own.
STEERING_LEVELS = frozenset({GoalLevel.VISION, GoalLevel.AREA, GoalLevel.COUNCIL, GoalLevel.COMMITTEE})


def is_editor(user) -> bool:
    """Whether the user edits goals at all: a superuser, or staff with an editor membership."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.unit_memberships.filter(role=UnitRole.EDITOR).exists()


def editable_unit_ids(user) -> set[int] | None:
    """The ids of the units the user edits; None means every unit (a superuser)."""
    if user.is_superuser:
        return None
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return set()
    cache = getattr(user, "_editable_unit_ids", None)
    if cache is None:
        cache = set(Unit.objects.editable_by(user).values_list("pk", flat=True))
        user._editable_unit_ids = cache
    return cache


def editable_goals(user, queryset=None):
    """The goals the user may change: those owned by the units they edit."""
    queryset = Goal.objects.all() if queryset is None else queryset
    unit_ids = editable_unit_ids(user)
    if unit_ids is None:
        return queryset
    return queryset.filter(owner_id__in=unit_ids)


def can_edit_unit(user, unit: Unit | None) -> bool:
    unit_ids = editable_unit_ids(user)
    if unit_ids is None:
        return True
    return unit is not None and unit.pk in unit_ids


def can_edit_goal(user, goal: Goal) -> bool:
    unit_ids = editable_unit_ids(user)
    if unit_ids is None:
        return True
    return goal.owner_id is not None and goal.owner_id in unit_ids


def can_carry_over(user) -> bool:
    """Carrying a whole period over rewrites the tree for every unit: administrators only."""
    return user.is_active and user.is_superuser


def may_place_under(user, goal: Goal, parent: Goal) -> bool:
    """Whether the user may put ``goal`` directly under ``parent`` (the rules of the tree aside)."""
    unit_ids = editable_unit_ids(user)
    if unit_ids is None:
        return True
    if parent.owner_id is not None and parent.owner_id in unit_ids:
        return True
    return parent.level in STEERING_LEVELS and LEVEL_RANK[parent.level] < LEVEL_RANK[goal.level]


def check_placement_allowed(user, goal: Goal, parent: Goal | None) -> None:
    """Refuse, with a message the editor can act on, a parent outside what they may link to."""
    if parent is None:
        if editable_unit_ids(user) is not None:
            raise ValidationError(
                _("Only an administrator can add or move a goal to the root of the tree."),
                code="root_not_allowed",
            )
        return
    if not may_place_under(user, goal, parent):
        raise ValidationError(
            _(
                "“%(parent)s” belongs to %(unit)s: you can place a goal under your own units' goals "
                "or under a goal area, council goal or committee goal above its level."
            )
            % {"parent": parent.title, "unit": parent.owner or "–"},
            code="other_units_branch",
        )


def check_owner_allowed(user, unit: Unit | None) -> None:
    if not can_edit_unit(user, unit):
        raise ValidationError(
            _("You are not an editor of %(unit)s: choose one of your own units.") % {"unit": unit or "–"},
            code="owner_not_editable",
        )


def parent_candidates(user, period) -> list[Goal]:
    """Every goal the user may link goals of ``period`` to, in tree order, in one query."""
    queryset = Goal.objects.active().exclude(level=GoalLevel.ACTIVITY).select_related("owner")
    if period is not None:
        queryset = queryset.valid_in(period)
    unit_ids = editable_unit_ids(user)
    if unit_ids is not None:
        queryset = queryset.filter(Q(owner_id__in=unit_ids) | Q(level__in=STEERING_LEVELS))
    return list(queryset.order_by("path"))


def fits_under(user, goal: Goal, parent: Goal) -> bool:
    """Whether ``parent`` is one to offer ``goal``: not inside the goal, not below its level, allowed."""
    if goal.pk and parent.path.startswith(goal.path):
        return False
    if not goal.level:
        return True  # a goal being added: its level is not chosen yet
    if LEVEL_RANK[parent.level] > LEVEL_RANK[goal.level]:
        return False
    return may_place_under(user, goal, parent)


def parent_choices(user, goal: Goal, period) -> list[Goal]:
    """The goals offered as parents of ``goal``: active, valid in the period, allowed for the user."""
    return [parent for parent in parent_candidates(user, period) if fits_under(user, goal, parent)]
