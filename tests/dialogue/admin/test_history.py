"""History pages in the admin: "Revert" really reverts, through the services, and only for those allowed.

simple-history's own revert page saved nothing for workshops and asked for the
right on the historical version only. A revert writes the version as recorded
(never what the form posts) and checks the right on the workshop as it is
stored now and on the unit the version would give it back.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission

from dialogue import services
from dialogue.demo import DEMO_MEDIA
from dialogue.models import Lecture, Material, Workshop
from tests.dialogue.conftest import unit_editor, upload
from tests.factories import UserFactory

REVERT_BUTTON = 'name="_save"'


def version_url(obj, record) -> str:
    return f"/admin/dialogue/{obj._meta.model_name}/{record.id}/history/{record.history_id}/"


def latest(obj):
    return type(obj).history.filter(id=obj.pk).order_by("-history_id").first()


def workshop_row(workshop) -> tuple:
    row = Workshop.objects.get(pk=workshop.pk)
    return row.unit_id, row.facilitator, row.important, sorted(row.goals.values_list("pk", flat=True))


def record_workshop(unit, goals, by, **fields) -> Workshop:
    values = {"held_on": datetime.date(2025, 9, 10), "facilitator": "Först", "important": "Det gamla"}
    workshop = Workshop(unit=unit, actions="Följs upp", **{**values, **fields})
    return services.workshop_save(workshop=workshop, goals=goals, by=by)


def moved(workshop, unit, by) -> None:
    workshop.unit = unit
    services.workshop_save(workshop=workshop, goals=[], by=by)


@pytest.fixture
def changed_workshop(small_tree, office, editor):
    """A workshop of the office, recorded and then changed by its editor; with its first version."""
    workshop = record_workshop(office, [small_tree["first"]], editor)
    old = latest(workshop)
    workshop.facilitator, workshop.important = "Sedan", "Det nya"
    services.workshop_save(workshop=workshop, goals=[small_tree["second"]], by=editor)
    return workshop, old


def test_an_editor_reverts_their_units_workshop_to_the_old_values_and_goals(
    client, small_tree, office, changed_workshop
):
    workshop, old = changed_workshop
    reverter = unit_editor(office)
    client.force_login(reverter)
    page = client.get(version_url(workshop, old)).content.decode()
    assert REVERT_BUTTON in page
    assert "Det gamla" in page and "Solpaneler på skolor" in page  # the version's goal, not today's
    assert "Cykelbara skolvägar" not in page
    history_before = workshop.history.count()

    response = client.post(version_url(workshop, old))

    assert response.status_code == 302
    assert workshop_row(workshop) == (office.pk, "Först", "Det gamla", [small_tree["first"].pk])
    assert workshop.history.count() > history_before
    assert latest(workshop).history_user == reverter


def test_a_revert_writes_the_version_whatever_the_form_posts(
    client, small_tree, office, other_office, editor
):
    workshop = record_workshop(office, [small_tree["first"]], editor)
    old = latest(workshop)
    client.force_login(editor)
    crafted = {
        "unit": other_office.pk,
        "held_on": "2025-01-01",
        "facilitator": "Kapad",
        "important": "Kapad",
        "actions": "Kapad",
        "goals": [small_tree["council"].pk],
    }
    assert client.post(version_url(workshop, old), crafted).status_code == 302
    assert workshop_row(workshop) == (office.pk, "Först", "Det gamla", [small_tree["first"].pk])


def test_an_editor_of_another_unit_can_neither_open_nor_post_a_revert(client, changed_workshop, other_editor):
    workshop, old = changed_workshop
    before, history_before = workshop_row(workshop), workshop.history.count()
    client.force_login(other_editor)
    assert client.get(version_url(workshop, old)).status_code == 403
    assert client.post(version_url(workshop, old)).status_code == 403
    assert workshop_row(workshop) == before
    assert workshop.history.count() == history_before


def test_an_editor_cannot_revert_a_workshop_that_has_moved_to_another_unit(
    client, changed_workshop, other_office, editor, system
):
    workshop, old = changed_workshop
    moved(workshop, other_office, system)
    before = workshop_row(workshop)
    client.force_login(editor)
    assert client.get(f"/admin/dialogue/workshop/{workshop.pk}/history/").status_code == 403
    assert client.get(version_url(workshop, old)).status_code == 403
    assert client.post(version_url(workshop, old)).status_code == 403
    assert workshop_row(workshop) == before
    assert latest(workshop).history_user == system


def test_an_editor_cannot_revert_to_a_version_of_another_unit(
    client, small_tree, office, other_office, editor, system
):
    workshop = record_workshop(other_office, [], system, important="Deras")
    theirs = latest(workshop)
    moved(workshop, office, system)
    ours = latest(workshop)
    before = workshop_row(workshop)
    client.force_login(editor)
    assert client.get(version_url(workshop, theirs)).status_code == 403
    assert client.post(version_url(workshop, theirs)).status_code == 403
    assert workshop_row(workshop) == before
    # The version of the editor's own unit is theirs to see and revert to.
    assert REVERT_BUTTON in client.get(version_url(workshop, ours)).content.decode()


def test_an_administrator_may_revert_to_any_units_version(
    admin_client, admin_user, office, other_office, system
):
    workshop = record_workshop(other_office, [], system)
    theirs = latest(workshop)
    moved(workshop, office, system)
    assert admin_client.post(version_url(workshop, theirs)).status_code == 302
    assert workshop_row(workshop)[0] == other_office.pk
    assert latest(workshop).history_user == admin_user


def test_unknown_or_malformed_versions_are_404(admin_client, changed_workshop, material):
    workshop, old = changed_workshop
    base = f"/admin/dialogue/workshop/{workshop.pk}/history/"
    assert admin_client.get(f"{base}not-a-number/").status_code == 404
    assert admin_client.get(f"{base}{latest(material).history_id + 1000}/").status_code == 404
    # A version of another object is not this object's version.
    assert (
        admin_client.post(f"/admin/dialogue/workshop/{workshop.pk + 1}/history/{old.history_id}/").status_code
        == 404
    )


@pytest.mark.parametrize("model", ["material", "lecture"])
def test_an_editor_opens_no_material_or_lecture_history_and_posts_no_revert(
    client, editor, material, lecture, model
):
    obj = {"material": material, "lecture": lecture}[model]
    before = type(obj).objects.values().get(pk=obj.pk)
    client.force_login(editor)
    assert client.get(f"/admin/dialogue/{model}/{obj.pk}/history/").status_code == 403
    assert client.get(version_url(obj, latest(obj))).status_code == 403
    assert client.post(version_url(obj, latest(obj))).status_code == 403
    assert type(obj).objects.values().get(pk=obj.pk) == before


def test_staff_who_may_view_the_material_see_a_version_but_cannot_revert_it(client, material, admin_user):
    services.material_update(material=material, title="Ny titel", version="2.0", by=admin_user)
    first = material.history.order_by("history_id").first()
    staff = UserFactory(username="personal", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_material", "change_material"]))
    client.force_login(staff)
    page = client.get(version_url(material, first))
    assert page.status_code == 200 and REVERT_BUTTON not in page.content.decode()
    assert client.post(version_url(material, first)).status_code == 403
    assert Material.objects.get().title == "Ny titel"


def test_an_administrator_reverts_the_material_title(admin_client, admin_user, material):
    first = latest(material)
    services.material_update(material=material, title="Fel titel", version="2.0-fel", by=admin_user)
    response = admin_client.post(version_url(material, first), follow=True)
    assert "was changed successfully" in response.content.decode()
    stored = Material.objects.get()
    assert (stored.title, stored.version, stored.file.name) == (first.title, "2.0", material.file.name)
    assert latest(material).history_user == admin_user


def test_a_material_version_with_another_file_is_shown_but_not_reverted(admin_client, admin_user, material):
    version = latest(material)
    version.file, version.sha256 = "dialogue/material/annan.pptx", "1" * 64
    version.save()
    services.material_update(material=material, title="Nu", version="2.0", by=admin_user)
    before = Material.objects.values().get()
    page = admin_client.get(version_url(material, version))
    assert page.status_code == 200
    assert "another file than the stored one" in page.content.decode()
    assert REVERT_BUTTON not in page.content.decode()
    response = admin_client.post(version_url(material, version), follow=True)
    assert response.redirect_chain == [(version_url(material, version), 302)]
    assert "another file than the stored one" in response.content.decode()
    assert Material.objects.values().get() == before


def test_an_administrator_reverts_the_lecture_text_and_keeps_its_files(admin_client, admin_user, lecture):
    first = latest(lecture)
    lecture.title = "Fel titel"
    services.lecture_save(lecture=lecture, check_files=False, by=admin_user)
    assert admin_client.post(version_url(lecture, first)).status_code == 302
    stored = Lecture.objects.get()
    assert (stored.title, stored.video.name, stored.chapters.count()) == (first.title, lecture.video.name, 2)
    assert latest(lecture).history_user == admin_user


def test_a_lecture_version_with_another_video_is_shown_but_not_reverted(admin_client, admin_user, lecture):
    first = latest(lecture)
    lecture.video = upload("ny.webm", (DEMO_MEDIA / "lecture-sample.webm").read_bytes()[:-10])
    services.lecture_save(lecture=lecture, by=admin_user)
    before = Lecture.objects.values().get()
    page = admin_client.get(version_url(lecture, first))
    assert page.status_code == 200 and REVERT_BUTTON not in page.content.decode()
    assert "other files" in page.content.decode()
    response = admin_client.post(version_url(lecture, first), follow=True)
    assert "other files" in response.content.decode()
    assert Lecture.objects.values().get() == before
