"""Contribution links written in the admin go through the link services: both goals' cached pages show them at once."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from goals import services
from goals.models import Goal, GoalLink
from tests.factories import UserFactory
from tests.goals.stored import stored_state
from vision.actors import system_actor
from vision.models import UnitRole
from vision.services import membership_grant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

INLINE = "outgoing_links"


def page(client, goal) -> str:
    """The goal's page without the message of the admin's last save (which names the link)."""
    response = client.get(f"/goals/{goal.pk}/")
    assert response.status_code == 200
    return re.sub(r'<div class="messages".*?</div>', "", response.text, flags=re.S)


def shows(client, source, target) -> bool:
    """Whether each goal's (cached) page names the other as linked."""
    return target.title in page(client, source) and source.title in page(client, target)


def shows_neither(client, source, target) -> bool:
    return target.title not in page(client, source) and source.title not in page(client, target)


def goal_form(goal, links=(), **changes) -> dict:
    """The goal's change form as the browser sends it; ``links`` are (link id or "", target id, delete)."""
    parent = Goal.objects.get_parent(goal)
    data = {
        "title": goal.title,
        "description": goal.description,
        "level": goal.level,
        "status": goal.status,
        "owner": goal.owner_id,
        "loaded_version": goal.version,
        "period": goal.period_id,
        "until_period": "",
        "decided_by": "",
        "decided_on": "",
        "case_number": "",
        "treebeard_position": "last-child",
        "treebeard_ref_node": parent.pk,
        f"{INLINE}-TOTAL_FORMS": str(len(links)),
        f"{INLINE}-INITIAL_FORMS": str(sum(1 for link_id, _t, _d in links if link_id)),
        f"{INLINE}-MIN_NUM_FORMS": "0",
        f"{INLINE}-MAX_NUM_FORMS": "1000",
    }
    for index, (link_id, target_id, delete) in enumerate(links):
        data[f"{INLINE}-{index}-id"] = link_id
        data[f"{INLINE}-{index}-source"] = goal.pk
        data[f"{INLINE}-{index}-target"] = target_id
        if delete:
            data[f"{INLINE}-{index}-DELETE"] = "on"
    data.update(changes)
    return data


def change_url(goal) -> str:
    return reverse("admin:goals_goal_change", args=[goal.pk])


def test_link_added_in_the_inline_shows_on_both_pages_at_once(editor_client, editor, tree):
    source, target = tree["first"], tree["committee"]
    assert shows_neither(editor_client, source, target)
    response = editor_client.post(change_url(source), goal_form(source, links=[("", target.pk, False)]))
    assert response.status_code == 302
    link = GoalLink.objects.get(source=source, target=target)
    assert link.history.get().history_user == editor
    assert shows(editor_client, source, target)


def test_link_removed_in_the_inline_leaves_both_pages_at_once(editor_client, tree):
    source, target = tree["first"], tree["committee"]
    link = services.goal_link_add(by=system_actor(), source=source, target=target)
    assert shows(editor_client, source, target)
    response = editor_client.post(change_url(source), goal_form(source, links=[(link.pk, target.pk, True)]))
    assert response.status_code == 302
    assert not GoalLink.objects.exists()
    assert shows_neither(editor_client, source, target)


def test_link_retargeted_in_the_inline_is_replaced_on_every_page(editor_client, tree):
    source, old_target, new_target = tree["first"], tree["committee"], tree["second"]
    link = services.goal_link_add(by=system_actor(), source=source, target=old_target)
    assert shows(editor_client, source, old_target)
    response = editor_client.post(
        change_url(source), goal_form(source, links=[(link.pk, new_target.pk, False)])
    )
    assert response.status_code == 302
    assert list(GoalLink.objects.values_list("source_id", "target_id")) == [(source.pk, new_target.pk)]
    assert source.title not in page(editor_client, old_target)
    assert shows(editor_client, source, new_target)


def test_inline_link_refused_by_the_rules_writes_nothing(editor_client, tree):
    source = tree["first"]
    services.goal_retire(by=system_actor(), goal=tree["foreign"])
    before = stored_state()
    response = editor_client.post(
        change_url(source), goal_form(source, links=[("", tree["foreign"].pk, False)])
    )
    assert response.status_code == 200
    assert "is retired" in response.text
    assert stored_state() == before


def test_inline_post_on_another_units_goal_writes_nothing(editor_client, tree):
    foreign = tree["foreign"]
    before = stored_state()
    response = editor_client.post(
        change_url(foreign), goal_form(foreign, links=[("", tree["committee"].pk, False)])
    )
    assert response.status_code == 302 and response.url == reverse("admin:goals_goal_changelist")
    assert stored_state() == before


