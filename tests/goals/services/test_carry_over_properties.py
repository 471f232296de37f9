"""Property test: carrying random trees over unit by unit, in any order, keeps every promise."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goals import rules, services
from goals.models import Goal
from goals.tree_check import find_problems
from tests.factories import UnitFactory, levels_under
from tests.goals.stored import stored_state
from vision.actors import system_actor
from vision.models import UnitKind

pytestmark = pytest.mark.django_db

# Each goal: (index of its parent among the goals before it, or -1 for the vision; which of the
# levels the hierarchy allows under that parent; which of the units that may own that level; retired?)
goal_specs = st.lists(
    st.tuples(st.integers(-1, 30), st.integers(0, 2), st.integers(0, 2), st.booleans()),
    min_size=1,
    max_size=14,
)


def build(vision, period, units, specs) -> list[Goal]:
    """A random tree that keeps the hierarchy table: every level under a parent it allows, owned by a fitting unit."""
    goals: list[Goal] = []
    for n, (parent_index, step, unit_index, retire) in enumerate(specs):
        parent = goals[parent_index % n] if parent_index >= 0 and n else vision
        if not parent.is_active or not levels_under(parent):
            parent = vision
        allowed = levels_under(parent)
        level = allowed[step % len(allowed)]
        owners = [unit for unit in units if unit.kind in rules.owner_kinds(level)]
        goal = services.goal_create(
            by=system_actor(),
            parent=parent,
            title=f"Mål {n}",
            level=level,
            owner=owners[unit_index % len(owners)],
            period=period,
        )
        goals.append(goal)
        if retire and n % 3 == 0:
            services.goal_retire(by=system_actor(), goal=goal)
            goal.refresh_from_db()
    return goals


def parent_of(goal: Goal) -> Goal:
    return Goal.objects.get_parent(goal)


def carry_or_refuse(period, next_period, unit=None) -> bool:
    """Carry over; a refusal (nothing the goal may sit under is carried yet) must leave no trace."""
    before = stored_state()
    try:
        services.period_carry_over(by=system_actor(), source=period, target=next_period, unit=unit)
    except ValidationError as error:
        assert error.code == "no_parent_in_target"
        assert stored_state() == before
        return False
    return True


def check_mapping(vision, period, next_period) -> None:
    """Each successor sits under its parent's successor, or (flagged) under an ancestor's counterpart
    its level may sit under."""
    assert find_problems() == []
    for new in Goal.objects.filter(period=next_period).select_related("predecessor"):
        old = new.predecessor
        assert old is not None and old.period == period and old.is_active
        old_parent = parent_of(old)
        placed = parent_of(new)
        assert placed.level in rules.parent_levels(new.level)
        if not new.needs_relinking:
            expected = vision if old_parent == vision else Goal.objects.get(predecessor=old_parent)
            assert placed == expected
        else:
            counterparts = {vision.pk} | set(
                Goal.objects.filter(predecessor__in=Goal.objects.ancestor_of(old)).values_list(
                    "pk", flat=True
                )
            )
            assert placed.pk in counterparts and (placed.is_active or not new.is_active)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=goal_specs,
    order=st.permutations([0, 1, 2]),
    carried_first=st.integers(0, 3),
    retire_successor=st.booleans(),
)
def test_carrying_units_in_any_order_keeps_the_tree_sound(
    vision, period, next_period, specs, order, carried_first, retire_successor
):
    """Whatever the tree and the order units are carried in: sound tree, right parents, one successor
    each; a unit carried before anything its goals may sit under is refused without a trace."""
    with transaction.atomic():
        kinds = [UnitKind.COUNCIL, UnitKind.COMMITTEE, UnitKind.OFFICE]
        units = [UnitFactory(slug=f"enhet-{n}", name=f"Enhet {n}", kind=kind) for n, kind in enumerate(kinds)]
        build(vision, period, units, specs)
        active = Goal.objects.filter(period=period).active().count()

        retired_any = False
        for unit_index in order[:carried_first]:
            carry_or_refuse(period, next_period, units[unit_index])
            check_mapping(vision, period, next_period)
            successor = Goal.objects.filter(period=next_period).active().order_by("depth", "path").first()
            if retire_successor and successor is not None:
                # Retired in the new period before the rest is carried: it must take no new children.
                services.goal_retire(by=system_actor(), goal=successor)
                retired_any = True
        carried = carry_or_refuse(period, next_period)
        check_mapping(vision, period, next_period)
        if not retired_any:
            # With every successor active, the whole period always finds a place for every goal.
            assert carried
        if carried:
            assert Goal.objects.filter(period=next_period).count() == active
            again = services.period_carry_over(by=system_actor(), source=period, target=next_period)
            assert again.created == 0
        transaction.set_rollback(True)
