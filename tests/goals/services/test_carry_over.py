"""period_carry_over and the carry_over command: mapping, re-linking, dry run, idempotence, atomicity."""

from io import StringIO
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from goals import services
from goals.models import Goal, GoalLink
from goals.services import carry_over
from goals.tree_check import find_problems
from tests.factories import GoalFactory
from tests.goals.stored import stored_state
from vision.actors import system_actor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def carry(period, next_period, **kwargs):
    return services.period_carry_over(by=system_actor(), source=period, target=next_period, **kwargs)


def successor_of(goal: Goal) -> Goal:
    return Goal.objects.select_related("owner", "period").get(predecessor=goal)


def parent_of(goal: Goal) -> Goal:
    return Goal.objects.get_parent(goal)


@pytest.fixture
def branch(small_tree, committee, office, period):
    """small_tree plus a committee goal under the council goal with an office goal and activity below."""
    committee_goal = GoalFactory(
        parent=small_tree["council"],
        level="committee",
        owner=committee,
        period=period,
        title="Fler behöriga lärare",
    )
    office_goal = GoalFactory(
        parent=committee_goal, level="unit", owner=office, period=period, title="Rekrytera lärare"
    )
    activity = GoalFactory(parent=office_goal, level="activity", owner=office, period=period, title="Mässa")
    return {**small_tree, "committee": committee_goal, "office_goal": office_goal, "activity": activity}


def test_every_active_goal_gets_a_successor_under_its_parents_successor(branch, period, next_period):
    """Each carried goal points at its predecessor and sits under its parent's successor; the tree stays sound."""
    result = carry(period, next_period)

    assert result.created == 7
    assert result.relinking == []
    for name in ["area", "council", "first", "second", "committee", "office_goal", "activity"]:
        old = branch[name]
        new = successor_of(old)
        assert new.period == next_period and new.title == old.title and new.level == old.level
        assert new.owner_id == old.owner_id and not new.needs_relinking
        expected_parent = branch["vision"] if name == "area" else successor_of(parent_of(old))
        assert parent_of(new) == expected_parent
    assert find_problems() == []


def test_retired_goals_are_not_carried(branch, period, next_period):
    """A retired goal (with its branch) ends with its period."""
    services.goal_retire(by=system_actor(), goal=branch["office_goal"])
    result = carry(period, next_period)
    assert result.created == 5
    assert not Goal.objects.filter(predecessor__in=[branch["office_goal"], branch["activity"]]).exists()
    assert find_problems() == []


def test_unit_goal_whose_parent_is_not_carried_goes_under_nearest_carried_ancestor(
    branch, period, next_period, office, council
):
    """Carrying only the office: its goal under the committee's goal lands under the council goal's successor, flagged."""
    carry(period, next_period, unit=council)
    result = carry(period, next_period, unit=office)

    office_new = successor_of(branch["office_goal"])
    assert office_new.needs_relinking
    assert parent_of(office_new) == successor_of(branch["council"])
    assert [item.goal for item in result.relinking] == [branch["office_goal"]]
    assert result.relinking[0].placed_under_title == branch["council"].title
    # The activity's parent was carried in the same run, so it follows its parent and is not flagged.
    activity_new = successor_of(branch["activity"])
    assert parent_of(activity_new) == office_new and not activity_new.needs_relinking
    # The unit goals directly under the council goal kept their parent's successor.
    assert parent_of(successor_of(branch["first"])) == successor_of(branch["council"])
    assert not successor_of(branch["first"]).needs_relinking
    assert not Goal.objects.filter(predecessor=branch["committee"]).exists()
    assert find_problems() == []


def test_a_unit_carried_before_any_parent_it_may_sit_under_is_refused_without_trace(
    branch, period, next_period, office
):
    """A unit goal may not sit under the vision or a goal area: with no council or committee goal
    carried yet, the carry-over names the goal to carry first and writes nothing."""
    before = stored_state()
    with pytest.raises(ValidationError, match="Carry over “En klimatsmart kommun” first") as error:
        carry(period, next_period, unit=office)
    assert error.value.code == "no_parent_in_target"
    assert stored_state() == before


