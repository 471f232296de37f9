"""The hierarchy table (goals.rules.HIERARCHY) holds through every door: a service call,
the admin's add form, drag-and-drop in the admin tree and an import, each refusing with
the same words. check_tree reports what the table refuses in an older database."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from goals import rules, services
from goals.exchange.formats import COLUMNS, FileRefused, SourceRow
from goals.models import Goal, GoalLevel
from goals.services.repair import tree_repair
from goals.tree_check import TABLE_KINDS, find_problems
from tests.factories import GoalFactory, UnitFactory, UserFactory, VisionFactory, unit_kind_for
from tests.goals.stored import stored_state
from vision.actors import NotAllowed, system_actor
from vision.models import UnitKind, UnitRole
from vision.services import membership_grant

pytestmark = pytest.mark.django_db

VISION, AREA, COUNCIL, COMMITTEE, UNIT, ACTIVITY = (
    "vision",
    "area",
    "council",
    "committee",
    "unit",
    "activity",
)

# The governance model of ../shared/domain.md ("The governance model"), written out by
# hand so that any change to rules.HIERARCHY has to be made here too, on purpose:
# level: (the levels it may sit under, the unit kinds that may own it)
EXPECTED = {
    # The council decides the vision; it stands at the root.
    VISION: (set(), {"council"}),
    # The council's programme: goal areas under the vision ...
    AREA: ({VISION}, {"council"}),
    # ... and the overarching goals (KF-mål) in them.
    COUNCIL: ({AREA}, {"council"}),
    # Each committee's assignment plan answers to a council goal.
    COMMITTEE: ({COUNCIL}, {"committee"}),
    # An office's plan answers to its committee's goal; a company (steered by
    # owner directives, no committee above it) to a council goal directly.
    UNIT: ({COUNCIL, COMMITTEE}, {"office", "company"}),
    # Activities carry out a unit goal, or a committee goal that has no office goal between.
    ACTIVITY: ({COMMITTEE, UNIT}, {"committee", "office", "company"}),
}
# Both tables' levels: a level only the product's table has still gets its tests (and fails them).
LEVELS = [*EXPECTED, *(level for level in rules.HIERARCHY if level not in EXPECTED)]
KINDS = ["council", "committee", "office", "company"]

MOVE = "/admin/goals/goal/move/"
ADD = "/admin/goals/goal/add/"


@pytest.fixture(autouse=True)
def english(settings):
    """The messages are compared in English, whatever translations are compiled."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def label(level: str) -> str:
    return str(GoalLevel(level).label)


def listed(values, choices) -> str:
    order = [value for value, _label in choices]
    quoted = [f"“{dict(choices)[value]}”" for value in sorted(values, key=order.index)]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def placement_message(level: str, parent_level: str) -> str:
    if level == VISION:
        return "A vision is always a root: it cannot sit under another goal."
    allowed = listed(EXPECTED[level][0], GoalLevel.choices)
    return (
        f"A goal at the level “{label(level)}” cannot sit under one at the level “{label(parent_level)}”: "
        f"it belongs under {allowed}."
    )


def owner_message(level: str, unit) -> str:
    kinds = listed(EXPECTED[level][1], UnitKind.choices)
    return (
        f"A goal at the level “{label(level)}” is owned by a unit of the kind {kinds}; "
        f"{unit.name} is of the kind “{unit.get_kind_display()}”."
    )


# The tree every route works on.


@pytest.fixture
def units(db):
    return {kind: UnitFactory(slug=f"enhet-{kind}", name=f"Enhet {kind}", kind=kind) for kind in KINDS}


