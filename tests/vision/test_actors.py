import pytest
from django.contrib.auth import authenticate
from django.test import Client

from goals import services
from goals.models import Goal, GoalLevel
from vision.actors import is_administrator, system_actor, write_service


def test_a_service_refuses_to_run_without_an_acting_user(db):
    with pytest.raises(TypeError, match="by="):
        services.goal_create(parent=None, title="Vision", level=GoalLevel.VISION, by=None)
    with pytest.raises(TypeError):
        services.goal_create(parent=None, title="Vision", level=GoalLevel.VISION)
    assert not Goal.objects.exists()


def test_a_service_takes_keyword_arguments_only():
    @write_service
    def example(*, by, value):
        return value

    with pytest.raises(TypeError, match="keyword"):
        example(1, by=object())


def test_history_names_the_system_actor_for_a_command_write(db):
    vision = services.goal_create(parent=None, title="Vision", level=GoalLevel.VISION, by=system_actor())
    record = vision.history.get()
    assert record.history_user.username == "system"


def test_history_names_the_actor_of_a_deletion(db, admin_user):
    vision = services.goal_create(parent=None, title="Vision", level=GoalLevel.VISION, by=admin_user)
    services.goal_delete(goal=vision, by=admin_user)
    deletion = Goal.history.filter(history_type="-").get()
    assert deletion.history_user == admin_user


def test_the_system_actor_has_full_rights_but_cannot_sign_in(db):
    actor = system_actor()
    assert system_actor().pk == actor.pk
    assert is_administrator(actor)
    assert not actor.is_active
    assert not actor.has_usable_password()
    assert authenticate(username="system", password="") is None
    client = Client()
    client.force_login(actor)
    # An inactive account's session is not honoured: the admin sends it to sign in.
    assert client.get("/admin/").status_code == 302


def test_an_inactive_superuser_other_than_the_system_actor_has_no_rights(db, django_user_model):
    former = django_user_model.objects.create(username="former-admin", is_superuser=True, is_active=False)
    assert not is_administrator(former)
