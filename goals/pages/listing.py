"""Goals listed with their red thread: each goal with the chain of goals above it."""

from dataclasses import dataclass

from goals.models import Goal

PAGE_SIZE = 50


@dataclass
class Listed:
    goal: Goal
    chain: list[Goal]


def with_chains(goals) -> list[Listed]:
    """Pair each goal with its chain of ancestors, read in one query for all."""
    goals = list(goals)
    chains = Goal.objects.ancestors_of_each(goals)
    return [Listed(goal, chains[goal.path]) for goal in goals]
