"""The goal admin for unit editors: only their units' goals, only valid parents, every crafted POST refused."""

import pytest
from django.urls import reverse

from goals import services
from goals.models import Goal, GoalLink, GoalStatus
from goals.tree_check import find_problems
from tests.factories import GoalFactory, UserFactory
from tests.goals.admin.support import parents_offered
from vision.actors import system_actor
from vision.models import UnitMembership, UnitRole
from vision.services import membership_grant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


CHANGELIST = reverse("admin:goals_goal_changelist")
ADD = reverse("admin:goals_goal_add")


def change_url(goal):
    return reverse("admin:goals_goal_change", args=[goal.pk])


@pytest.fixture
def tree(tree, small_tree, period, next_period, office, council):
    """The admin tests' tree with a retired goal, an activity and the next period's goals."""
    retired = GoalFactory(
        parent=small_tree["council"], level="unit", owner=office, period=period, title="Gammalt mål"
    )
    services.goal_retire(by=system_actor(), goal=retired)
    later_area = GoalFactory(
        parent=small_tree["vision"], level="area", owner=council, period=next_period, title="Nästa period"
    )
    later_council = GoalFactory(
        parent=later_area, level="council", owner=council, period=next_period, title="Nästa periods mål"
    )
    activity = GoalFactory(
        parent=small_tree["first"], level="activity", owner=office, period=period, title="Aktivitet"
    )
    return {
        **tree,
        "retired": retired,
        "later_area": later_area,
        "later_council": later_council,
        "activity": activity,
    }


def form_data(goal, **changes):
    """The change form's fields as the browser would send them, unchanged unless told."""
    parent = Goal.objects.get_parent(goal)
    data = {
        "title": goal.title,
        "description": goal.description,
        "level": goal.level,
        "status": goal.status,
        "owner": goal.owner_id or "",
        "loaded_version": goal.version,
        "period": goal.period_id or "",
        "until_period": goal.until_period_id or "",
        "decided_by": goal.decided_by,
        "decided_on": "",
        "case_number": goal.case_number,
        "treebeard_position": "last-child",
        "treebeard_ref_node": parent.pk if parent else "",
        "outgoing_links-TOTAL_FORMS": "0",
        "outgoing_links-INITIAL_FORMS": "0",
        "outgoing_links-MIN_NUM_FORMS": "0",
        "outgoing_links-MAX_NUM_FORMS": "1000",
    }
    if goal.needs_relinking:
        data["needs_relinking"] = "on"
    data.update(changes)
    return data


def errors_of(response) -> str:
    form = response.context["adminform"].form
    inline_errors = [
        str(e) for formset in response.context["inline_admin_formsets"] for e in formset.formset.errors
    ]
    return " ".join(str(e) for e in form.non_field_errors()) + str(form.errors) + " ".join(inline_errors)


def tree_state():
    return list(Goal.objects.order_by("pk").values_list("pk", "path", "owner_id", "period_id", "numchild"))


def test_an_editor_granted_by_the_grant_service_gets_into_the_goal_admin(editor):
    """vision.services.membership_grant (the grant command) gives what this admin asks of an editor."""
    fresh = type(editor).objects.get(pk=editor.pk)
    assert fresh.is_staff
    assert fresh.has_perms(["goals.change_goal", "goals.add_goallink"])
    assert not fresh.has_perm("vision.change_unit")


def test_editor_sees_only_their_units_goals(editor_client, tree):
    response = editor_client.get(CHANGELIST)
    titles = {goal.title for goal in response.context["cl"].result_list}
    assert titles == {"Solpaneler på skolor", "Cykelbara skolvägar", "Gammalt mål", "Aktivitet"}


def test_superuser_sees_every_goal(admin_client, tree, period):
    response = admin_client.get(CHANGELIST + f"?valid_in={period.pk}&level__exact=unit")
    assert {goal.period_id for goal in response.context["cl"].result_list} == {period.pk}
    response = admin_client.get(CHANGELIST + f"?period__id__exact={period.pk}")
    assert len(response.context["cl"].result_list) == Goal.objects.filter(period=period).count() == 8


def test_other_units_goal_cannot_be_opened_or_changed(editor_client, tree):
    """Another unit's goal is out of reach: not shown, and a crafted POST changes nothing."""
    before = tree_state()
    response = editor_client.get(change_url(tree["foreign"]))
    assert response.status_code == 302 and response.url == reverse("admin:goals_goal_changelist")
    response = editor_client.post(change_url(tree["foreign"]), form_data(tree["foreign"], title="Kapat"))
    assert response.status_code == 302
    assert Goal.objects.get(pk=tree["foreign"].pk).title == "Annat kontors mål"
    assert tree_state() == before


