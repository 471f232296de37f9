"""period_carry_over and the carry_over command: mapping, re-linking, dry run, idempotence, atomicity."""

from io import StringIO
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from simple_history.utils import get_history_model_for_model

from goals import services
from goals.models import Goal, GoalLink
from goals.tree_check import find_problems
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(settings):
    """The messages are checked in English, whatever Swedish translations are compiled."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def successor_of(goal: Goal) -> Goal:
    return Goal.objects.select_related("owner", "period").get(predecessor=goal)


def parent_of(goal: Goal) -> Goal:
    return Goal.objects.get_parent(goal)


def snapshot():
    history = get_history_model_for_model(Goal)
    return (
        list(Goal.objects.order_by("pk").values_list("pk", "path", "numchild", "needs_relinking", "status")),
        GoalLink.objects.count(),
        history.objects.count(),
    )


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
    result = services.period_carry_over(source=period, target=next_period)

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
    services.goal_retire(goal=branch["office_goal"])
    result = services.period_carry_over(source=period, target=next_period)
    assert result.created == 5
    assert not Goal.objects.filter(predecessor__in=[branch["office_goal"], branch["activity"]]).exists()
    assert find_problems() == []


def test_unit_goal_whose_parent_is_not_carried_goes_under_nearest_carried_ancestor(
    branch, period, next_period, office, council
):
    """Carrying only the office: its goal under the committee's goal lands under the council goal's successor, flagged."""
    services.period_carry_over(source=period, target=next_period, unit=council)
    result = services.period_carry_over(source=period, target=next_period, unit=office)

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


def test_a_unit_carried_before_its_parents_lands_under_the_vision(branch, period, next_period, office):
    """With no ancestor carried yet, the nearest counterpart is the timeless vision itself."""
    result = services.period_carry_over(source=period, target=next_period, unit=office)
    first_new = successor_of(branch["first"])
    assert parent_of(first_new) == branch["vision"] and first_new.needs_relinking
    assert {item.goal.pk for item in result.relinking} == {
        branch["first"].pk,
        branch["second"].pk,
        branch["office_goal"].pk,
    }
    assert find_problems() == []


def test_a_retired_successor_takes_no_children(branch, period, next_period, council, office):
    """When the parent's successor was retired since, the child goes to the nearest active counterpart."""
    services.period_carry_over(source=period, target=next_period, unit=council)
    services.goal_retire(goal=successor_of(branch["council"]))
    services.period_carry_over(source=period, target=next_period, unit=office)
    first_new = successor_of(branch["first"])
    assert parent_of(first_new) == successor_of(branch["area"]) and first_new.needs_relinking
    assert find_problems() == []


def test_goals_valid_in_both_periods_stay_and_take_the_carried_children(
    small_tree, period, next_period, council, office
):
    """A long-lived goal spanning both periods is not copied; carried children go under it unflagged."""
    span = GoalFactory(
        parent=small_tree["vision"],
        level="area",
        owner=council,
        period=period,
        until_period=next_period,
        title="Långsiktigt målområde",
    )
    child = GoalFactory(parent=span, level="unit", owner=office, period=period, title="Kortsiktigt")
    services.period_carry_over(source=period, target=next_period)
    assert not Goal.objects.filter(predecessor=span).exists()
    child_new = successor_of(child)
    assert parent_of(child_new) == span and not child_new.needs_relinking
    assert find_problems() == []


def test_contribution_links_follow_both_ends(branch, period, next_period, council, office):
    """Links are copied between successors, also when the units are carried one at a time."""
    GoalLink.objects.create(source=branch["office_goal"], target=branch["council"])
    services.period_carry_over(source=period, target=next_period, unit=office)
    assert not GoalLink.objects.filter(source=successor_of(branch["office_goal"])).exists()

    result = services.period_carry_over(source=period, target=next_period, unit=council)
    assert result.links_created == 1
    assert GoalLink.objects.filter(
        source=successor_of(branch["office_goal"]), target=successor_of(branch["council"])
    ).exists()


