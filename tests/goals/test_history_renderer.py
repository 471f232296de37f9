"""One renderer tells a goal's changes, on the goal page and in an edit conflict alike."""

from datetime import date

import pytest

from goals import services
from goals.history import VALUE_CHARS, changes_between, conflict_message, history_of
from goals.models import Goal
from tests.factories import GoalFactory, UnitFactory
from vision.actors import system_actor

pytestmark = pytest.mark.usefixtures("in_english")


def told(goal: Goal) -> list[str]:
    """The changes of the goal's latest history entry, as the goal page lists them."""
    return [str(change) for change in history_of(goal)[0].changes]


def test_a_change_reads_the_same_on_the_goal_page_and_in_an_edit_conflict(small_tree):
    """The page's latest entry and the conflict message name the same changes in the same words."""
    goal = small_tree["first"]
    loaded = goal.version
    company = UnitFactory(slug="nodra", name="Nodra AB", kind="company")
    goal = services.goal_update(by=system_actor(), goal=goal, title="Solceller på alla skolor", owner=company)
    on_page = told(goal)
    assert sorted(on_page) == sorted(
        [
            "owner unit: “Utbildningskontoret” → “Nodra AB”",
            "title: “Solpaneler på skolor” → “Solceller på alla skolor”",
        ]
    )
    assert f"Changed meanwhile: {'; '.join(on_page)}." in conflict_message(goal, loaded)


def test_values_are_shown_with_choice_labels_related_names_and_words(small_tree, next_period):
    """Choices by their labels, related objects by their names, yes/no, dates, and a dash for nothing."""
    goal = services.goal_update(
        by=system_actor(),
        goal=small_tree["area"],
        until_period=next_period,
        needs_relinking=True,
        decided_on=date(2024, 3, 5),
        case_number="KS 2024/12",
    )
    assert sorted(told(goal)) == sorted(
        [
            "case number (diarienummer): “–” → “KS 2024/12”",
            "decided on: “–” → “March 5, 2024”",
            "needs re-linking: “no” → “yes”",
            "valid until period: “–” → “2027–2030”",
        ]
    )
    services.goal_retire(by=system_actor(), goal=goal)
    assert told(goal) == ["status: “active” → “retired”"]


def test_bookkeeping_is_hidden_and_a_move_is_one_change_naming_the_parent_of_today(small_tree):
    """Path, depth and version never show; a move reads as one change, naming the parent where it is now."""
    goal, area = small_tree["second"], small_tree["area"]
    other = GoalFactory(
        parent=area,
        level="council",
        owner=small_tree["council"].owner,
        period=area.period,
        title="Ett annat mål",
    )
    loaded = Goal.objects.get(pk=goal.pk).version
    services.goal_move(by=system_actor(), goal=goal, target=other, position="last-child")
    goal = Goal.objects.get(pk=goal.pk)
    assert told(goal) == ["moved in the tree, now under “Ett annat mål”"]
    assert "moved in the tree, now under “Ett annat mål”" in conflict_message(goal, loaded)
    goal = services.goal_update(by=system_actor(), goal=goal, title="Ny titel")
    entries = history_of(goal)
    assert [str(change) for change in entries[1].changes] == ["moved in the tree"]
    labels = {change.label for entry in entries for change in entry.changes}
    assert not labels & {"path", "depth", "version", "external id", "numchild"}


def test_long_values_are_cut_short(small_tree):
    goal = services.goal_update(by=system_actor(), goal=small_tree["first"], description="ord " * 100)
    [change] = history_of(goal)[0].changes
    assert change.old == "–"
    assert len(change.new) <= VALUE_CHARS and change.new.endswith("…")


def test_related_names_are_read_once_per_model_however_many_changes(
    small_tree, django_assert_max_num_queries
):
    """Ten owner changes name their units with one query: the records, the units, nothing per change."""
    goal = small_tree["first"]
    for n in range(10):
        goal = services.goal_update(
            by=system_actor(),
            goal=goal,
            owner=UnitFactory(slug=f"bolag-{n}", name=f"Bolag {n}", kind="company"),
        )
    with django_assert_max_num_queries(2):
        entries = history_of(goal)
    assert str(entries[0].changes[0]) == "owner unit: “Bolag 8” → “Bolag 9”"


def test_a_record_without_one_before_it_changes_nothing_that_can_be_told(small_tree):
    goal = small_tree["first"]
    [record] = goal.history.all()
    assert changes_between(goal, [(record, None)]) == [[]]
    assert history_of(goal)[0].kind == "+" and history_of(goal)[0].changes == []
