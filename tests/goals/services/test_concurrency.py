"""8 processes adding and moving goals under the same parents at once, on PostgreSQL."""

import multiprocessing
import random
import traceback

import pytest
from django.db import connection, connections

from goals import services
from goals.models import Goal, GoalLevel
from goals.tree_check import find_problems
from tests.conftest import skip_or_fail
from tests.factories import PeriodFactory, UnitFactory
from vision.actors import system_actor
from vision.models import Unit, UnitKind

WORKERS = 8
OPERATIONS = 40


def worker(seed: int, parent_pks: list[int], owner_pk: int, errors) -> None:
    connections.close_all()  # never share the parent's socket
    rng = random.Random(seed)
    mine: list[int] = []
    try:
        owner = Unit.objects.get(pk=owner_pk)
        for n in range(OPERATIONS):
            parent = Goal.objects.select_related("period", "owner").get(pk=rng.choice(parent_pks))
            if mine and rng.random() < 0.4:
                goal = Goal.objects.get(pk=rng.choice(mine))
                siblings = list(Goal.objects.child_of(parent).values_list("pk", flat=True))
                if siblings and rng.random() < 0.5:
                    target = Goal.objects.get(pk=rng.choice(siblings))
                    if target.pk != goal.pk:
                        services.goal_move(
                            by=system_actor(),
                            goal=goal,
                            target=target,
                            position=rng.choice(["left", "right"]),
                        )
                else:
                    services.goal_move(by=system_actor(), goal=goal, target=parent, position="last-child")
            else:
                goal = services.goal_create(
                    by=system_actor(),
                    parent=parent,
                    title=f"w{seed}-{n}",
                    level=GoalLevel.UNIT,
                    owner=owner,
                    period=parent.period,
                )
                mine.append(goal.pk)
    except Exception:
        errors.put(traceback.format_exc())
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_and_moves_surface_no_error_and_keep_tree_sound():
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL: run with DATABASE_URL=postgres://...", "REQUIRE_POSTGRES")
    period = PeriodFactory(slug="2023-2026", start="2023-01-01", end="2026-12-31")
    period.refresh_from_db()
    council = UnitFactory(kind=UnitKind.COUNCIL)
    office = UnitFactory(kind=UnitKind.OFFICE)
    vision = services.goal_create(by=system_actor(), parent=None, title="Vision", level=GoalLevel.VISION)
    area = services.goal_create(
        by=system_actor(), parent=vision, title="Område", level=GoalLevel.AREA, owner=council, period=period
    )
    parents = [
        services.goal_create(
            by=system_actor(),
            parent=area,
            title=f"Fullmäktigemål {n}",
            level=GoalLevel.COUNCIL,
            owner=council,
            period=period,
        ).pk
        for n in range(3)
    ]
    connections.close_all()

    context = multiprocessing.get_context("fork")
    errors = context.Queue()
    processes = [
        context.Process(target=worker, args=(seed, parents, office.pk, errors)) for seed in range(WORKERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
    reported = []
    while not errors.empty():
        reported.append(errors.get())
    assert reported == [], "\n".join(reported)
    assert all(process.exitcode == 0 for process in processes)
    assert find_problems() == []
    created = Goal.objects.filter(level=GoalLevel.UNIT).count()
    assert created >= WORKERS * OPERATIONS * 0.5
