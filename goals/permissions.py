"""Who may change which goals: the one place the rights on goals are decided.

Administrators (and the system actor commands run as) may write anything. An
editor is a staff user with an "editor" membership of a unit: they write only
goals owned by their units, at the levels their units' kind may own
(rules.HIERARCHY), and link them into the shared steering levels (vision, goal
areas, council and committee goals) above them; the branches below other units'
goals are those units' own. Every write service asks these functions itself,
so no caller can forget them.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from goals import rules
from goals.models import LEVEL_RANK, Goal, GoalLevel
from goals.paths import is_within
from vision.actors import NotAllowed, is_administrator
from vision.models import Unit

# Levels every unit links into; below them each unit's branch is its own.
STEERING_LEVELS = frozenset({GoalLevel.VISION, GoalLevel.AREA, GoalLevel.COUNCIL, GoalLevel.COMMITTEE})


def is_editor(user) -> bool:
    """Whether the user edits goals at all: an administrator, or staff with an editor membership."""
    unit_ids = editable_unit_ids(user)
    return unit_ids is None or bool(unit_ids)


def editable_unit_ids(user) -> set[int] | None:
    """The ids of the units the user edits; None means every unit (an administrator)."""
    if is_administrator(user):
        return None
    if user is None:
        return set()
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return set()
    cache = getattr(user, "_editable_unit_ids", None)
    if cache is None:
        # One query per user object for the units and, from their kinds, the levels they may write.
        kinds = dict(Unit.objects.editable_by(user).values_list("pk", "kind"))
        cache = user._editable_unit_ids = set(kinds)
        user._writable_levels = rules.levels_owned_by(kinds.values())
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


def writable_levels(user) -> list[str]:
    """The levels the user may write, top down: those their units' kinds may own."""
    unit_ids = editable_unit_ids(user)
    if unit_ids is None:
        return list(GoalLevel.values)
    if not unit_ids:
        return []
    return list(user._writable_levels)


def can_carry_over(user) -> bool:
    """Carrying a whole period over rewrites the tree for every unit: administrators only."""
    return is_administrator(user)


def can_import(user) -> bool:
    """An import writes any unit's goals in one go: administrators only."""
    return is_administrator(user)


def check_may_change(user, goal: Goal) -> None:
    """Refuse a write to a stored goal the user does not edit (its current owner decides)."""
    if not can_edit_goal(user, goal):
        raise NotAllowed(
            _("“%(goal)s” belongs to %(unit)s: only its editors and administrators may change it.")
            % {"goal": goal.title, "unit": goal.owner or "–"}
        )


def check_may_write(user, goal: Goal, parent: Goal | None, *, placing: bool = True) -> None:
    """Refuse writing ``goal`` as it now reads (owner, level) under ``parent``.

    For a new goal, and for what a change, move or revert would leave behind.
    """
    if editable_unit_ids(user) is None:
        return
    check_owner_allowed(user, goal.owner)
    if goal.level not in writable_levels(user):
        raise NotAllowed(
            _("Your units may not own goals at the level “%(level)s”: ask an administrator.")
            % {"level": goal.get_level_display()}
        )
    if placing:
        check_placement_allowed(user, goal, parent)


def check_may_carry_over(user) -> None:
    if not can_carry_over(user):
        raise NotAllowed(_("Only an administrator can carry a period over: it writes every unit's goals."))


def check_may_import(user) -> None:
    if not can_import(user):
        raise NotAllowed(_("Only an administrator can import goals: a file may change every unit's goals."))


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
            raise NotAllowed(_("Only an administrator can add or move a goal to the root of the tree."))
        return
    if not may_place_under(user, goal, parent):
        raise NotAllowed(
            _(
                "“%(parent)s” belongs to %(unit)s: you can place a goal under your own units' goals "
                "or under a goal area, council goal or committee goal above its level."
            )
            % {"parent": parent.title, "unit": parent.owner or "–"}
        )


def check_owner_allowed(user, unit: Unit | None) -> None:
    if not can_edit_unit(user, unit):
        raise NotAllowed(
            _("You are not an editor of %(unit)s: choose one of your own units.") % {"unit": unit or "–"}
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
    if goal.pk and is_within(parent.path, goal.path):
        return False
    if not goal.level:
        return True  # a goal being added: its level is not chosen yet
    if parent.level not in rules.parent_levels(goal.level):
        return False
    return may_place_under(user, goal, parent)


def parent_choices(user, goal: Goal, period) -> list[Goal]:
    """The goals offered as parents of ``goal``: active, valid in the period, allowed for the user."""
    return [parent for parent in parent_candidates(user, period) if fits_under(user, goal, parent)]