def test_a_retired_successor_takes_no_children(
    branch, period, next_period, council, committee, office, other_office
):
    """When the parent's successor was retired since, the child goes to the nearest active counterpart
    its level may sit under."""
    visit = GoalFactory(
        parent=branch["office_goal"], level="activity", owner=other_office, period=period, title="Studiebesök"
    )
    for unit in (council, committee, office):
        carry(period, next_period, unit=unit)
    services.goal_retire(by=system_actor(), goal=successor_of(branch["office_goal"]))
    carry(period, next_period, unit=other_office)
    visit_new = successor_of(visit)
    assert parent_of(visit_new) == successor_of(branch["committee"]) and visit_new.needs_relinking
    assert find_problems() == []


def test_goals_valid_in_both_periods_stay_and_take_the_carried_children(
    small_tree, period, next_period, council, office
):
    """Long-lived goals spanning both periods are not copied; carried children go under them unflagged."""
    span = GoalFactory(
        parent=small_tree["vision"],
        level="area",
        owner=council,
        period=period,
        until_period=next_period,
        title="Långsiktigt målområde",
    )
    lasting = GoalFactory(
        parent=span,
        level="council",
        owner=council,
        period=period,
        until_period=next_period,
        title="Bestående",
    )
    child = GoalFactory(parent=lasting, level="unit", owner=office, period=period, title="Kortsiktigt")
    carry(period, next_period)
    assert not Goal.objects.filter(predecessor__in=[span, lasting]).exists()
    child_new = successor_of(child)
    assert parent_of(child_new) == lasting and not child_new.needs_relinking
    assert find_problems() == []


def test_contribution_links_follow_both_ends(branch, period, next_period, council, committee, office):
    """Links are copied between successors, also when the units are carried one at a time."""
    services.goal_link_add(by=system_actor(), source=branch["first"], target=branch["committee"])
    carry(period, next_period, unit=council)
    carry(period, next_period, unit=office)
    assert not GoalLink.objects.filter(source=successor_of(branch["first"])).exists()

    result = carry(period, next_period, unit=committee)
    assert result.links_created == 1
    assert GoalLink.objects.filter(
        source=successor_of(branch["first"]), target=successor_of(branch["committee"])
    ).exists()


def test_dry_run_changes_nothing_and_reports_the_plan(branch, period, next_period, council, office):
    """--dry-run: the same counts and re-linking list as the real run, and not one row written."""
    carry(period, next_period, unit=council)
    before = stored_state()
    plan = carry(period, next_period, unit=office, dry_run=True)
    assert stored_state() == before
    assert plan.created == 4 and plan.per_unit == {office.name: 4}
    assert [r.goal for r in plan.relinking] == [branch["office_goal"]]
    real = carry(period, next_period, unit=office)
    assert (real.created, [r.goal for r in real.relinking]) == (
        plan.created,
        [r.goal for r in plan.relinking],
    )


def test_second_run_adds_nothing(branch, period, next_period):
    """Idempotent: the second carry-over creates no goal, link or history row."""
    services.goal_link_add(by=system_actor(), source=branch["office_goal"], target=branch["council"])
    first = carry(period, next_period)
    after_first = stored_state()
    second = carry(period, next_period)
    assert first.created == 7
    assert second.created == 0 and second.already_carried == 7 and second.links_created == 0
    assert stored_state() == after_first
    assert find_problems() == []