@pytest.fixture
def tree(units, period):
    """One goal of each level in a chain (``chain``), and a leaf of each level below the
    vision placed where the table allows (``leaves``), to be dragged elsewhere."""
    chain = {VISION: VisionFactory(title="NORRKÖPING tar plats", owner=units["council"])}
    leaves = {}
    above = VISION
    for level in (AREA, COUNCIL, COMMITTEE, UNIT, ACTIVITY):
        owner = units[unit_kind_for(level)]
        chain[level] = GoalFactory(
            parent=chain[above], level=level, owner=owner, period=period, title=f"Kedja {level}"
        )
        leaves[level] = GoalFactory(
            parent=chain[above], level=level, owner=owner, period=period, title=f"Löv {level}"
        )
        above = level
    assert find_problems() == []
    return {"chain": chain, "leaves": leaves}


# The four doors. Each answers (accepted, [messages]) and checks that a refusal wrote nothing.


def through_service(*, parent, level, owner, period, by=None):
    before = stored_state()
    try:
        services.goal_create(
            by=by or system_actor(),
            parent=parent,
            title=f"Ny {level}",
            level=level,
            owner=owner,
            period=period if level != VISION else None,
        )
    except ValidationError as error:
        assert stored_state() == before
        return False, error.messages
    return True, []


def through_admin_form(client, *, parent, level, owner, period):
    before = stored_state()
    response = client.post(
        ADD,
        {
            "title": f"Ny {level} i admin",
            "description": "",
            "level": level,
            "status": "active",
            "owner": owner.pk if owner else "",
            "period": period.pk if level != VISION else "",
            "until_period": "",
            "decided_by": "",
            "decided_on": "",
            "case_number": "",
            "treebeard_position": "first-child",
            "treebeard_ref_node": parent.pk if parent else "",
            "outgoing_links-TOTAL_FORMS": "0",
            "outgoing_links-INITIAL_FORMS": "0",
            "outgoing_links-MIN_NUM_FORMS": "0",
            "outgoing_links-MAX_NUM_FORMS": "1000",
        },
    )
    if response.status_code == 302:
        return True, []
    assert response.status_code == 200
    assert stored_state() == before
    form = response.context["adminform"].form
    return False, [message for messages in form.errors.values() for message in messages]


def through_drag_and_drop(client, *, node, target):
    before = stored_state()
    response = client.post(MOVE, {"node": node.pk, "target": target.pk, "relation": "child"})
    if response.status_code == 200:
        return True, []
    assert response.status_code == 400, response.content
    assert stored_state() == before
    return False, [response.content.decode()]


def import_row(*, parent, level, owner, period, external_id=None, line=2) -> SourceRow:
    values = dict.fromkeys(COLUMNS, "")
    values.update(
        external_id=str(external_id or uuid.uuid4()),
        parent_external_id=str(parent.external_id) if parent else "",
        level=level,
        title=f"Ny {level} från fil",
        status="active",
        owner_unit=owner.slug if owner else "",
        period=period.slug if level != VISION else "",
    )
    return SourceRow(line, values)


def through_import(*rows):
    before = stored_state()
    try:
        result = services.goals_import(by=system_actor(), rows=list(rows))
    except FileRefused as refusal:
        assert stored_state() == before
        return False, [(error.column, error.reason) for error in refusal.errors]
    assert result.created + result.moved + result.updated == len(rows)
    return True, []


# The table itself.


def test_the_table_is_the_governance_model():
    assert set(rules.HIERARCHY) == set(EXPECTED) == set(GoalLevel.values)
    for level, (parents, owners) in EXPECTED.items():
        assert set(rules.parent_levels(level)) == parents, level
        assert set(rules.owner_kinds(level)) == owners, level


@pytest.mark.parametrize("level", LEVELS)
def test_no_goal_sits_under_a_goal_of_its_own_level(level, tree, units, period):
    assert level not in rules.parent_levels(level)
    assert level not in EXPECTED[level][0]
    owner = units[sorted(EXPECTED[level][1], key=KINDS.index)[0]]
    parent = tree["chain"][level]
    assert through_service(parent=parent, level=level, owner=owner, period=period) == (
        False,
        [placement_message(level, level)],
    )


