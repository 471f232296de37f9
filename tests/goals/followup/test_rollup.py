"""The roll-up: a goal's suggested status from its children's assessments in a round.

Table-driven on one goal's children, then a property test on random trees against a
plain-Python model of the rule, and the promise that it reads by level (queries per depth).
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goals.followup.rollup import round_goals, suggested_status, suggestions_at_depth, suggestions_for
from goals.models import Goal
from tests.factories import GoalFactory, UnitFactory, level_under, levels_under, unit_kind_for
from tests.goals.followup.rounds_support import assess, make_round

MET, PARTLY, NOT_MET, NONE_YET = "met", "partly", "not_met", "not_assessed"
SCORE = {MET: 1.0, PARTLY: 0.5, NOT_MET: 0.0}


@pytest.mark.parametrize(
    ("children", "status", "score", "assessed"),
    [
        ([MET, MET, MET], MET, 1.0, 3),
        ([MET, PARTLY], MET, 0.75, 2),
        ([PARTLY, PARTLY], PARTLY, 0.5, 2),
        ([MET, NOT_MET], PARTLY, 0.5, 2),
        ([PARTLY, PARTLY, NOT_MET, NOT_MET], PARTLY, 0.25, 4),
        ([PARTLY, NOT_MET, NOT_MET], NOT_MET, 1 / 6, 3),
        ([NOT_MET, None], NOT_MET, 0.0, 1),
        ([MET, None, NONE_YET, NONE_YET, None], MET, 1.0, 1),  # the unassessed are left out, not 0
        ([None, NONE_YET], NONE_YET, None, 0),
        ([(MET, 1), (NOT_MET, 3)], PARTLY, 0.25, 2),
        ([(MET, 3), (NOT_MET, 1)], MET, 0.75, 2),
        ([(PARTLY, 2), (NOT_MET, 1), (None, 5)], PARTLY, 1 / 3, 2),
    ],
)
def test_suggestion_of_one_goals_children(small_tree, period, children, status, score, assessed):
    round_ = make_round(period)
    council = small_tree["council"]
    # small_tree's two unit goals plus more, so the council goal has len(children) children.
    goals = [small_tree["first"], small_tree["second"]]
    goals += [
        GoalFactory(parent=council, level="unit", owner=small_tree["first"].owner, period=period)
        for _ in children[2:]
    ]
    for goal, child in zip(goals, children, strict=False):
        child_status, weight = child if isinstance(child, tuple) else (child, None)
        if child_status is not None:
            assess(round_, goal, child_status, weight=weight)
    suggestion = suggestions_for(round_, [council])[council.path]
    assert suggestion.status == status
    assert suggestion.total == len(children) and suggestion.assessed == assessed
    assert suggestion.score == (pytest.approx(score) if score is not None else None)


@pytest.mark.parametrize(
    ("score", "status"),
    [
        (1.0, MET),
        (0.75, MET),
        (0.7499, PARTLY),
        (0.5, PARTLY),
        (0.25, PARTLY),
        (0.2499, NOT_MET),
        (0.0, NOT_MET),
        (None, NONE_YET),
    ],
)
def test_thresholds(score, status):
    assert suggested_status(score) == status


def test_retired_goals_and_other_rounds_are_left_out(small_tree, period):
    from goals.services import goal_retire
    from vision.actors import system_actor

    round_, other = make_round(period), make_round(period, kind="delar")
    assess(round_, small_tree["first"], MET)
    assess(other, small_tree["second"], NOT_MET)
    suggestion = suggestions_for(round_, [small_tree["council"]])[small_tree["council"].path]
    assert (suggestion.status, suggestion.assessed, suggestion.total) == (MET, 1, 2)
    goal_retire(goal=Goal.objects.get(pk=small_tree["second"].pk), by=system_actor())
    suggestion = suggestions_for(round_, [small_tree["council"]])[small_tree["council"].path]
    assert (suggestion.assessed, suggestion.total) == (1, 1)


def test_reads_one_query_per_depth_whatever_the_number_of_goals(
    small_tree, period, django_assert_num_queries
):
    round_ = make_round(period)
    parents = [small_tree["area"], small_tree["council"], small_tree["vision"]]
    with django_assert_num_queries(3):  # one per depth among the parents
        found = suggestions_for(round_, parents)
    # The vision is not assessed in a round, but its goal areas are: it gets a suggestion too.
    assert set(found) == {small_tree[name].path for name in ("vision", "area", "council")}
    with django_assert_num_queries(1):
        suggestions_at_depth(round_, 3)


# --- the property: random trees against a plain-Python model ------------------------------

trees = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=1000),  # which earlier goal is the parent
        st.sampled_from([MET, PARTLY, NOT_MET, NONE_YET, None]),
        st.integers(min_value=1, max_value=4),  # weight
    ),
    min_size=1,
    max_size=10,
)


def model_suggestions(parents: list[int | None], statuses, weights) -> dict[int, tuple]:
    """Plain Python: for each node with children, (status, score, assessed, total)."""
    result = {}
    for node in range(len(parents)):
        children = [i for i, parent in enumerate(parents) if parent == node]
        if not children:
            continue
        scored = [(SCORE[statuses[i]], weights[i]) for i in children if statuses[i] in SCORE]
        weight = sum(w for _s, w in scored)
        score = sum(s * w for s, w in scored) / weight if scored else None
        if score is None:
            status = NONE_YET
        elif score >= 0.75:
            status = MET
        elif score < 0.25:
            status = NOT_MET
        else:
            status = PARTLY
        result[node] = (status, score, len(scored), len(children))
    return result


class Rollback(Exception):
    pass


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tree=trees)
def test_rollup_matches_the_plain_model_on_random_trees(small_tree, period, tree):
    area = small_tree["area"]
    units = {}
    try:
        with transaction.atomic():
            round_ = make_round(period, year=2026)
            # Node 0 is the goal area; every further node goes under an earlier one not too deep.
            goals, parents, statuses, weights = [area], [None], [None], [1]
            for pick, status, weight in tree:
                candidates = [i for i, g in enumerate(goals) if levels_under(g)]
                parent = candidates[pick % len(candidates)]
                level = level_under(goals[parent])
                kind = unit_kind_for(level)
                if kind not in units:
                    units[kind] = UnitFactory(kind=kind)
                goals.append(GoalFactory(parent=goals[parent], level=level, owner=units[kind], period=period))
                parents.append(parent)
                statuses.append(status)
                weights.append(weight)
                if status is not None:
                    assess(round_, goals[-1], status, weight=weight)
            expected = model_suggestions(parents, statuses, weights)
            stored = list(Goal.objects.filter(pk__in=[g.pk for g in goals]))
            found = suggestions_for(round_, stored)
            by_depth = {}
            for depth in range(2, 8):
                by_depth.update(suggestions_at_depth(round_, depth))
            extra = (
                round_goals(round_).filter(depth=area.depth + 1).exclude(pk__in=[g.pk for g in goals]).count()
            )
            for node, goal in enumerate(goals):
                want = expected.get(node)
                if node == 0:
                    # The area also holds small_tree's council goal (unassessed here): the model gets it too.
                    shifted = [None] + [0] * extra + [p + extra if p else 0 for p in parents[1:]]
                    want = model_suggestions(
                        shifted, [None] * (extra + 1) + statuses[1:], [1] * extra + weights
                    )[0]
                for table in (found, by_depth):
                    got = table.get(goal.path)
                    if want is None:
                        assert got is None
                    else:
                        assert (got.status, got.assessed, got.total) == (want[0], want[2], want[3])
                        assert got.score == (pytest.approx(want[1]) if want[1] is not None else None)
            raise Rollback
    except Rollback:
        pass
