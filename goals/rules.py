"""The rules every goal and link obey, shared by the admin, services and imports.

Each check raises ValidationError with a message a user can act on, so the same
bad data is refused with the same words wherever it comes from.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from goals.models import LEVEL_RANK, Goal, GoalLevel, GoalStatus
from goals.paths import parent_path
from vision.models import UnitKind


@dataclass(frozen=True)
class Rung:
    """Where a level sits in the governance model: the parents it may have, the units that may own it."""

    parents: frozenset[str]
    owners: frozenset[str]
    owner_required: bool = True


# The governance model (../shared/domain.md, "Styrmodell"): the council decides the
# vision, the goal areas and its overarching goals; each committee breaks a council
# goal down into its own goals; offices and companies (which have no committee
# above them, so they may answer to a council goal directly) set unit goals; the
# activities that carry them out hang under a unit or a committee goal.
HIERARCHY: dict[str, Rung] = {
    GoalLevel.VISION: Rung(parents=frozenset(), owners=frozenset({UnitKind.COUNCIL}), owner_required=False),
    GoalLevel.AREA: Rung(parents=frozenset({GoalLevel.VISION}), owners=frozenset({UnitKind.COUNCIL})),
    GoalLevel.COUNCIL: Rung(parents=frozenset({GoalLevel.AREA}), owners=frozenset({UnitKind.COUNCIL})),
    GoalLevel.COMMITTEE: Rung(parents=frozenset({GoalLevel.COUNCIL}), owners=frozenset({UnitKind.COMMITTEE})),
    GoalLevel.UNIT: Rung(
        parents=frozenset({GoalLevel.COMMITTEE, GoalLevel.COUNCIL}),
        owners=frozenset({UnitKind.OFFICE, UnitKind.COMPANY}),
    ),
    GoalLevel.ACTIVITY: Rung(
        parents=frozenset({GoalLevel.UNIT, GoalLevel.COMMITTEE}),
        owners=frozenset({UnitKind.COMMITTEE, UnitKind.OFFICE, UnitKind.COMPANY}),
    ),
}

# The table allows six levels; the limit keeps any path far inside the 255 characters
# the path column holds (63 levels of four), whatever the table becomes.
MAX_DEPTH = 8


def parent_levels(level: str) -> frozenset[str]:
    return HIERARCHY[level].parents


def owner_kinds(level: str) -> frozenset[str]:
    return HIERARCHY[level].owners


def levels_owned_by(kinds) -> list[str]:
    """The levels that units of these kinds may own, top down."""
    kinds = set(kinds)
    return [level for level in GoalLevel.values if HIERARCHY[level].owners & kinds]


def _names(values, choices) -> str:
    """“a”, “b” or “c”, in the order of the choices."""
    labels = dict(choices)
    quoted = [f"“{labels[value]}”" for value in sorted(values, key=list(labels).index)]
    if len(quoted) == 1:
        return quoted[0]
    return _("%(some)s or %(last)s") % {"some": ", ".join(quoted[:-1]), "last": quoted[-1]}


def check_fields(goal: Goal) -> None:
    """Check the rules that need nothing but the goal's own fields."""
    errors = {}
    if goal.level != GoalLevel.VISION:
        if goal.period_id is None:
            errors["period"] = _("Every goal below the vision must name the period it belongs to.")
        if goal.owner_id is None:
            errors["owner"] = _("Every goal below the vision must name its owner unit.")
    if (
        goal.owner_id is not None
        and goal.level in HIERARCHY
        and goal.owner.kind not in owner_kinds(goal.level)
    ):
        errors["owner"] = _(
            "A goal at the level “%(level)s” is owned by a unit of the kind %(kinds)s; "
            "%(unit)s is of the kind “%(kind)s”."
        ) % {
            "level": goal.get_level_display(),
            "kinds": _names(owner_kinds(goal.level), UnitKind.choices),
            "unit": goal.owner.name,
            "kind": goal.owner.get_kind_display(),
        }
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
    if parent.level not in parent_levels(goal.level):
        raise ValidationError(
            _(
                "A goal at the level “%(level)s” cannot sit under one at the level “%(parent_level)s”: "
                "it belongs under %(allowed)s."
            )
            % {
                "level": goal.get_level_display(),
                "parent_level": parent.get_level_display(),
                "allowed": _names(parent_levels(goal.level), GoalLevel.choices),
            },
            code="level_not_under_parent",
        )
    if parent.depth + 1 > MAX_DEPTH:
        raise ValidationError(
            _("The tree goes at most %(max)d levels deep: “%(parent)s” cannot take sub-goals.")
            % {"max": MAX_DEPTH, "parent": parent.title},
            code="too_deep",
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


def check_branch_depth(goal: Goal, parent: Goal) -> None:
    """Check that ``goal``'s branch, moved under ``parent``, stays within the depth limit."""
    deepest = Goal.objects.descendant_of(goal, inclusive=True).aggregate(deepest=Max("depth"))["deepest"]
    if parent.depth + 1 + (deepest or goal.depth) - goal.depth > MAX_DEPTH:
        raise ValidationError(
            _(
                "The tree goes at most %(max)d levels deep: the branch of “%(goal)s” would go deeper under “%(parent)s”."
            )
            % {"max": MAX_DEPTH, "goal": goal.title, "parent": parent.title},
            code="too_deep",
        )


def check_children_fit(goal: Goal) -> None:
    """Check that a changed goal still fits over the children it already has."""
    if goal.pk is None or goal.numchild == 0:
        return
    children = Goal.objects.child_of(goal).with_context()
    for child in children:
        if goal.level not in parent_levels(child.level):
            raise ValidationError(
                {
                    "level": _(
                        "The goal has a sub-goal “%(child)s” (%(level)s) that cannot sit under the level “%(new)s”."
                    )
                    % {
                        "child": child.title,
                        "level": child.get_level_display(),
                        "new": goal.get_level_display(),
                    }
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
    if source.pk is not None and source.path and target.path == parent_path(source.path):
        raise ValidationError(
            _("“%(target)s” is already this goal's parent.") % {"target": target.title}, code="link_to_parent"
        )
