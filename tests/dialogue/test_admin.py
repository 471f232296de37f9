"""The dialogue admin pages render, keep history, and keep stored files when a change is refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dialogue.models import Lecture
from tests.dialogue.conftest import stored_files
from tests.factories import WorkshopFactory


@pytest.mark.parametrize("model", ["material", "lecture", "workshop"])
def test_changelist_add_change_and_history_pages_render(admin_client, material, lecture, office, model):
    objects = {"material": material, "lecture": lecture, "workshop": WorkshopFactory(unit=office)}
    pk = objects[model].pk
    for url in [
        f"/admin/dialogue/{model}/",
        f"/admin/dialogue/{model}/add/",
        f"/admin/dialogue/{model}/{pk}/change/",
        f"/admin/dialogue/{model}/{pk}/history/",
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_material_search_finds_words_in_the_outline(admin_client, material):
    response = admin_client.get("/admin/dialogue/material/", {"q": "Anteckning"})
    assert list(response.context["cl"].result_list) == [material]
    response = admin_client.get("/admin/dialogue/material/", {"q": "finns inte"})
    assert list(response.context["cl"].result_list) == []


def test_a_stored_material_version_keeps_its_file(admin_client, material):
    page = admin_client.get(f"/admin/dialogue/material/{material.pk}/change/").content.decode()
    assert 'type="file"' not in page  # upload a new version instead of replacing the bytes


def test_changing_lecture_captions_to_broken_ones_keeps_the_old_file(admin_client, lecture, settings):
    before = stored_files(settings)
    data = {
        "title": lecture.title,
        "speaker": lecture.speaker,
        "affiliation": lecture.affiliation,
        "given_on": "2025-05-28",
        "description": "",
        "captions_language": "sv",
        "captions": SimpleUploadedFile("new.vtt", b"not webvtt"),
        "chapters-TOTAL_FORMS": "0",
        "chapters-INITIAL_FORMS": "0",
        "chapters-MIN_NUM_FORMS": "0",
        "chapters-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(f"/admin/dialogue/lecture/{lecture.pk}/change/", data)
    assert response.status_code == 200
    assert "first line must be" in str(response.context["adminform"].form.errors)
    assert stored_files(settings) == before
    assert Lecture.objects.get().captions.name == lecture.captions.name


def test_replacing_the_video_updates_size_and_checksum_and_records_history(admin_client, lecture, settings):
    from dialogue.demo import DEMO_MEDIA

    new_video = (DEMO_MEDIA / "lecture-sample.webm").read_bytes()[:-10]
    data = {
        "title": lecture.title,
        "speaker": lecture.speaker,
        "affiliation": lecture.affiliation,
        "given_on": "2025-05-28",
        "description": "Ny version",
        "captions_language": "sv",
        "video": SimpleUploadedFile("ny.webm", new_video),
        "chapters-TOTAL_FORMS": "0",
        "chapters-INITIAL_FORMS": "0",
        "chapters-MIN_NUM_FORMS": "0",
        "chapters-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(f"/admin/dialogue/lecture/{lecture.pk}/change/", data)
    assert response.status_code == 302
    changed = Lecture.objects.get()
    assert changed.size == len(new_video)
    assert changed.sha256 != lecture.sha256
    assert changed.history.count() == 2


def test_the_demo_editor_records_workshops_in_the_admin_for_its_own_unit_only(client, db):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from dialogue.models import Workshop
    from goals.models import Goal
    from vision.models import Unit

    call_command("load_demo", "--password", "demo", verbosity=0)
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