# Placement: every level under every level, through the four doors.


@pytest.mark.parametrize(
    ("level", "parent_level"),
    [(level, parent_level) for level in LEVELS for parent_level in LEVELS],
    ids=lambda value: value,
)
def test_placement_follows_the_table_through_every_door(
    level, parent_level, tree, units, period, admin_client
):
    allowed = parent_level in EXPECTED[level][0]
    assert allowed == (parent_level in rules.parent_levels(level)), "the table differs from the model"
    owner = units[sorted(EXPECTED[level][1], key=KINDS.index)[0]]
    parent = tree["chain"][parent_level]
    expected = (True, []) if allowed else (False, [placement_message(level, parent_level)])

    assert through_service(parent=parent, level=level, owner=owner, period=period) == expected
    assert (
        through_admin_form(admin_client, parent=parent, level=level, owner=owner, period=period) == expected
    )
    column = "level" if not allowed else None
    assert through_import(import_row(parent=parent, level=level, owner=owner, period=period)) == (
        expected[0],
        [(column, message) for message in expected[1]],
    )
    if level == VISION:
        # A vision is never dragged anywhere: it is refused before its new place is looked at.
        dragged = through_drag_and_drop(admin_client, node=tree["chain"][VISION], target=parent)
        assert dragged == (False, ["A vision stays at the root of the tree and cannot be moved."])
    else:
        dragged = through_drag_and_drop(admin_client, node=tree["leaves"][level], target=parent)
        assert dragged == expected
        if allowed:
            assert Goal.objects.get_parent(Goal.objects.get(pk=tree["leaves"][level].pk)) == parent
    assert find_problems() == []


# Owners: every level owned by every kind of unit.


@pytest.mark.parametrize(
    ("level", "kind"), [(level, kind) for level in LEVELS for kind in KINDS], ids=lambda value: value
)
def test_owner_kind_follows_the_table_through_every_door(level, kind, tree, units, period, admin_client):
    allowed = kind in EXPECTED[level][1]
    assert allowed == (kind in rules.owner_kinds(level)), "the table differs from the model"
    owner = units[kind]
    parent = None if level == VISION else tree["chain"][sorted(EXPECTED[level][0], key=LEVELS.index)[0]]
    expected = (True, []) if allowed else (False, [owner_message(level, owner)])

    assert through_service(parent=parent, level=level, owner=owner, period=period) == expected
    assert (
        through_admin_form(admin_client, parent=parent, level=level, owner=owner, period=period) == expected
    )
    column = "owner_unit" if not allowed else None
    assert through_import(import_row(parent=parent, level=level, owner=owner, period=period)) == (
        expected[0],
        [(column, message) for message in expected[1]],
    )
    # Changing the owner of a stored goal is the fourth door for owners (nothing is dragged).
    stored = tree["chain"][VISION] if level == VISION else tree["leaves"][level]
    before = stored_state()
    try:
        services.goal_update(by=system_actor(), goal=stored, owner=owner)
    except ValidationError as error:
        assert (False, error.message_dict["owner"]) == expected
        assert stored_state() == before
    else:
        assert expected == (True, [])
        assert Goal.objects.get(pk=stored.pk).owner == owner
    assert find_problems() == []


def test_a_vision_needs_no_owner(db, period):
    assert through_service(parent=None, level=VISION, owner=None, period=period) == (True, [])
    assert through_import(import_row(parent=None, level=VISION, owner=None, period=period)) == (True, [])


# The depth limit.


@pytest.fixture
def shallow(tree, units, monkeypatch):
    """The limit lowered to four levels: the council goals (depth 3) still take committee
    goals (depth 4), which no longer take anything."""
    chain = tree["chain"]
    # A unit goal straight under the council goal sits at depth 4, within the lowered limit.
    company_goal = GoalFactory(
        parent=chain[COUNCIL],
        level=UNIT,
        owner=units["company"],
        period=chain[UNIT].period,
        title="Bolagsmål",
    )
    monkeypatch.setattr(rules, "MAX_DEPTH", 4)
    return {**tree, "company_goal": company_goal}


