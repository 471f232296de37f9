from goals.models import Goal, GoalLevel
from tests.factories import GoalFactory
from vision.actors import system_actor


def titles(queryset) -> list[str]:
    return list(queryset.values_list("title", flat=True))


def test_valid_in_covers_single_spans_and_timeless(small_tree, vision, council, period, next_period):
    """valid_in returns a period's own goals, spans covering it and the timeless vision, nothing else."""
    span = GoalFactory(
        parent=vision,
        level=GoalLevel.AREA,
        owner=council,
        period=period,
        until_period=next_period,
        title="Span",
    )
    later = GoalFactory(parent=vision, level=GoalLevel.AREA, owner=council, period=next_period, title="Later")
    in_first = set(titles(Goal.objects.valid_in(period)))
    in_next = set(titles(Goal.objects.valid_in(next_period)))
    assert {vision.title, span.title, small_tree["first"].title} <= in_first
    assert later.title not in in_first
    assert in_next == {vision.title, span.title, later.title}
    assert set(titles(Goal.objects.not_valid_in(next_period))) == in_first - in_next


def test_owned_by_and_at_level(small_tree, office):
    assert titles(Goal.objects.owned_by(office)) == ["Solpaneler på skolor", "Cykelbara skolvägar"]
    assert titles(Goal.objects.at_level(GoalLevel.COUNCIL)) == ["En klimatsmart kommun"]


def test_descendant_child_and_ancestor_of(small_tree):
    area, council_goal, first = small_tree["area"], small_tree["council"], small_tree["first"]
    assert titles(Goal.objects.descendant_of(area)) == [
        "En klimatsmart kommun",
        "Solpaneler på skolor",
        "Cykelbara skolvägar",
    ]
    assert titles(Goal.objects.descendant_of(area, inclusive=True))[0] == area.title
    assert titles(Goal.objects.not_descendant_of(area)) == [small_tree["vision"].title, area.title]
    assert titles(Goal.objects.not_descendant_of(area, inclusive=True)) == [small_tree["vision"].title]
    assert titles(Goal.objects.child_of(council_goal)) == ["Solpaneler på skolor", "Cykelbara skolvägar"]
    assert titles(Goal.objects.ancestor_of(first)) == [
        small_tree["vision"].title,
        area.title,
        council_goal.title,
    ]
    assert titles(Goal.objects.ancestor_of(first, inclusive=True))[-1] == first.title


def test_active_retired_visions_and_relinking(small_tree):
    from goals import services

    services.goal_retire(by=system_actor(), goal=small_tree["second"])
    assert "Cykelbara skolvägar" in titles(Goal.objects.retired())
    assert "Cykelbara skolvägar" not in titles(Goal.objects.active())
    assert titles(Goal.objects.visions()) == [small_tree["vision"].title]
    assert titles(Goal.objects.needing_relinking()) == []


def test_querysets_chain_like_sentences(small_tree, period, office):
    """Domain methods survive chaining (the manager returns GoalQuerySet, not treebeard's)."""
    chained = Goal.objects.valid_in(period).descendant_of(small_tree["area"]).owned_by(office).active()
    assert titles(chained) == ["Solpaneler på skolor", "Cykelbara skolvägar"]
