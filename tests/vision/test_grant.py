"""Provisioning roles from scripts: grant USERNAME --unit SLUG --role editor|viewer."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from tests.factories import UnitFactory, UserFactory
from vision.actors import system_actor
from vision.models import UnitMembership, UnitRole
from vision.services import EDITOR_PERMISSIONS, membership_grant, membership_revoke


@pytest.fixture
def person(db):
    return UserFactory(username="kajsa")


def test_grant_editor_gives_membership_staff_and_the_admin_permissions(person, office):
    """An editor can open the admin and has every model permission goals and links need."""
    call_command("grant", "kajsa", "--unit", office.slug, "--role", "editor")
    person.refresh_from_db()
    assert person.is_staff
    assert UnitMembership.objects.get(user=person, unit=office).role == UnitRole.EDITOR
    person = type(person).objects.get(pk=person.pk)  # a fresh permission cache
    assert all(person.has_perm(name) for name in EDITOR_PERMISSIONS)
    assert not person.has_perm("vision.change_unit")


def test_grant_viewer_gives_no_admin_access(person, office):
    call_command("grant", "kajsa", "--unit", office.slug, "--role", "viewer")
    person.refresh_from_db()
    assert not person.is_staff
    assert UnitMembership.objects.get(user=person, unit=office).role == UnitRole.VIEWER


def test_grant_twice_changes_the_role_without_a_second_membership(person, office):
    call_command("grant", "kajsa", "--unit", office.slug, "--role", "editor")
    call_command("grant", "kajsa", "--unit", office.slug, "--role", "viewer")
    assert UnitMembership.objects.filter(user=person).count() == 1
    person = type(person).objects.get(pk=person.pk)
    assert not person.is_staff
    assert not person.has_perm("goals.change_goal")


def test_an_editor_of_two_units_stays_staff_when_one_role_goes(person, office, council):
    membership_grant(by=system_actor(), user=person, unit=office, role=UnitRole.EDITOR)
    membership_grant(by=system_actor(), user=person, unit=council, role=UnitRole.EDITOR)
    membership_revoke(by=system_actor(), user=person, unit=office)
    person = type(person).objects.get(pk=person.pk)
    assert person.is_staff and person.has_perm("goals.change_goal")


def test_a_superuser_keeps_staff_when_demoted_to_viewer(office):
    boss = UserFactory(username="chef", is_staff=True, is_superuser=True)
    membership_grant(by=system_actor(), user=boss, unit=office, role=UnitRole.VIEWER)
    boss.refresh_from_db()
    assert boss.is_staff


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nobody", "--unit", "utbildningskontoret", "--role", "editor"], "No user named 'nobody'"),
        (["kajsa", "--unit", "no-such-unit", "--role", "editor"], "No unit with the slug 'no-such-unit'"),
    ],
)
def test_grant_refuses_unknown_names_clearly(person, office, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("grant", *arguments)
    assert not UnitMembership.objects.exists()


def test_grant_refuses_an_unknown_role(person, office):
    with pytest.raises(CommandError):
        call_command("grant", "kajsa", "--unit", office.slug, "--role", "owner")


def test_membership_grant_refuses_an_unknown_role(person):
    with pytest.raises(ValidationError) as refusal:
        membership_grant(by=system_actor(), user=person, unit=UnitFactory(), role="owner")
    assert "role" in refusal.value.message_dict
    assert not UnitMembership.objects.exists()


def test_an_editor_membership_added_in_the_admin_gives_the_admin_rights(admin_client, person, office):
    """Memberships written on the admin's pages go through the same rights as `grant`."""
    response = admin_client.post(
        "/admin/vision/unitmembership/add/", {"user": person.pk, "unit": office.pk, "role": "editor"}
    )
    assert response.status_code == 302
    person = type(person).objects.get(pk=person.pk)
    assert person.is_staff and person.has_perm("goals.change_goal")

    membership = UnitMembership.objects.get(user=person)
    admin_client.post(f"/admin/vision/unitmembership/{membership.pk}/delete/", {"post": "yes"})
    person = type(person).objects.get(pk=person.pk)
    assert not person.is_staff and not person.has_perm("goals.change_goal")


def test_an_editor_added_on_the_units_page_gets_the_admin_rights(admin_client, person, office):
    data = {
        "name": office.name,
        "slug": office.slug,
        "kind": office.kind,
        "parent": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-user": person.pk,
        "memberships-0-role": "editor",
        "memberships-0-unit": office.pk,
        "_save": "Save",
    }
    response = admin_client.post(f"/admin/vision/unit/{office.pk}/change/", data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    person = type(person).objects.get(pk=person.pk)
    assert person.is_staff and person.has_perm("goals.change_goal")