def too_deep_message(parent) -> str:
    return f"The tree goes at most 4 levels deep: “{parent.title}” cannot take sub-goals."


def test_the_depth_limit_is_refused_with_its_message_through_every_door(shallow, units, period, admin_client):
    committee_goal = shallow["chain"][COMMITTEE]
    assert committee_goal.depth == 4
    office = units["office"]
    expected = (False, [too_deep_message(committee_goal)])

    assert through_service(parent=committee_goal, level=UNIT, owner=office, period=period) == expected
    assert (
        through_admin_form(admin_client, parent=committee_goal, level=UNIT, owner=office, period=period)
        == expected
    )
    assert through_import(import_row(parent=committee_goal, level=UNIT, owner=office, period=period)) == (
        False,
        [("parent_external_id", too_deep_message(committee_goal))],
    )
    assert (
        through_drag_and_drop(admin_client, node=shallow["company_goal"], target=committee_goal) == expected
    )
    # Within the limit the same writes go through.
    council_goal = shallow["chain"][COUNCIL]
    assert through_service(parent=council_goal, level=UNIT, owner=office, period=period) == (True, [])


def test_an_import_nesting_its_own_new_goals_too_deep_is_refused(shallow, units, period):
    """The file's new goals are judged at the depth the file gives them, before any is written."""
    area = shallow["chain"][AREA]
    council_goal = import_row(parent=area, level=COUNCIL, owner=units["council"], period=period, line=2)
    council_goal.values["external_id"] = str(uuid.uuid4())
    committee_goal = import_row(parent=None, level=COMMITTEE, owner=units["committee"], period=period, line=3)
    committee_goal.values["parent_external_id"] = council_goal.values["external_id"]
    unit_goal = import_row(parent=None, level=UNIT, owner=units["office"], period=period, line=4)
    unit_goal.values["parent_external_id"] = committee_goal.values["external_id"]
    refused, errors = through_import(council_goal, committee_goal, unit_goal)
    assert refused is False
    assert errors == [
        (
            "parent_external_id",
            "The tree goes at most 4 levels deep: “Ny committee från fil” cannot take sub-goals.",
        )
    ]
    # Two levels are still within the limit.
    assert through_import(council_goal, committee_goal) == (True, [])


def test_a_branch_that_would_go_too_deep_is_refused(shallow, units, period, admin_client, monkeypatch):
    """A move checks the deepest goal of the branch, not only the goal moved."""
    monkeypatch.setattr(rules, "MAX_DEPTH", 5)
    company_goal = shallow["company_goal"]
    GoalFactory(parent=company_goal, level=ACTIVITY, owner=units["company"], period=period, title="Aktivitet")
    committee_goal = shallow["chain"][COMMITTEE]
    message = (
        "The tree goes at most 5 levels deep: the branch of “Bolagsmål” would go deeper under "
        f"“{committee_goal.title}”."
    )
    before = stored_state()
    with pytest.raises(ValidationError) as refusal:
        services.goal_move(by=system_actor(), goal=company_goal, target=committee_goal)
    assert refusal.value.messages == [message]
    assert stored_state() == before
    assert through_drag_and_drop(admin_client, node=company_goal, target=committee_goal) == (False, [message])
    # An import moving the stored goal there meets the same refusal (its move goes through goal_move).
    row = import_row(parent=committee_goal, level=UNIT, owner=units["company"], period=period)
    row.values.update(external_id=str(company_goal.external_id), title=company_goal.title)
    assert through_import(row) == (False, [("parent_external_id", message)])


# Who may do it.


