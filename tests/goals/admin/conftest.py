import pytest

from tests.factories import GoalFactory


@pytest.fixture
def tree(small_tree, committee, other_office, period):
    """The small tree with a committee goal and another office's unit goal under its council goal."""
    committee_goal = GoalFactory(
        parent=small_tree["council"], level="committee", owner=committee, period=period, title="Nämndmål"
    )
    foreign = GoalFactory(
        parent=small_tree["council"],
        level="unit",
        owner=other_office,
        period=period,
        title="Annat kontors mål",
    )
    return {**small_tree, "committee": committee_goal, "foreign": foreign}