def test_parents_offered_are_valid_goals_of_the_same_period(editor_client, tree):
    """Offered: the steering goals above and the unit's own goals at the levels an activity may sit under;
    not another office's, retired, later or other levels."""
    goal = tree["activity"]
    offered = " ".join(
        parents_offered(editor_client, goal=goal.pk, level=goal.level, period=goal.period_id).values()
    )
    assert "Nämndmål" in offered
    assert "Solpaneler på skolor" in offered and "Cykelbara skolvägar" in offered
    assert "En klimatsmart kommun" not in offered  # an activity sits under a unit or committee goal
    assert "Annat kontors mål" not in offered  # another unit's branch
    assert "Gammalt mål" not in offered  # retired
    assert "Nästa period" not in offered  # another period
    assert "Aktivitet" not in offered  # itself, and activities take no children


def test_unit_goal_is_offered_only_the_levels_it_may_sit_under(editor_client, tree):
    goal = tree["first"]
    offered = " ".join(
        parents_offered(editor_client, goal=goal.pk, level=goal.level, period=goal.period_id).values()
    )
    assert "En klimatsmart kommun" in offered and "Nämndmål" in offered
    assert "Cykelbara skolvägar" not in offered  # its own unit, but a unit goal never sits under a unit goal
    assert "Solpaneler på skolor" not in offered  # itself


@pytest.mark.parametrize(
    ("goal_key", "target", "message"),
    [
        ("activity", "foreign", "belongs to Vård- och omsorgskontoret"),
        ("activity", "retired", "cannot sit under the retired goal"),
        ("first", "later_council", "is valid in 2027–2030, but this goal in 2023–2026"),
        (
            "second",
            "activity",
            "A goal at the level “unit goal” cannot sit under one at the level “activity”",
        ),
    ],
)
def test_crafted_parent_is_refused_with_a_reason(editor_client, tree, goal_key, target, message):
    """A POST naming a parent outside the offered ones is refused with its reason; the tree is untouched."""
    goal = tree[goal_key]
    before = tree_state()
    response = editor_client.post(change_url(goal), form_data(goal, treebeard_ref_node=tree[target].pk))
    assert response.status_code == 200
    assert message in errors_of(response)
    assert tree_state() == before
    assert find_problems() == []


def test_crafted_move_to_the_root_is_refused(editor_client, tree):
    before = tree_state()
    response = editor_client.post(change_url(tree["first"]), form_data(tree["first"], treebeard_ref_node=""))
    assert response.status_code == 200
    assert "Only a vision can stand at the root" in errors_of(
        response
    ) or "Only an administrator" in errors_of(response)
    assert tree_state() == before


def test_crafted_owner_of_another_unit_is_refused(editor_client, tree, other_office):
    before = tree_state()
    response = editor_client.post(change_url(tree["first"]), form_data(tree["first"], owner=other_office.pk))
    assert response.status_code == 200
    assert "You are not an editor of that unit" in errors_of(response)
    assert tree_state() == before


def test_crafted_new_goal_in_another_units_branch_is_refused(editor_client, tree, office, period):
    count = Goal.objects.count()
    data = form_data(
        tree["first"], title="Nytt", level="activity", owner=office.pk, treebeard_ref_node=tree["foreign"].pk
    )
    data.pop("loaded_version")
    response = editor_client.post(ADD + f"?period={period.pk}", data)
    assert response.status_code == 200
    assert "belongs to Vård- och omsorgskontoret" in errors_of(response)
    assert Goal.objects.count() == count


def test_editor_can_move_their_goal_to_an_offered_parent(editor_client, tree):
    """The allowed case works, so the refusals above are about the target and not the form."""
    response = editor_client.post(
        change_url(tree["first"]), form_data(tree["first"], treebeard_ref_node=tree["committee"].pk)
    )
    assert response.status_code == 302, errors_of(response)
    assert Goal.objects.get_parent(Goal.objects.get(pk=tree["first"].pk)) == tree["committee"]
    assert find_problems() == []


def test_editor_can_add_a_goal_under_a_steering_goal(editor_client, tree, office, period):
    data = form_data(
        tree["first"], title="Nytt mål", owner=office.pk, treebeard_ref_node=tree["committee"].pk
    )
    data.pop("loaded_version")
    response = editor_client.post(ADD + f"?period={period.pk}", data)
    assert response.status_code == 302, errors_of(response)
    new = Goal.objects.get(title="Nytt mål")
    assert Goal.objects.get_parent(new) == tree["committee"] and new.owner == office
    assert find_problems() == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("retired", "is retired"),
        ("later_area", "links stay within one period"),
        ("activity", "sits at a lower level"),
    ],
)
def test_crafted_contribution_link_is_refused(editor_client, tree, target, message):
    goal = tree["second"]
    data = form_data(
        goal,
        **{
            "outgoing_links-TOTAL_FORMS": "1",
            "outgoing_links-0-target": tree[target].pk,
            "outgoing_links-0-source": goal.pk,
        },
    )
    response = editor_client.post(change_url(goal), data)
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not GoalLink.objects.exists()


