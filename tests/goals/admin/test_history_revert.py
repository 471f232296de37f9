"""Reverting goals and links from their admin history: rights on the goal as it is now, writes through the services."""

import pytest
from django.test import Client
from django.urls import reverse

from goals import services
from goals.models import Goal, GoalLink, GoalStatus
from tests.factories import GoalFactory, UserFactory
from tests.goals.stored import stored_state
from vision.actors import system_actor
from vision.models import UnitRole
from vision.services import membership_grant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def record_url(goal_id, record) -> str:
    return reverse("admin:goals_goal_simple_history", args=[goal_id, record.history_id])


def history_url(goal) -> str:
    return reverse("admin:goals_goal_history", args=[goal.pk])


def simple_history_form(goal_record) -> dict:
    """What simple-history's own revert form would post for a goal record."""
    return {
        "title": goal_record.title,
        "description": goal_record.description,
        "level": goal_record.level,
        "status": goal_record.status,
        "owner": goal_record.owner_id or "",
        "period": goal_record.period_id or "",
        "until_period": "",
        "decided_by": "",
        "decided_on": "",
        "case_number": "",
        "treebeard_position": "last-child",
        "treebeard_ref_node": "",
        "_save": "Revert",
    }


@pytest.fixture
def other_editor(db, other_office):
    user = UserFactory(username="annan-redaktor")
    membership_grant(by=system_actor(), user=user, unit=other_office, role=UnitRole.EDITOR)
    return user


@pytest.fixture
def other_editor_client(other_editor):
    client = Client()
    client.force_login(other_editor)
    return client


@pytest.fixture
def moved(small_tree, office, other_office, period):
    """A unit goal that belonged to the other office and was handed to the office by an administrator."""
    goal = GoalFactory(
        parent=small_tree["council"],
        level="unit",
        owner=other_office,
        period=period,
        title="Trygga gångvägar",
    )
    record_then = goal.history.get()
    goal = services.goal_update(by=system_actor(), goal=goal, owner=office, title="Trygga skolvägar")
    return goal, record_then


def test_editor_of_the_former_owner_cannot_open_or_post_an_old_record(other_editor_client, moved):
    """The record was made while the goal was theirs; the goal is another unit's now: 403, nothing written."""
    goal, record_then = moved
    before = stored_state()
    assert other_editor_client.get(record_url(goal.pk, record_then)).status_code == 403
    response = other_editor_client.post(record_url(goal.pk, record_then), {"loaded_version": goal.version})
    assert response.status_code == 403
    response = other_editor_client.post(record_url(goal.pk, record_then), simple_history_form(record_then))
    assert response.status_code == 403
    assert other_editor_client.get(history_url(goal)).status_code == 403
    assert stored_state() == before
    goal.refresh_from_db()
    assert goal.owner.slug == "utbildningskontoret" and goal.title == "Trygga skolvägar"


def test_editor_of_the_owner_now_may_not_revert_to_another_units_ownership(editor_client, moved):
    """Reverting would hand the goal back to a unit the editor does not edit: the page says so, a POST writes nothing."""
    goal, record_then = moved
    before = stored_state()
    response = editor_client.get(record_url(goal.pk, record_then))
    assert response.status_code == 200
    assert "You are not an editor of Vård- och omsorgskontoret" in response.text
    assert "Revert to this version" not in response.text
    owner_row = next(row for row in response.context["rows"] if row["label"] == "owner unit")
    assert (owner_row["then"], owner_row["now"]) == ("Vård- och omsorgskontoret", "Utbildningskontoret")
    response = editor_client.post(record_url(goal.pk, record_then), {"loaded_version": goal.version})
    assert response.status_code == 200
    assert response.context["error"].startswith("You are not an editor of Vård- och omsorgskontoret")
    assert stored_state() == before


def test_administrator_reverts_fields_through_the_service(admin_client, admin_user, moved):
    goal, record_then = moved
    rows = goal.history.count()
    response = admin_client.post(record_url(goal.pk, record_then), {"loaded_version": goal.version})
    assert response.status_code == 302 and response.url == history_url(goal)
    reverted = Goal.objects.get(pk=goal.pk)
    assert reverted.title == "Trygga gångvägar"
    assert reverted.owner.slug == "vard-och-omsorgskontoret"
    assert reverted.version == goal.version + 1
    assert goal.history.count() == rows + 1
    assert goal.history.latest("history_id").history_user == admin_user


