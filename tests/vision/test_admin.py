"""The frame's admin pages write through vision.services: the same rights, rules and history everywhere."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from tests.factories import UserFactory
from vision import services
from vision.actors import NotAllowed, system_actor
from vision.models import MandatePeriod, Unit, UnitMembership, UnitRole

pytestmark = pytest.mark.usefixtures("in_english")

MANAGEMENT = {
    "memberships-TOTAL_FORMS": "0",
    "memberships-INITIAL_FORMS": "0",
    "memberships-MIN_NUM_FORMS": "0",
    "memberships-MAX_NUM_FORMS": "1000",
}


def unit_form(unit: Unit, **changes) -> dict:
    return {
        "name": unit.name,
        "slug": unit.slug,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        **MANAGEMENT,
        **changes,
    }


def period_form(period: MandatePeriod, **changes) -> dict:
    data = {
        "name": period.name,
        "slug": period.slug,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        **changes,
    }
    if data.pop("is_current", period.is_current):
        data["is_current"] = "on"
    return data


def shown(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def spy(monkeypatch):
    """Records the calls the admin makes to vision.services (and lets them through)."""
    calls = []

    def watch(name):
        real = getattr(services, name)

        def service(**kwargs):
            calls.append((name, kwargs["by"]))
            return real(**kwargs)

        monkeypatch.setattr(services, name, service)

    for name in services.__all__:
        if name.islower() and not name.startswith("editors"):
            watch(name)
    return calls


@pytest.fixture
def clerk(client, db):
    """Staff with every model permission on the frame, but no administrator."""
    user = UserFactory(username="handlaggare", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="vision"))
    client.force_login(user)
    return client


def test_adding_a_unit_goes_through_the_service(admin_client, admin_user, spy):
    response = admin_client.post(
        "/admin/vision/unit/add/",
        {"name": "Kulturkontoret", "slug": "kulturkontoret", "kind": "office", **MANAGEMENT},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(slug="kulturkontoret")
    assert spy == [("unit_save", admin_user)]
    assert unit.history.get().history_user == admin_user


def test_making_a_period_current_in_the_admin_unmarks_the_current_one(
    admin_client, admin_user, period, next_period, spy
):
    """The form lets a second current period through: the service un-marks the first in the same save."""
    response = admin_client.post(
        f"/admin/vision/mandateperiod/{next_period.pk}/change/", period_form(next_period, is_current=True)
    )
    assert response.status_code == 302
    assert MandatePeriod.objects.current() == next_period
    period.refresh_from_db()
    assert not period.is_current
    assert period.history.first().history_user == admin_user
    assert spy == [("period_save", admin_user)]


def test_a_period_overlapping_another_is_a_form_error(admin_client, period, next_period):
    response = admin_client.post(
        f"/admin/vision/mandateperiod/{next_period.pk}/change/",
        period_form(next_period, start=date(2026, 1, 1).isoformat()),
    )
    assert response.status_code == 200
    assert "overlaps" in str(response.context["adminform"].form.errors)
    next_period.refresh_from_db()
    assert next_period.start == date(2027, 1, 1)


def test_deleting_a_unit_goes_through_the_service(admin_client, admin_user, other_office, spy):
    response = admin_client.post(f"/admin/vision/unit/{other_office.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Unit.objects.filter(pk=other_office.pk).exists()
    assert spy == [("unit_delete", admin_user)]
    assert Unit.history.latest("history_id").history_user == admin_user


def test_deleting_periods_in_bulk_goes_through_the_service(
    admin_client, admin_user, period, next_period, spy
):
    response = admin_client.post(
        "/admin/vision/mandateperiod/",
        {"action": "delete_selected", "_selected_action": [period.pk, next_period.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not MandatePeriod.objects.exists()
    assert spy == [("period_delete", admin_user), ("period_delete", admin_user)]


def test_memberships_on_the_units_page_go_through_the_services(admin_client, admin_user, office, editor, spy):
    """Changing the editor to a viewer there takes the admin rights away; a new row is a grant."""
    membership = UnitMembership.objects.get(user=editor)
    newcomer = UserFactory(username="kajsa")
    data = unit_form(
        office,
        **{
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": membership.pk,
            "memberships-0-unit": office.pk,
            "memberships-0-user": editor.pk,
            "memberships-0-role": "viewer",
            "memberships-1-unit": office.pk,
            "memberships-1-user": newcomer.pk,
            "memberships-1-role": "editor",
        },
    )
    response = admin_client.post(f"/admin/vision/unit/{office.pk}/change/", data)
    assert response.status_code == 302
    editor.refresh_from_db()
    newcomer.refresh_from_db()
    assert not editor.is_staff and newcomer.is_staff
    assert spy == [
        ("unit_save", admin_user),
        ("membership_save", admin_user),
        ("membership_save", admin_user),
    ]
    assert {record.history_user for record in UnitMembership.history.order_by("-history_id")[:2]} == {
        admin_user
    }


def test_a_membership_removed_on_the_units_page_goes_through_the_service(
    admin_client, admin_user, office, editor, spy
):
    membership = UnitMembership.objects.get(user=editor)
    data = unit_form(
        office,
        **{
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": membership.pk,
            "memberships-0-unit": office.pk,
            "memberships-0-user": editor.pk,
            "memberships-0-role": "editor",
            "memberships-0-DELETE": "on",
        },
    )
    response = admin_client.post(f"/admin/vision/unit/{office.pk}/change/", data)
    assert response.status_code == 302
    assert not UnitMembership.objects.filter(pk=membership.pk).exists()
    editor.refresh_from_db()
    assert not editor.is_staff
    assert ("membership_delete", admin_user) in spy


def test_a_membership_handed_to_someone_else_moves_the_editor_rights(
    admin_client, admin_user, office, editor, spy
):
    membership = UnitMembership.objects.get(user=editor)
    newcomer = UserFactory(username="kajsa")
    response = admin_client.post(
        f"/admin/vision/unitmembership/{membership.pk}/change/",
        {"user": newcomer.pk, "unit": office.pk, "role": "editor"},
    )
    assert response.status_code == 302
    editor.refresh_from_db()
    newcomer.refresh_from_db()
    assert newcomer.is_staff and not editor.is_staff
    assert spy == [("membership_save", admin_user)]


def test_a_revert_on_a_units_history_writes_through_the_service(admin_client, admin_user, office, spy):
    first = office.history.earliest("history_id")
    services.unit_save(by=system_actor(), unit=_renamed(office, "Skolkontoret"))
    spy.clear()

    url = f"/admin/vision/unit/{office.pk}/history/{first.history_id}/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, unit_form(first.instance))
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.name == "Utbildningskontoret"
    assert spy == [("unit_save", admin_user)]
    assert office.history.first().history_user == admin_user


def test_a_revert_of_a_deleted_unit_is_refused_with_a_message(admin_client, other_office):
    pk, record = other_office.pk, other_office.history.earliest("history_id")
    services.unit_delete(by=system_actor(), unit=other_office)
    response = admin_client.post(
        f"/admin/vision/unit/{pk}/history/{record.history_id}/", unit_form(record.instance)
    )
    assert response.status_code == 302
    assert any("no longer exists" in message for message in shown(response))
    assert not Unit.objects.filter(pk=pk).exists()


def test_a_revert_by_someone_who_is_no_administrator_is_refused(clerk, office):
    """Rights are asked about the unit as it is now, whatever the version says."""
    first = office.history.earliest("history_id")
    services.unit_save(by=system_actor(), unit=_renamed(office, "Skolkontoret"))
    before = office.history.count()
    response = clerk.post(
        f"/admin/vision/unit/{office.pk}/history/{first.history_id}/", unit_form(first.instance)
    )
    assert response.status_code == 403
    office.refresh_from_db()
    assert office.name == "Skolkontoret" and office.history.count() == before


def test_someone_who_is_no_administrator_reads_the_frame_but_does_not_write_it(clerk, office, period):
    assert clerk.get(f"/admin/vision/unit/{office.pk}/change/").status_code == 200
    assert clerk.get("/admin/vision/unit/add/").status_code == 403
    assert (
        clerk.post(f"/admin/vision/unit/{office.pk}/change/", unit_form(office, name="X")).status_code == 403
    )
    assert clerk.post(f"/admin/vision/mandateperiod/{period.pk}/delete/", {"post": "yes"}).status_code == 403
    office.refresh_from_db()
    assert office.name == "Utbildningskontoret"
    assert MandatePeriod.objects.filter(pk=period.pk).exists()


@pytest.mark.parametrize("refusal", [NotAllowed, ValidationError])
def test_a_service_refusal_on_the_change_form_is_a_message(admin_client, office, monkeypatch, refusal):
    """What the form could not see (a right withdrawn, a row changed in between) comes back as a message."""

    def refuse(**kwargs):
        raise refusal("Refused in between.")

    monkeypatch.setattr(services, "unit_save", refuse)
    response = admin_client.post(f"/admin/vision/unit/{office.pk}/change/", unit_form(office, name="X"))
    assert response.status_code == 302
    assert response.url == f"/admin/vision/unit/{office.pk}/change/"
    assert shown(response) == ["Refused in between."]
    office.refresh_from_db()
    assert office.name == "Utbildningskontoret"


def test_a_service_refusal_on_delete_is_a_message(admin_client, other_office, monkeypatch):
    def refuse(**kwargs):
        raise NotAllowed("Refused in between.")

    monkeypatch.setattr(services, "unit_delete", refuse)
    for url, data in (
        (f"/admin/vision/unit/{other_office.pk}/delete/", {"post": "yes"}),
        (
            "/admin/vision/unit/",
            {"action": "delete_selected", "_selected_action": [other_office.pk], "post": "yes"},
        ),
    ):
        response = admin_client.post(url, data)
        assert response.status_code == 302
        assert "Refused in between." in shown(response)
        assert Unit.objects.filter(pk=other_office.pk).exists()


def test_a_unit_owning_goals_is_shown_as_not_deletable(admin_client, small_tree):
    owner = small_tree["first"].owner
    response = admin_client.post(f"/admin/vision/unit/{owner.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200  # Django's page listing what refers to it
    assert Unit.objects.filter(pk=owner.pk).exists()


def test_granting_an_editor_membership_in_the_admin_gives_the_editors_group(admin_client, office):
    person = UserFactory(username="kajsa")
    admin_client.post(
        "/admin/vision/unitmembership/add/", {"user": person.pk, "unit": office.pk, "role": UnitRole.EDITOR}
    )
    assert person.groups.filter(name=services.EDITORS_GROUP).exists()
    assert UnitMembership.history.latest("history_id").history_user.username == "admin"


def _renamed(unit, name):
    unit.name = name
    return unit
