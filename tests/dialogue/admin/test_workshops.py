"""Workshops in the admin: editors list and record their own units' workshops only."""

from dialogue import services
from dialogue.models import Workshop
from tests.dialogue.conftest import form_data, member
from tests.factories import UnitFactory, WorkshopFactory
from vision.models import UnitRole


def test_the_demo_editor_records_workshops_in_the_admin_for_its_own_unit_only(client, db):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from dialogue.models import Workshop
    from goals.models import Goal
    from vision.models import Unit

    call_command("load_demo", "--password", "test-losen-1", verbosity=0)
    client.force_login(get_user_model().objects.get(username="redaktor"))
    own = Unit.objects.get(slug="utbildningskontoret")
    other = Unit.objects.get(slug="socialkontoret")
    form = client.get("/admin/dialogue/workshop/add/").context["adminform"].form
    assert list(form.fields["unit"].queryset) == [own]
    goal = Goal.objects.owned_by(own).order_by("path").first()
    data = {
        "held_on": "2025-11-01",
        "facilitator": "Redaktören",
        "important": "Viktigt",
        "actions": "Görs",
        "goals": [goal.pk],
    }
    assert client.post("/admin/dialogue/workshop/add/", {**data, "unit": other.pk}).status_code == 200
    assert not Workshop.objects.filter(unit=other, facilitator="Redaktören").exists()
    assert client.post("/admin/dialogue/workshop/add/", {**data, "unit": own.pk}).status_code == 302
    assert Workshop.objects.get(facilitator="Redaktören").goals.get() == goal


def test_the_admin_lists_only_workshops_of_the_editors_units(client, small_tree, office):
    editor = member(office, UnitRole.EDITOR)
    editor.is_staff = True
    editor.save()
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_workshop", "change_workshop"]))
    mine = WorkshopFactory(unit=office, important="Vår egen")
    WorkshopFactory(unit=UnitFactory(), important="Någon annans")
    client.force_login(editor)
    changelist = client.get("/admin/dialogue/workshop/").context["cl"]
    assert list(changelist.result_list) == [mine]
    assert client.get(f"/admin/dialogue/workshop/{mine.pk}/change/").status_code == 200


def test_superuser_records_a_workshop_in_the_admin(admin_client, small_tree, office):
    response = admin_client.post(
        "/admin/dialogue/workshop/add/",
        {"unit": office.pk, **form_data(small_tree["first"], held_on="2025-10-01")},
    )
    assert response.status_code == 302
    assert list(Workshop.objects.get().goals.all()) == [small_tree["first"]]
    refused = admin_client.post(
        "/admin/dialogue/workshop/add/", {"unit": office.pk, **form_data(small_tree["council"])}
    )
    assert refused.status_code == 200 and Workshop.objects.count() == 1


def test_an_editor_cannot_hand_their_units_workshop_to_another_unit(
    client, small_tree, office, other_office, editor
):
    workshop = services.workshop_save(
        workshop=Workshop(unit=office, held_on="2025-09-10", facilitator="F", important="Vår", actions="A"),
        goals=[],
        by=editor,
    )
    client.force_login(editor)
    response = client.post(
        f"/admin/dialogue/workshop/{workshop.pk}/change/", {"unit": other_office.pk, **form_data()}
    )
    assert response.status_code == 200 and "unit" in response.context["adminform"].form.errors
    assert Workshop.objects.get().unit == office


def test_deleting_a_workshop_in_the_admin_is_recorded(admin_client, admin_user, office):
    workshop = WorkshopFactory(unit=office)
    pk = workshop.pk
    assert admin_client.post(f"/admin/dialogue/workshop/{pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Workshop.objects.exists()
    assert Workshop.history.get(id=pk, history_type="-").history_user == admin_user