def test_a_unit_goal_straight_under_the_vision_is_refused_even_for_an_administrator(
    tree, units, period, admin_user, admin_client
):
    vision = tree["chain"][VISION]
    expected = (False, [placement_message(UNIT, VISION)])
    assert expected[1] == [
        "A goal at the level “unit goal” cannot sit under one at the level “vision”: it belongs under “council goal” or “committee goal”."
    ]
    office = units["office"]
    assert through_service(parent=vision, level=UNIT, owner=office, period=period, by=admin_user) == expected
    assert (
        through_admin_form(admin_client, parent=vision, level=UNIT, owner=office, period=period) == expected
    )
    assert through_drag_and_drop(admin_client, node=tree["leaves"][UNIT], target=vision) == expected
    assert through_import(import_row(parent=vision, level=UNIT, owner=office, period=period)) == (
        False,
        [("level", expected[1][0])],
    )


@pytest.fixture
def office_editor(units):
    user = UserFactory(username="redaktor")
    membership_grant(by=system_actor(), user=user, unit=units["office"], role=UnitRole.EDITOR)
    return user


@pytest.mark.parametrize("level", [AREA, COUNCIL, COMMITTEE])
def test_an_office_editor_may_not_add_the_steering_levels(level, tree, units, period, office_editor):
    parent = tree["chain"][sorted(EXPECTED[level][0], key=LEVELS.index)[0]]
    before = stored_state()
    steering_unit = units[sorted(EXPECTED[level][1])[0]]
    for owner, message in (
        (
            units["office"],
            f"Your units may not own goals at the level “{label(level)}”: ask an administrator.",
        ),
        (steering_unit, f"You are not an editor of {steering_unit.name}: choose one of your own units."),
    ):
        with pytest.raises(NotAllowed) as refusal:
            services.goal_create(
                by=office_editor, parent=parent, title="Inte mitt", level=level, owner=owner, period=period
            )
        assert str(refusal.value) == message
    assert stored_state() == before


@pytest.mark.parametrize(
    ("level", "parent_level"), [(UNIT, COUNCIL), (UNIT, COMMITTEE), (ACTIVITY, COMMITTEE)]
)
def test_an_office_editor_adds_their_own_levels_under_the_steering_levels(
    level, parent_level, tree, units, period, office_editor
):
    goal = services.goal_create(
        by=office_editor,
        parent=tree["chain"][parent_level],
        title="Mitt mål",
        level=level,
        owner=units["office"],
        period=period,
    )
    assert Goal.objects.get_parent(goal) == tree["chain"][parent_level]


# check_tree and the table.


def test_a_goal_under_a_parent_level_the_table_does_not_allow_is_reported_and_not_fixed(tree):
    # A council goal turned into a committee goal where it stands, under a goal area,
    # still owned by the council: an older tree could hold one.
    Goal.objects.filter(pk=tree["leaves"][COUNCIL].pk).update(level=COMMITTEE)
    problems = find_problems()
    assert [(p.kind, p.goal_id) for p in problems] == [
        ("owner_kind", tree["leaves"][COUNCIL].pk),
        ("level_not_under_parent", tree["leaves"][COUNCIL].pk),
    ]
    (_owner, placed) = problems
    assert placed.detail == "level committee under level area; the table allows it under council"
    assert not placed.fixable
    assert tree_repair(problems=problems, by=system_actor()) == 0
    with pytest.raises(CommandError):
        call_command("check_tree", "--fix")
    assert Goal.objects.get(pk=tree["leaves"][COUNCIL].pk).level == COMMITTEE


def test_an_owner_of_a_kind_the_table_does_not_allow_is_reported(tree, units):
    area = tree["leaves"][AREA]
    Goal.objects.filter(pk=area.pk).update(owner=units["office"])
    problems = find_problems()
    assert [(p.kind, p.goal_id, p.detail) for p in problems] == [
        ("owner_kind", area.pk, "level area owned by a unit of kind office; the table allows council")
    ]
    assert not problems[0].fixable


