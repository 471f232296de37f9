"""Who may write dialogue material, lectures and workshops."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from dialogue import permissions
from tests.dialogue.conftest import member
from tests.factories import UnitFactory, UserFactory
from vision.models import Unit, UnitRole


def test_only_administrators_and_the_system_actor_manage_media(admin_user, system, editor):
    staff_with_model_rights = UserFactory(is_staff=True)
    staff_with_model_rights.user_permissions.add(*Permission.objects.filter(codename__endswith="_material"))
    inactive_superuser = UserFactory(is_superuser=True, is_active=False)
    assert permissions.can_manage_media(admin_user)
    assert permissions.can_manage_media(system)
    for user in [editor, staff_with_model_rights, inactive_superuser, UserFactory(), AnonymousUser()]:
        assert not permissions.can_manage_media(user), user


@pytest.mark.parametrize("role", [UnitRole.EDITOR, UnitRole.VIEWER])
def test_members_of_a_unit_record_its_workshops_and_no_other_units(office, other_office, role):
    user = member(office, role)
    assert permissions.can_record_workshop(user, office)
    assert permissions.can_record_workshop(user, office.pk)
    assert not permissions.can_record_workshop(user, other_office)
    assert list(permissions.units_for_workshops(user)) == [office]


def test_administrators_and_the_system_actor_record_workshops_for_every_unit(admin_user, system, office):
    UnitFactory()
    for user in [admin_user, system]:
        assert permissions.can_record_workshop(user, office)
        assert permissions.units_for_workshops(user).count() == Unit.objects.count()


def test_anonymous_inactive_and_unitless_users_record_no_workshops(office):
    inactive = member(office, UnitRole.EDITOR)
    inactive.is_active = False
    inactive.save()
    for user in [AnonymousUser(), inactive, UserFactory(), None]:
        assert not permissions.can_record_workshop(user, office)
        assert not permissions.units_for_workshops(user).exists()
    assert not permissions.can_record_workshop(member(office, UnitRole.EDITOR), None)