def test_contribution_link_to_another_units_goal_of_the_period_is_accepted(editor_client, tree):
    goal = tree["second"]
    data = form_data(
        goal,
        **{
            "outgoing_links-TOTAL_FORMS": "1",
            "outgoing_links-0-target": tree["committee"].pk,
            "outgoing_links-0-source": goal.pk,
        },
    )
    response = editor_client.post(change_url(goal), data)
    assert response.status_code == 302, errors_of(response)
    assert GoalLink.objects.filter(source=goal, target=tree["committee"]).exists()


def test_link_target_search_reaches_other_units_goals(editor_client, tree):
    response = editor_client.get(reverse("admin:goals_goal_link_targets"), {"term": "Nämnd"})
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [
        "Nämndmål (committee goal, 2023–2026, Utbildningsnämnden)"
    ]


def test_drag_and_drop_into_another_units_branch_is_refused(editor_client, tree):
    before = tree_state()
    response = editor_client.post(
        reverse("admin:goals_goal_changelist") + "move/",
        {"node": tree["activity"].pk, "target": tree["foreign"].pk, "relation": "child"},
    )
    assert response.status_code == 400
    assert tree_state() == before


def test_drag_and_drop_of_another_units_goal_is_refused(editor_client, tree):
    before = tree_state()
    response = editor_client.post(
        reverse("admin:goals_goal_changelist") + "move/",
        {"node": tree["foreign"].pk, "target": tree["committee"].pk, "relation": "child"},
    )
    assert response.status_code == 403
    assert tree_state() == before


def test_retiring_a_branch_with_other_units_goals_is_refused(client, tree, committee):
    """A committee editor may not retire a committee goal that carries another unit's goals."""
    user = UserFactory(username="namndredaktor")
    membership_grant(by=system_actor(), user=user, unit=committee, role=UnitRole.EDITOR)
    GoalFactory(
        parent=tree["committee"], level="unit", owner=tree["foreign"].owner, period=tree["committee"].period
    )
    client.force_login(user)
    response = client.post(
        CHANGELIST, {"action": "retire_selected", "_selected_action": [tree["committee"].pk]}, follow=True
    )
    assert "sub-goals of units you do not edit" in response.content.decode()
    assert not Goal.objects.retired().filter(pk=tree["committee"].pk).exists()


def test_editor_retires_their_own_goal(editor_client, tree):
    editor_client.post(CHANGELIST, {"action": "retire_selected", "_selected_action": [tree["first"].pk]})
    assert Goal.objects.get(pk=tree["first"].pk).status == GoalStatus.RETIRED
    assert Goal.objects.get(pk=tree["activity"].pk).status == GoalStatus.RETIRED


def test_crafted_retire_of_another_units_goal_does_nothing(editor_client, tree):
    editor_client.post(CHANGELIST, {"action": "retire_selected", "_selected_action": [tree["foreign"].pk]})
    assert Goal.objects.get(pk=tree["foreign"].pk).status == GoalStatus.ACTIVE


def test_free_standing_link_admin_is_for_administrators_only(client, editor, admin_user, tree):
    client.force_login(editor)
    assert client.get(reverse("admin:goals_goallink_changelist")).status_code == 403
    client.force_login(admin_user)
    assert client.get(reverse("admin:goals_goallink_changelist")).status_code == 200


def test_viewer_membership_gives_no_goal_admin(client, tree, office):
    user = UserFactory(username="lasare", is_staff=True)
    UnitMembership.objects.create(user=user, unit=office, role=UnitRole.VIEWER)
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 403


def test_editor_goal_lists_stay_within_a_fixed_number_of_queries(
    editor_client, tree, office, period, django_assert_max_num_queries
):
    """The change list costs the same at two sizes of the editor's goals."""
    with django_assert_max_num_queries(10):
        editor_client.get(CHANGELIST)
    for n in range(30):
        GoalFactory(parent=tree["council"], level="unit", owner=office, period=period, title=f"Extra {n}")
    with django_assert_max_num_queries(10):
        editor_client.get(CHANGELIST)


def test_goal_placed_by_an_administrator_elsewhere_can_still_be_saved(editor_client, tree, office):
    """An editor's goal under another unit's goal keeps its place when the editor changes its title."""
    services.goal_move(
        by=system_actor(), goal=tree["activity"], target=tree["foreign"], position="last-child"
    )
    goal = Goal.objects.get(pk=tree["activity"].pk)
    form = editor_client.get(change_url(goal)).context["adminform"].form
    assert form["treebeard_ref_node"].value() == tree["foreign"].pk
    assert tree["foreign"].title in str(form["treebeard_ref_node"])
    response = editor_client.post(change_url(goal), form_data(goal, title="Ny rubrik"))
    assert response.status_code == 302, errors_of(response)
    goal.refresh_from_db()
    assert goal.title == "Ny rubrik" and Goal.objects.get_parent(goal) == tree["foreign"]