def test_editor_reverts_their_own_goal(editor_client, editor, small_tree):
    goal = small_tree["first"]
    record_then = goal.history.get()
    changed = services.goal_update(by=editor, goal=goal, title="Solceller på alla skolor", description="Ny")
    response = editor_client.get(record_url(goal.pk, record_then))
    assert response.status_code == 200
    assert "Revert to this version" in response.text
    response = editor_client.post(record_url(goal.pk, record_then), {"loaded_version": changed.version})
    assert response.status_code == 302
    reverted = Goal.objects.get(pk=goal.pk)
    assert (reverted.title, reverted.description) == ("Solpaneler på skolor", "")
    assert reverted.version == changed.version + 1
    latest = goal.history.latest("history_id")
    assert latest.history_user == editor and latest.title == "Solpaneler på skolor"


def test_revert_keeps_the_place_in_the_tree_and_says_so(admin_client, small_tree, committee, period):
    goal = small_tree["first"]
    committee_goal = GoalFactory(
        parent=small_tree["council"], level="committee", owner=committee, period=period, title="Nämndmål"
    )
    record_then = goal.history.get()
    goal = services.goal_move(by=system_actor(), goal=goal, target=committee_goal)
    goal = services.goal_update(by=system_actor(), goal=goal, title="Flyttat och omdöpt")
    response = admin_client.get(record_url(goal.pk, record_then))
    assert "Its place in the tree stays as it is now" in response.text
    admin_client.post(record_url(goal.pk, record_then), {"loaded_version": goal.version})
    reverted = Goal.objects.get(pk=goal.pk)
    assert reverted.title == "Solpaneler på skolor"
    assert reverted.path == goal.path
    assert Goal.objects.get_parent(reverted) == committee_goal


def test_revert_over_a_newer_save_is_refused(admin_client, moved):
    goal, record_then = moved
    services.goal_update(by=system_actor(), goal=goal, description="Sparat under tiden")
    before = stored_state()
    response = admin_client.post(record_url(goal.pk, record_then), {"loaded_version": goal.version})
    assert response.status_code == 200
    assert "Someone else saved this goal" in response.context["error"]
    assert stored_state() == before


def test_revert_refused_by_the_rules_writes_nothing(admin_client, small_tree, office, period):
    """Back to "retired" while it has an active sub-goal: the rule's message, no change."""
    goal = GoalFactory(parent=small_tree["council"], level="unit", owner=office, period=period, title="Mål")
    goal = services.goal_update(by=system_actor(), goal=goal, status=GoalStatus.RETIRED)
    record_retired = goal.history.latest("history_id")
    goal = services.goal_update(by=system_actor(), goal=goal, status=GoalStatus.ACTIVE)
    GoalFactory(parent=goal, level="activity", owner=office, period=period)
    goal.refresh_from_db()
    before = stored_state()
    response = admin_client.post(record_url(goal.pk, record_retired), {"loaded_version": goal.version})
    assert response.status_code == 200
    assert "retire the whole branch instead" in response.context["error"]
    assert stored_state() == before


def test_crafted_post_without_the_version_writes_nothing(admin_client, moved):
    goal, record_then = moved
    before = stored_state()
    response = admin_client.post(record_url(goal.pk, record_then), simple_history_form(record_then))
    assert response.status_code == 200
    assert response.context["error"]
    assert stored_state() == before


def test_a_record_equal_to_the_goal_now_reverts_nothing(admin_client, moved):
    goal, _record_then = moved
    latest = goal.history.latest("history_id")
    before = stored_state()
    response = admin_client.post(record_url(goal.pk, latest), {"loaded_version": goal.version})
    assert response.status_code == 302
    assert stored_state() == before


def test_a_deleted_goal_is_not_brought_back(admin_client, small_tree):
    goal = small_tree["second"]
    record_then = goal.history.get()
    services.goal_delete(by=system_actor(), goal=goal)
    before = stored_state()
    response = admin_client.get(record_url(goal.pk, record_then))
    assert response.status_code == 200
    assert "a deleted goal cannot be brought back" in response.text
    response = admin_client.post(record_url(goal.pk, record_then), {"loaded_version": 1})
    assert response.status_code == 200
    assert stored_state() == before
    assert not Goal.objects.filter(pk=goal.pk).exists()