def test_dry_run_changes_nothing_and_reports_the_plan(branch, period, next_period, office):
    """--dry-run: the same counts and re-linking list as the real run, and not one row written."""
    before = snapshot()
    plan = services.period_carry_over(source=period, target=next_period, unit=office, dry_run=True)
    assert snapshot() == before
    assert plan.created == 4 and plan.per_unit == {office.name: 4}
    real = services.period_carry_over(source=period, target=next_period, unit=office)
    assert (real.created, [r.goal for r in real.relinking]) == (
        plan.created,
        [r.goal for r in plan.relinking],
    )


def test_second_run_adds_nothing(branch, period, next_period):
    """Idempotent: the second carry-over creates no goal, link or history row."""
    GoalLink.objects.create(source=branch["office_goal"], target=branch["council"])
    first = services.period_carry_over(source=period, target=next_period)
    after_first = snapshot()
    second = services.period_carry_over(source=period, target=next_period)
    assert first.created == 7
    assert second.created == 0 and second.already_carried == 7 and second.links_created == 0
    assert snapshot() == after_first
    assert find_problems() == []


@pytest.mark.parametrize("step", ["_add_to_numchild", "_carry_links"])
def test_failure_half_way_leaves_no_trace(branch, period, next_period, step):
    """A step raising after the goals were inserted rolls back every goal, count, link and history row."""
    GoalLink.objects.create(source=branch["office_goal"], target=branch["council"])
    before = snapshot()
    real_insert = services.bulk_create_with_history
    inserted = []

    def insert_then_record(objs, model, **kwargs):
        created = real_insert(objs, model, **kwargs)
        inserted.append(len(created))
        return created

    with (
        mock.patch.object(services, "bulk_create_with_history", side_effect=insert_then_record),
        mock.patch.object(services, step, side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.period_carry_over(source=period, target=next_period)
    if step == "_carry_links":
        assert inserted == [7]  # the goals really were written before the failure
    assert snapshot() == before
    assert find_problems() == []


def test_carrying_backwards_is_refused(period, next_period, vision):
    with pytest.raises(ValidationError) as error:
        services.period_carry_over(source=next_period, target=period)
    assert error.value.code == "carry_backwards"


def test_no_vision_valid_in_the_target_is_refused_without_trace(period, next_period, council):
    """Goals under a vision that ends before the target period have nowhere to go: refused, nothing written."""
    old_vision = services.goal_create(
        parent=None, title="Vision 2035", level="vision", period=period, owner=council
    )
    GoalFactory(parent=old_vision, level="area", owner=council, period=period)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.period_carry_over(source=period, target=next_period)
    assert error.value.code == "no_vision"
    assert snapshot() == before


def test_command_prints_plan_on_dry_run_and_changes_nothing(branch, period, next_period, office):
    out = StringIO()
    before = snapshot()
    call_command("carry_over", period.slug, next_period.slug, "--unit", office.slug, "--dry-run", stdout=out)
    text = out.getvalue()
    assert snapshot() == before
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
    before = snapshot()
    with pytest.raises(CommandError, match=message):
        call_command("carry_over", *args, stdout=StringIO())
    assert snapshot() == before


def test_carry_over_on_postgres_takes_the_tree_lock(postgres, branch, period, next_period):
    """On PostgreSQL the whole carry-over runs under the exclusive advisory lock, and the tree stays sound."""
    with mock.patch.object(services, "_lock_tree", wraps=services._lock_tree) as lock:
        services.period_carry_over(source=period, target=next_period)
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

    def carry():
        try:
            barrier.wait(timeout=10)
            results.append(services.period_carry_over(source=period, target=next_period).created)
        except Exception as error:  # noqa: BLE001 reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=carry) for _ in range(2)]
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
            created = services.period_carry_over(source=period, target=next_period).created
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
