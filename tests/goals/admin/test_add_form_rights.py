"""The goal admin's forms and actions offer and write only what the user may: levels, owners, parents."""

import pytest
from django.test import Client
from django.urls import reverse

from goals import services
from goals.models import Goal, GoalLevel
from tests.factories import GoalFactory, UserFactory
from tests.goals.admin.support import parents_offered
from tests.goals.stored import stored_state
from vision.actors import NotAllowed, system_actor
from vision.models import UnitRole
from vision.services import membership_grant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

ADD = reverse("admin:goals_goal_add")
CHANGELIST = reverse("admin:goals_goal_changelist")
MOVE = CHANGELIST + "move/"


@pytest.fixture
def committee_editor_client(committee):
    user = UserFactory(username="namndredaktor")
    membership_grant(by=system_actor(), user=user, unit=committee, role=UnitRole.EDITOR)
    client = Client()
    client.force_login(user)
    return client


def add_form(**fields) -> dict:
    data = {
        "title": "Nytt mål",
        "description": "",
        "level": GoalLevel.UNIT,
        "status": "active",
        "owner": "",
        "period": "",
        "until_period": "",
        "decided_by": "",
        "decided_on": "",
        "case_number": "",
        "treebeard_position": "last-child",
        "treebeard_ref_node": "",
        "outgoing_links-TOTAL_FORMS": "0",
        "outgoing_links-INITIAL_FORMS": "0",
        "outgoing_links-MIN_NUM_FORMS": "0",
        "outgoing_links-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return data


def change_form(goal, **fields) -> dict:
    values = {
        "title": goal.title,
        "level": goal.level,
        "owner": goal.owner_id,
        "period": goal.period_id,
        "loaded_version": goal.version,
        "treebeard_ref_node": Goal.objects.get_parent(goal).pk,
    }
    return add_form(**{**values, **fields})


def offered(response, name) -> set:
    return {str(value) for value, _label in response.context["adminform"].form.fields[name].choices if value}


def all_errors(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def test_office_editor_is_offered_only_their_levels_owners_and_parents(editor_client, tree, office):
    response = editor_client.get(ADD)
    assert response.status_code == 200
    assert offered(response, "level") == {GoalLevel.UNIT, GoalLevel.ACTIVITY}
    assert offered(response, "owner") == {str(office.pk)}
    # Unit goals go under council or committee goals, activities under unit goals (their own).
    assert set(parents_offered(editor_client)) == {
        str(tree[name].pk) for name in ("council", "committee", "first", "second")
    }
    # The position is not a choice for an editor: always a child of the parent chosen.
    assert response.context["adminform"].form.fields["treebeard_position"].widget.is_hidden


def test_committee_editor_is_offered_committee_levels(committee_editor_client, tree):
    response = committee_editor_client.get(ADD)
    assert offered(response, "level") == {GoalLevel.COMMITTEE, GoalLevel.ACTIVITY}
    parents = parents_offered(committee_editor_client)
    assert str(tree["vision"].pk) not in parents
    assert str(tree["foreign"].pk) not in parents


def test_administrator_is_offered_every_level(admin_client, tree):
    response = admin_client.get(ADD)
    assert offered(response, "level") == set(GoalLevel.values)


@pytest.mark.parametrize(
    ("crafted", "message"),
    [
        (lambda w: {"level": GoalLevel.AREA}, "Your units may not own goals at that level"),
        (lambda w: {"owner": w["other_office"].pk}, "You are not an editor of that unit"),
        (
            lambda w: {"level": GoalLevel.ACTIVITY, "treebeard_ref_node": w["foreign"].pk},
            "belongs to Vård- och omsorgskontoret",
        ),
        (
            lambda w: {"treebeard_ref_node": w["vision"].pk},
            "A goal at the level “unit goal” cannot sit under one at the level “vision”",
        ),
        (lambda w: {"treebeard_ref_node": ""}, "Only a vision can stand at the root"),
    ],
)
def test_crafted_add_by_an_editor_is_refused(
    editor_client, tree, office, other_office, period, crafted, message
):
    values = {"owner": office.pk, "period": period.pk, "treebeard_ref_node": tree["council"].pk}
    values.update(crafted({**tree, "other_office": other_office}))
    before = stored_state()
    response = editor_client.post(ADD, add_form(**values))
    assert response.status_code == 200
    assert message in all_errors(response)
    assert stored_state() == before


def test_editor_adds_a_goal_as_themselves(editor_client, editor, tree, office, period):
    response = editor_client.post(
        ADD, add_form(owner=office.pk, period=period.pk, treebeard_ref_node=tree["committee"].pk)
    )
    assert response.status_code == 302
    goal = Goal.objects.get(title="Nytt mål")
    assert Goal.objects.get_parent(goal) == tree["committee"]
    assert goal.history.get().history_user == editor


def test_administrators_form_refuses_a_unit_goal_under_the_vision_beside_the_parent(
    admin_client, tree, office, period
):
    before = stored_state()
    response = admin_client.post(
        ADD,
        add_form(
            owner=office.pk,
            period=period.pk,
            treebeard_position="first-child",
            treebeard_ref_node=tree["vision"].pk,
        ),
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["treebeard_ref_node"] == [
        "A goal at the level “unit goal” cannot sit under one at the level “vision”: it belongs under “council goal” or “committee goal”."
    ]
    assert stored_state() == before


def test_editor_change_saved_as_themselves(editor_client, editor, tree):
    goal = tree["first"]
    response = editor_client.post(
        reverse("admin:goals_goal_change", args=[goal.pk]), change_form(goal, title="Nytt namn")
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Nytt namn"
    assert goal.history.latest("history_id").history_user == editor


def test_editor_may_not_change_their_goal_to_a_level_they_cannot_own(editor_client, tree):
    goal = tree["first"]
    before = stored_state()
    response = editor_client.post(
        reverse("admin:goals_goal_change", args=[goal.pk]), change_form(goal, level=GoalLevel.COMMITTEE)
    )
    assert response.status_code == 200
    assert "Your units may not own goals at that level" in all_errors(response)
    assert stored_state() == before


def test_a_refusal_when_saving_the_form_becomes_a_message(editor_client, tree, monkeypatch):
    """Should the service refuse after the form passed, the user sees why; nothing is written."""

    def refuse(**kwargs):
        raise NotAllowed("Your right was withdrawn meanwhile.")

    monkeypatch.setattr(services, "goal_update", refuse)
    goal = tree["first"]
    before = stored_state()
    response = editor_client.post(
        reverse("admin:goals_goal_change", args=[goal.pk]), change_form(goal, title="Nytt namn"), follow=True
    )
    assert response.status_code == 200
    assert "Your right was withdrawn meanwhile." in [str(m) for m in response.context["messages"]]
    assert stored_state() == before


def test_retire_action_refusal_is_a_message(committee_editor_client, tree, office, period):
    """A committee goal carrying another unit's goal: the committee editor may not retire the branch."""
    GoalFactory(parent=tree["committee"], level="unit", owner=office, period=period)
    before = stored_state()
    response = committee_editor_client.post(
        CHANGELIST, {"action": "retire_selected", "_selected_action": [tree["committee"].pk]}, follow=True
    )
    assert response.status_code == 200
    assert any("ask an administrator to retire it" in str(m) for m in response.context["messages"])
    assert stored_state() == before


def test_retire_action_ignores_another_units_goal(editor_client, tree):
    before = stored_state()
    response = editor_client.post(
        CHANGELIST, {"action": "retire_selected", "_selected_action": [tree["foreign"].pk]}
    )
    assert response.status_code in {200, 302}
    assert stored_state() == before


def test_drag_and_drop_refusals_are_messages_not_errors(editor_client, tree):
    before = stored_state()
    response = editor_client.post(
        MOVE, {"node": tree["first"].pk, "target": tree["foreign"].pk, "relation": "child"}
    )
    assert response.status_code == 400
    assert "belongs to Vård- och omsorgskontoret" in response.text
    response = editor_client.post(
        MOVE, {"node": tree["foreign"].pk, "target": tree["committee"].pk, "relation": "child"}
    )
    assert response.status_code == 403
    response = editor_client.post(MOVE, {"node": tree["first"].pk, "target": 999999, "relation": "child"})
    assert response.status_code == 400
    assert stored_state() == before


def test_editor_moves_their_goal_by_drag_and_drop(editor_client, editor, tree):
    response = editor_client.post(
        MOVE, {"node": tree["first"].pk, "target": tree["committee"].pk, "relation": "child"}
    )
    assert response.status_code == 200
    moved = Goal.objects.get(pk=tree["first"].pk)
    assert Goal.objects.get_parent(moved) == tree["committee"]
    assert moved.history.latest("history_id").history_user == editor


def test_delete_refusal_is_a_message(editor_client, tree):
    goal = tree["first"]
    services.goal_link_add(by=system_actor(), source=goal, target=tree["committee"])
    before = stored_state()
    response = editor_client.post(
        reverse("admin:goals_goal_delete", args=[goal.pk]), {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert any("has contribution links" in str(m) for m in response.context["messages"])
    assert stored_state() == before


def test_another_units_goal_cannot_be_deleted(editor_client, tree):
    before = stored_state()
    response = editor_client.post(
        reverse("admin:goals_goal_delete", args=[tree["foreign"].pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and response.url == reverse("admin:goals_goal_changelist")
    assert stored_state() == before


def test_carry_over_and_import_are_refused_to_editors(editor_client, tree, period, next_period):
    before = stored_state()
    response = editor_client.post(
        reverse("admin:goals_goal_carry_over"),
        {"source": period.pk, "target": next_period.pk, "confirm": "1"},
    )
    assert response.status_code == 403
    assert editor_client.post(reverse("admin:goals_goal_import")).status_code == 403
    assert stored_state() == before


def test_administrator_carries_over_as_themselves(admin_client, admin_user, tree, period, next_period):
    response = admin_client.post(
        reverse("admin:goals_goal_carry_over"),
        {"source": period.pk, "target": next_period.pk, "confirm": "1"},
    )
    assert response.status_code == 302
    carried = Goal.objects.filter(period=next_period)
    assert carried.exists()
    assert {goal.history.get().history_user for goal in carried} == {admin_user}