@pytest.mark.parametrize("role", ["other_editor", "editor", "admin"])
def test_no_history_page_fails_without_debug(
    settings, role, moved, small_tree, committee, office, period, other_editor, editor, admin_user
):
    """With DEBUG off, as in production, each role gets an answer, never a server error."""
    # A record whose parent is gone: the goal sat under a committee goal since deleted.
    committee_goal = GoalFactory(
        parent=small_tree["council"], level="committee", owner=committee, period=period
    )
    rehomed = GoalFactory(parent=committee_goal, level="unit", owner=office, period=period)
    rehomed_then = rehomed.history.get()
    services.goal_move(by=system_actor(), goal=rehomed, target=small_tree["council"])
    services.goal_delete(by=system_actor(), goal=committee_goal)
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login({"other_editor": other_editor, "editor": editor, "admin": admin_user}[role])
    goal, record_then = moved
    urls = [
        history_url(goal),
        record_url(goal.pk, record_then),
        record_url(goal.pk, goal.history.latest("history_id")),
        record_url(rehomed.pk, rehomed_then),
        f"/admin/goals/goal/{goal.pk}/history/999999/",
        f"/admin/goals/goal/{goal.pk}/history/x/",
        "/admin/goals/goal/x/history/",
        "/admin/goals/goal/x/history/1/",
        f"/admin/goals/goal/{goal.pk}/change/",
    ]
    before = stored_state()
    for url in urls:
        assert client.get(url).status_code in {200, 302, 403, 404}, url
        assert client.post(url, simple_history_form(record_then)).status_code in {200, 302, 403, 404}, url
    assert stored_state() == before


@pytest.fixture
def link(small_tree, committee, period):
    target = GoalFactory(
        parent=small_tree["council"], level="committee", owner=committee, period=period, title="Nämndmål"
    )
    return services.goal_link_add(by=system_actor(), source=small_tree["first"], target=target)


def link_record_url(link_id, record) -> str:
    return reverse("admin:goals_goallink_simple_history", args=[link_id, record.history_id])


def test_editors_cannot_open_or_post_a_link_record(editor_client, link):
    """Links are changed on the goal's form; the free-standing link pages are for administrators."""
    record = link.history.get()
    before = stored_state()
    url = link_record_url(link.pk, record)
    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url, {"source": link.source_id, "target": link.target_id}).status_code == 403
    assert stored_state() == before


def test_administrator_brings_back_a_removed_link_through_the_service(admin_client, admin_user, link):
    record = link.history.get()
    source, target = link.source, link.target
    services.goal_link_remove(by=system_actor(), source=source, target=target)
    assert admin_client.get(f"/goals/{target.pk}/").text.count(source.title) == 0
    response = admin_client.post(
        link_record_url(link.pk, record), {"source": source.pk, "target": target.pk, "_save": "Revert"}
    )
    assert response.status_code == 302
    restored = GoalLink.objects.get(source=source, target=target)
    assert restored.history.latest("history_id").history_user == admin_user
    # Through goal_link_add, so the cached page of the target shows it at once.
    assert source.title in admin_client.get(f"/goals/{target.pk}/").text


def test_a_link_record_posted_on_another_links_page_is_not_found(admin_client, link, small_tree):
    other = services.goal_link_add(by=system_actor(), source=small_tree["first"], target=small_tree["second"])
    before = stored_state()
    response = admin_client.post(
        link_record_url(other.pk, link.history.get()),
        {"source": link.source_id, "target": link.target_id, "_save": "Revert"},
    )
    assert response.status_code == 404
    assert stored_state() == before


def test_administrator_reverting_a_replaced_link_adds_the_old_one_back(admin_client, link, small_tree):
    """A changed link is a removed link and a new one; reverting the removed one adds it again."""
    record = link.history.get()
    response = admin_client.post(
        reverse("admin:goals_goallink_change", args=[link.pk]),
        {"source": link.source_id, "target": small_tree["second"].pk, "_save": "Save"},
    )
    assert response.status_code == 302
    assert set(GoalLink.objects.values_list("source_id", "target_id")) == {
        (small_tree["first"].pk, small_tree["second"].pk)
    }
    response = admin_client.post(
        link_record_url(link.pk, record),
        {"source": link.source_id, "target": link.target_id, "_save": "Revert"},
    )
    assert response.status_code == 302
    assert set(GoalLink.objects.values_list("source_id", "target_id")) == {
        (small_tree["first"].pk, small_tree["second"].pk),
        (link.source_id, link.target_id),
    }


def test_a_link_revert_refused_by_the_rules_writes_nothing(admin_client, link):
    """The target was retired meanwhile: the link cannot come back, and the page says why."""
    record = link.history.get()
    source, target = link.source, link.target
    services.goal_link_remove(by=system_actor(), source=source, target=target)
    services.goal_retire(by=system_actor(), goal=target)
    before = stored_state()
    response = admin_client.post(
        link_record_url(link.pk, record), {"source": source.pk, "target": target.pk, "_save": "Revert"}
    )
    assert response.status_code == 200
    assert "is retired" in response.text
    assert stored_state() == before
