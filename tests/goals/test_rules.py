"""Every model rule refuses its bad case with its own message, wherever the data comes from."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from goals import services
from goals.models import Goal, GoalLevel
from tests.factories import GoalFactory, PeriodFactory
from vision.actors import system_actor

pytestmark = pytest.mark.usefixtures("in_english")


def refusal(service, **kwargs) -> str:
    """The message of a service's refusal, the system actor acting (so no right is missing)."""
    with pytest.raises(ValidationError) as error:
        service(by=system_actor(), **kwargs)
    return " ".join(error.value.messages)


def test_goal_below_vision_needs_period_and_owner(vision):
    """A goal below the vision without period or owner is refused, naming both fields."""
    message = refusal(services.goal_create, parent=vision, title="Utan ägare", level=GoalLevel.AREA)
    assert "must name the period" in message
    assert "must name its owner unit" in message


def test_only_a_vision_stands_at_the_root(period, council):
    """A goal area without a parent is refused."""
    message = refusal(
        services.goal_create, parent=None, title="Lös", level=GoalLevel.AREA, owner=council, period=period
    )
    assert "Only a vision can stand at the root" in message


def test_a_vision_cannot_sit_under_a_goal(small_tree):
    message = refusal(services.goal_create, parent=small_tree["area"], title="V2", level=GoalLevel.VISION)
    assert "A vision is always a root" in message


def test_child_must_be_valid_within_parent_validity(small_tree, council, next_period):
    """A 2027–2030 goal under a 2023–2026 goal is refused."""
    message = refusal(
        services.goal_create,
        parent=small_tree["area"],
        title="Nästa period",
        level=GoalLevel.COUNCIL,
        owner=council,
        period=next_period,
    )
    assert "is not valid in every period" in message


def test_long_lived_child_cannot_outlive_parent(small_tree, council, period, next_period):
    message = refusal(
        services.goal_create,
        parent=small_tree["area"],
        title="Långlivat",
        level=GoalLevel.COUNCIL,
        owner=council,
        period=period,
        until_period=next_period,
    )
    assert "is not valid in every period" in message


def test_until_period_cannot_precede_period(vision, council, period, next_period):
    message = refusal(
        services.goal_create,
        parent=vision,
        title="Baklänges",
        level=GoalLevel.AREA,
        owner=council,
        period=next_period,
        until_period=period,
    )
    assert "cannot come before the first" in message


def test_active_goal_cannot_be_added_under_retired(small_tree, office, period):
    services.goal_retire(by=system_actor(), goal=small_tree["first"])
    message = refusal(
        services.goal_create,
        parent=small_tree["first"],
        title="Under pensionerat",
        level=GoalLevel.ACTIVITY,
        owner=office,
        period=period,
    )
    assert "cannot sit under the retired goal" in message


def test_changing_a_parent_must_keep_children_valid(small_tree, next_period):
    """Moving a goal's validity away from its children's period is refused."""
    message = refusal(services.goal_update, goal=small_tree["council"], period=next_period)
    assert "is not valid in every period" in message or "must cover its child" in message


def test_changing_a_level_its_children_cannot_sit_under_is_refused(small_tree, committee, office, period):
    """A committee goal cannot become a unit goal while a unit goal sits below it."""
    committee_goal = GoalFactory(
        parent=small_tree["council"], level=GoalLevel.COMMITTEE, owner=committee, period=period
    )
    GoalFactory(
        parent=committee_goal, level=GoalLevel.UNIT, owner=office, period=period, title="Underliggande"
    )
    message = refusal(services.goal_update, goal=committee_goal, level=GoalLevel.UNIT, owner=office)
    assert "has a sub-goal “Underliggande” (unit goal) that cannot sit under the level “unit goal”" in message
    assert Goal.objects.get(pk=committee_goal.pk).level == GoalLevel.COMMITTEE


@pytest.mark.parametrize(
    ("target_key", "expected"),
    [
        ("first", "cannot contribute to itself"),
        ("council", "is already this goal's parent"),
    ],
)
def test_link_refusals_within_tree(small_tree, target_key, expected):
    message = refusal(services.goal_link_add, source=small_tree["first"], target=small_tree[target_key])
    assert expected in message


def test_link_to_lower_level_is_refused(small_tree):
    message = refusal(services.goal_link_add, source=small_tree["area"], target=small_tree["first"])
    assert "sits at a lower level" in message


def test_link_to_retired_goal_is_refused(small_tree):
    services.goal_retire(by=system_actor(), goal=small_tree["second"])
    message = refusal(services.goal_link_add, source=small_tree["first"], target=small_tree["second"])
    assert "is retired" in message


def test_link_to_another_period_is_refused(small_tree, vision, council, next_period):
    other = GoalFactory(parent=vision, level=GoalLevel.AREA, owner=council, period=next_period)
    message = refusal(services.goal_link_add, source=small_tree["first"], target=other)
    assert "not valid in the same period" in message


def test_duplicate_link_is_refused(small_tree):
    services.goal_link_add(by=system_actor(), source=small_tree["first"], target=small_tree["area"])
    message = refusal(services.goal_link_add, source=small_tree["first"], target=small_tree["area"])
    assert "already contributes" in message


def test_period_must_end_after_start(db):
    period = PeriodFactory.build(slug="bad", name="Bad", start=date(2030, 1, 1), end=date(2029, 1, 1))
    with pytest.raises(ValidationError, match="must end after it starts"):
        period.full_clean()


def test_periods_may_not_overlap(period):
    overlapping = PeriodFactory.build(
        slug="overlap", name="Overlap", start=date(2026, 1, 1), end=date(2029, 12, 31)
    )
    with pytest.raises(ValidationError, match="overlaps"):
        overlapping.full_clean()


def test_goal_count_unchanged_after_refusals(small_tree, council, period):
    """A refused create leaves no row behind."""
    before = Goal.objects.count()
    with pytest.raises(ValidationError):
        services.goal_create(
            by=system_actor(),
            parent=small_tree["first"],
            title="x",
            level=GoalLevel.AREA,
            owner=council,
            period=period,
        )
    assert Goal.objects.count() == before
