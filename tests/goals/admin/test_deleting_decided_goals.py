"""Decided goals are public records: never hard-deleted by anyone but a superuser."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goals import services
from goals.models import Goal
from vision.actors import system_actor


@pytest.fixture
def decided(small_tree):
    goal = small_tree["second"]
    return services.goal_update(
        by=system_actor(), goal=goal, decided_by="Utbildningsnämnden", decided_on=datetime.date(2024, 2, 1)
    )


def delete_url(goal):
    return reverse("admin:goals_goal_delete", args=[goal.pk])


def test_the_service_refuses_anyone_but_an_administrator(decided, editor):
    """Even an editor of the owner unit, calling the service directly."""
    with pytest.raises(ValidationError) as refused:
        services.goal_delete(by=editor, goal=decided)
    assert refused.value.code == "delete_refused"
    assert Goal.objects.filter(pk=decided.pk).exists()


def test_an_editor_of_the_owner_unit_cannot_delete_a_decided_goal(editor_client, decided):
    response = editor_client.post(delete_url(decided), {"post": "yes"})
    assert response.status_code == 302
    assert Goal.objects.filter(pk=decided.pk).exists()


def test_a_superuser_may_delete_a_decided_goal_and_history_keeps_who(admin_client, admin_user, decided):
    response = admin_client.post(delete_url(decided), {"post": "yes"})
    assert response.status_code == 302
    assert not Goal.objects.filter(pk=decided.pk).exists()
    deletion = Goal.history.filter(id=decided.pk).latest()
    assert deletion.history_type == "-"
    assert deletion.history_user == admin_user


def test_a_superuser_still_cannot_delete_a_goal_with_sub_goals(admin_client, small_tree):
    council_goal = small_tree["council"]
    admin_client.post(delete_url(council_goal), {"post": "yes"})
    assert Goal.objects.filter(pk=council_goal.pk).exists()