def test_inline_cannot_reach_another_goals_link(editor_client, tree):
    """A crafted link id of another goal's link is not one of this goal's forms: refused, nothing written."""
    foreign_link = services.goal_link_add(by=system_actor(), source=tree["foreign"], target=tree["committee"])
    source = tree["first"]
    before = stored_state()
    response = editor_client.post(
        change_url(source), goal_form(source, links=[(foreign_link.pk, tree["committee"].pk, True)])
    )
    assert response.status_code in {200, 302}
    assert stored_state() == before
    assert GoalLink.objects.filter(pk=foreign_link.pk).exists()


def test_a_refusal_at_saving_time_becomes_a_message(editor_client, tree, monkeypatch):
    """Should the service refuse after the form passed (a right withdrawn meanwhile), nothing is written."""
    from vision.actors import NotAllowed

    def refuse(**kwargs):
        raise NotAllowed("Withdrawn meanwhile.")

    monkeypatch.setattr(services, "goal_link_add", refuse)
    source = tree["first"]
    before = stored_state()
    response = editor_client.post(
        change_url(source),
        goal_form(source, links=[("", tree["committee"].pk, False)], title="Ändrad titel"),
        follow=True,
    )
    assert response.status_code == 200
    assert "Withdrawn meanwhile." in [str(message) for message in response.context["messages"]]
    assert stored_state() == before


def test_link_added_in_the_link_admin_shows_on_both_pages(admin_client, admin_user, tree):
    source, target = tree["first"], tree["committee"]
    assert shows_neither(admin_client, source, target)
    response = admin_client.post(
        reverse("admin:goals_goallink_add"), {"source": source.pk, "target": target.pk, "_save": "Save"}
    )
    assert response.status_code == 302
    assert GoalLink.objects.get().history.get().history_user == admin_user
    assert shows(admin_client, source, target)


def test_link_deleted_in_the_link_admin_leaves_both_pages(admin_client, tree):
    source, target = tree["first"], tree["committee"]
    link = services.goal_link_add(by=system_actor(), source=source, target=target)
    assert shows(admin_client, source, target)
    response = admin_client.post(reverse("admin:goals_goallink_delete", args=[link.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not GoalLink.objects.exists()
    assert shows_neither(admin_client, source, target)


def test_links_deleted_in_bulk_in_the_link_admin_leave_the_pages(admin_client, tree):
    source, target = tree["first"], tree["committee"]
    link = services.goal_link_add(by=system_actor(), source=source, target=target)
    assert shows(admin_client, source, target)
    response = admin_client.post(
        reverse("admin:goals_goallink_changelist"),
        {"action": "delete_selected", "_selected_action": [link.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not GoalLink.objects.exists()
    assert shows_neither(admin_client, source, target)


def test_link_changed_in_the_link_admin_is_replaced_on_every_page(admin_client, tree):
    source, old_target, new_target = tree["first"], tree["committee"], tree["second"]
    link = services.goal_link_add(by=system_actor(), source=source, target=old_target)
    assert shows(admin_client, source, old_target)
    response = admin_client.post(
        reverse("admin:goals_goallink_change", args=[link.pk]),
        {"source": source.pk, "target": new_target.pk, "_continue": "Save"},
    )
    assert response.status_code == 302
    replaced = GoalLink.objects.get()
    assert (replaced.source_id, replaced.target_id) == (source.pk, new_target.pk)
    assert response.url == reverse("admin:goals_goallink_change", args=[replaced.pk])
    assert source.title not in page(admin_client, old_target)
    assert shows(admin_client, source, new_target)


def test_link_admin_refuses_a_link_against_the_rules(admin_client, tree):
    before = stored_state()
    response = admin_client.post(
        reverse("admin:goals_goallink_add"),
        {"source": tree["first"].pk, "target": tree["first"].pk, "_save": "Save"},
    )
    assert response.status_code == 200
    assert stored_state() == before


@pytest.mark.parametrize("role", ["editor", "other_editor"])
def test_editors_cannot_use_the_link_admin(role, editor, other_office, tree):
    user = editor
    if role == "other_editor":
        user = UserFactory(username="annan-redaktor")
        membership_grant(by=system_actor(), user=user, unit=other_office, role=UnitRole.EDITOR)
    client = Client()
    client.force_login(user)
    link = services.goal_link_add(by=system_actor(), source=tree["first"], target=tree["committee"])
    before = stored_state()
    add = reverse("admin:goals_goallink_add")
    change = reverse("admin:goals_goallink_change", args=[link.pk])
    delete = reverse("admin:goals_goallink_delete", args=[link.pk])
    assert client.get(add).status_code == 403
    assert client.post(add, {"source": tree["foreign"].pk, "target": tree["committee"].pk}).status_code == 403
    assert client.post(change, {"source": link.source_id, "target": tree["second"].pk}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert stored_state() == before