def test_every_level_placed_as_the_table_allows_is_sound(tree):
    assert find_problems() == []
    call_command("check_tree")


def test_rows_break_the_table_by_kind():
    rows = [
        (1, "0001", 1, 1, "vision", "active", "council"),
        (2, "00010001", 2, 1, "area", "active", "office"),
        (3, "000100010001", 3, 1, "unit", "active", "office"),
        (4, "0001000100010001", 4, 0, "vision", "active", None),
        (5, "0002", 1, 0, "strategy", "active", None),
    ]
    found = {(p.kind, p.goal_id) for p in find_problems(rows)}
    assert found == {
        ("owner_kind", 2),
        ("level_not_under_parent", 3),
        ("level_not_under_parent", 4),
        ("unknown_level", 5),
        ("root_not_vision", 5),
    }
    assert all(kind in TABLE_KINDS for kind, _goal in found if kind != "root_not_vision")


def test_a_tree_deeper_than_the_limit_is_reported_goal_by_goal(tree):
    chain = tree["chain"]
    depth_before = chain[ACTIVITY].depth
    parent = chain[ACTIVITY]
    # As an older database could hold them: activities nested far below the limit,
    # written with treebeard's own manager API because no service allows them.
    for index in range(rules.MAX_DEPTH + 3 - depth_before):
        parent = Goal.objects.add_child(
            parent,
            instance=Goal(
                title=f"Aktivitet {index}",
                level=ACTIVITY,
                owner=chain[ACTIVITY].owner,
                period=chain[ACTIVITY].period,
            ),
        )
    problems = find_problems()
    too_deep = [p for p in problems if p.kind == "too_deep"]
    assert [len(p.path) // 4 for p in too_deep] == [
        rules.MAX_DEPTH + 1,
        rules.MAX_DEPTH + 2,
        rules.MAX_DEPTH + 3,
    ]
    assert too_deep[0].detail == f"depth {rules.MAX_DEPTH + 1}, the limit is {rules.MAX_DEPTH}"
    assert {p.kind for p in problems} == {"too_deep", "level_not_under_parent"}


def test_check_tree_reports_a_legacy_chain_of_sixty_activities_in_bounded_lines(tree, capsys):
    parent = tree["chain"][ACTIVITY]
    # Sixty activities under each other, each written as treebeard would (a legacy import).
    goals = []
    for index in range(60 - parent.depth):
        path = parent.path + Goal._get_path(None, 1, 1)
        goal = Goal(
            title=f"Aktivitet {index}",
            level=ACTIVITY,
            owner=parent.owner,
            period=parent.period,
            path=path,
            depth=len(path) // 4,
            numchild=1,
        )
        goals.append(goal)
        parent = goal
    goals[-1].numchild = 0
    Goal.objects.bulk_create(goals)
    Goal.objects.filter(pk=tree["chain"][ACTIVITY].pk).update(numchild=1)
    problems = find_problems()
    assert len([p for p in problems if p.kind == "level_not_under_parent"]) == len(goals)
    assert len([p for p in problems if p.kind == "too_deep"]) == 60 - rules.MAX_DEPTH

    with pytest.raises(CommandError) as error:
        call_command("check_tree")
    assert error.value.returncode == 1
    assert f"{len(problems)} tree problems found" in str(error.value)
    lines = capsys.readouterr().out.splitlines()
    problem_lines = [
        line for line in lines if line.startswith(("too_deep: goal", "level_not_under_parent: goal"))
    ]
    assert len(problem_lines) == 50
    assert all(len(line) < 200 for line in problem_lines), "one short line per goal, whatever its depth"
    assert f"… and {len(problems) - 50} more." in lines
    assert f"level_not_under_parent: {len(goals)}" in lines
    assert f"too_deep: {60 - rules.MAX_DEPTH}" in lines
    assert any("need a person" in line for line in lines)