@pytest.mark.parametrize(
    "step", ["goals.services.child_paths.add_to_numchild", "goals.services.carry_over._carry_links"]
)
def test_failure_half_way_leaves_no_trace(branch, period, next_period, step):
    """A step raising half way (counts raised, or goals inserted) rolls back every goal, count, link and history row."""
    services.goal_link_add(by=system_actor(), source=branch["office_goal"], target=branch["council"])
    before = stored_state()
    real_insert = carry_over.bulk_create_with_history
    inserted = []

    def insert_then_record(objs, model, **kwargs):
        created = real_insert(objs, model, **kwargs)
        inserted.append(len(created))
        return created

    with (
        mock.patch.object(carry_over, "bulk_create_with_history", side_effect=insert_then_record),
        mock.patch(step, side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        carry(period, next_period)
    if step.endswith("_carry_links"):
        assert inserted == [7]  # the goals really were written before the failure
    assert stored_state() == before
    assert find_problems() == []


def test_carrying_backwards_is_refused(period, next_period, vision):
    with pytest.raises(ValidationError) as error:
        services.period_carry_over(by=system_actor(), source=next_period, target=period)
    assert error.value.code == "carry_backwards"


def test_no_vision_valid_in_the_target_is_refused_without_trace(period, next_period, council):
    """Goals under a vision that ends before the target period have nowhere to go: refused, nothing written."""
    old_vision = services.goal_create(
        by=system_actor(), parent=None, title="Vision 2035", level="vision", period=period, owner=council
    )
    GoalFactory(parent=old_vision, level="area", owner=council, period=period)
    before = stored_state()
    with pytest.raises(ValidationError) as error:
        carry(period, next_period)
    assert error.value.code == "no_vision"
    assert stored_state() == before


def test_command_prints_plan_on_dry_run_and_changes_nothing(branch, period, next_period, council, office):
    carry(period, next_period, unit=council)
    out = StringIO()
    before = stored_state()
    call_command("carry_over", period.slug, next_period.slug, "--unit", office.slug, "--dry-run", stdout=out)
    text = out.getvalue()
    assert stored_state() == before
    assert "Would carry 4 goals" in text
    assert f"{office.name}: 4" in text
    assert "“Rekrytera lärare” placed under" in text
    assert "Dry run: nothing was changed." in text


def test_command_carries_over_then_adds_nothing(branch, period, next_period):
    out = StringIO()
    call_command("carry_over", period.slug, next_period.slug, stdout=out)
    assert "Carried 7 goals" in out.getvalue()
    out = StringIO()
    call_command("carry_over", period.slug, next_period.slug, stdout=out)
    assert "Carried 0 goals" in out.getvalue() and "7 goals were already carried over" in out.getvalue()
    assert find_problems() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1999-2002", "2027-2030"], "No mandate period with the slug '1999-2002'"),
        (["2023-2026", "2027-2030", "--unit", "nope"], "No unit with the slug 'nope'"),
        (["2027-2030", "2023-2026"], "does not come after"),
    ],
)
def test_command_refuses_bad_arguments_clearly(branch, period, next_period, args, message):
    before = stored_state()
    with pytest.raises(CommandError, match=message):
        call_command("carry_over", *args, stdout=StringIO())
    assert stored_state() == before


def test_carry_over_on_postgres_takes_the_tree_lock(postgres, branch, period, next_period):
    """On PostgreSQL the whole carry-over runs under the exclusive advisory lock, and the tree stays sound."""
    with mock.patch.object(carry_over, "lock_tree", wraps=carry_over.lock_tree) as lock:
        carry(period, next_period)
    lock.assert_called_once_with(exclusive=True)
    assert find_problems() == []


def test_two_carry_overs_at_once_add_one_set_of_successors(transactional_db, small_tree, period, next_period):
    """Run side by side on PostgreSQL, the second waits for the first's lock and then adds nothing."""
    import threading

    from django.db import connection, connections

    from tests.conftest import skip_or_fail

    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL: run with DATABASE_URL=postgres://...", "REQUIRE_POSTGRES")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def carry_side_by_side():
        try:
            barrier.wait(timeout=10)
            results.append(carry(period, next_period).created)
        except Exception as error:  # noqa: BLE001 reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=carry_side_by_side) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == [0, 4]
    assert Goal.objects.filter(period=next_period).count() == 4
    assert find_problems() == []


def test_carry_over_queries_do_not_grow_with_goals_per_level(small_tree, period, next_period, office):
    """Six times the goals per level (within one insert batch) costs the same number of queries."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    def queries_for_carry():
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            created = carry(period, next_period).created
            transaction.set_rollback(True)
        return created, len(queries.captured_queries)

    created_few, few = queries_for_carry()
    for n in range(20):
        GoalFactory(
            parent=small_tree["council"], level="unit", owner=office, period=period, title=f"Fler {n}"
        )
    created_many, many = queries_for_carry()
    assert (created_few, created_many) == (4, 24)
    assert many == few
