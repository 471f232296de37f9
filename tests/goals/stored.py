"""What is stored of the goal tree, to show that a refused write changed nothing."""

from goals.models import Goal, GoalLink


def stored_state():
    """Every goal and link row as stored, with the history counts of both."""
    return (
        list(Goal.objects.order_by("pk").values()),
        list(GoalLink.objects.order_by("pk").values()),
        Goal.history.count(),
        GoalLink.history.count(),
    )
