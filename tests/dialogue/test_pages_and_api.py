"""The dialogue page, its query counts, the JSON API and the demo media."""

import datetime

import pytest
from django.test import Client

from dialogue.demo import load_media
from dialogue.models import Chapter, Lecture, Material, Workshop
from tests.dialogue.conftest import stored_files
from tests.factories import GoalFactory, MaterialFactory, UnitFactory, WorkshopFactory


def test_the_page_shows_material_outline_lecture_chapters_and_questions(reader_client, material, lecture):
    page = reader_client.get("/dialogue/").content.decode()
    assert material.title in page and "2.0" in page
    assert material.file_url in page and "Bild 1" in page and "Anteckning 1" in page
    assert f'src="{lecture.video_url}"' in page
    assert f'src="{lecture.captions_url}" srclang="sv"' in page
    assert 'data-seek="16"' in page and "Vad betyder det för oss?" in page
    assert "What does this mean for us?" in page
    assert "style=" not in page and "<script>" not in page  # the CSP forbids both


def test_the_page_without_any_media_says_so(reader_client, db):
    page = reader_client.get("/dialogue/").content.decode()
    assert "No dialogue material has been uploaded yet." in page
    assert "No lecture has been published yet." in page


def test_the_page_needs_sign_in(client, db):
    assert client.get("/dialogue/").status_code == 302


def _add_workshops(small_tree, period, count):
    for n in range(count):
        unit = UnitFactory()
        goal = GoalFactory(parent=small_tree["council"], level="unit", owner=unit, period=period)
        WorkshopFactory(
            unit=unit, held_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=n), goals=[goal]
        )
        Chapter.objects.create(
            lecture=Lecture.objects.get(), start=100 + Chapter.objects.count(), title=f"Kapitel {n}"
        )
        MaterialFactory()


def test_page_queries_stay_flat_with_ten_times_more_data(
    reader_client, small_tree, period, lecture, django_assert_max_num_queries
):
    _add_workshops(small_tree, period, 2)
    with django_assert_max_num_queries(12):
        first = reader_client.get("/dialogue/")
    _add_workshops(small_tree, period, 20)
    with django_assert_max_num_queries(12):
        second = reader_client.get("/dialogue/")
    assert first.content.decode().count('class="workshop"') == 2
    assert second.content.decode().count('class="workshop"') == 22


def test_api_lists_material_and_lectures_with_urls_sizes_and_checksums(reader_client, material, lecture):
    materials = reader_client.get("/api/dialogue/materials/").json()["results"]
    assert materials[0]["file_url"] == f"http://testserver{material.file_url}"
    assert {k: materials[0][k] for k in ("title", "version", "size", "sha256", "slide_count")} == {
        "title": material.title,
        "version": "2.0",
        "size": material.size,
        "sha256": material.sha256,
        "slide_count": 1,
    }
    lectures = reader_client.get("/api/dialogue/lectures/").json()["results"]
    assert lectures[0]["video_url"].endswith(lecture.video_url)
    assert lectures[0]["captions_url"].endswith(lecture.captions_url)
    assert (lectures[0]["size"], lectures[0]["sha256"]) == (lecture.size, lecture.sha256)
    assert [c["start"] for c in lectures[0]["chapters"]] == [0, 16]
    detail = reader_client.get(f"/api/dialogue/materials/{material.pk}/").json()
    assert detail["sha256"] == material.sha256
    # The URL the API gives out is the protected view: it serves the bytes to this user.
    assert reader_client.get(material.file_url).status_code == 200


def test_api_refuses_anonymous_callers(db):
    assert Client().get("/api/dialogue/materials/").status_code in (401, 403)


def test_api_is_read_only(reader_client, material):
    assert reader_client.post("/api/dialogue/materials/", {}).status_code == 405
    assert reader_client.delete(f"/api/dialogue/materials/{material.pk}/").status_code == 405


def test_api_queries_stay_flat(reader_client, lecture, django_assert_max_num_queries):
    for n in range(20):
        Chapter.objects.create(lecture=lecture, start=200 + n, title=f"K{n}")
        MaterialFactory()
    with django_assert_max_num_queries(5):  # session, user, count, page, prefetch
        reader_client.get("/api/dialogue/lectures/")
    with django_assert_max_num_queries(5):  # session, user, count, page, prefetch
        reader_client.get("/api/dialogue/materials/")


def test_the_schema_documents_the_dialogue_endpoints_and_is_valid(db):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert "/api/dialogue/materials/" in schema["paths"]
    assert "/api/dialogue/lectures/{id}/" in schema["paths"]
    material = schema["components"]["schemas"]["Material"]["properties"]
    assert material["file_url"]["format"] == "uri"
    lecture = schema["components"]["schemas"]["Lecture"]["properties"]
    assert lecture["captions_url"]["nullable"] is True


def test_load_media_is_idempotent_and_marks_sample_text(db, settings, small_tree):
    from vision.models import Unit

    Unit.objects.create(slug="samhallsbyggnadskontoret", name="Samhällsbyggnadskontoret", kind="office")
    assert load_media() is True
    counts = (
        Material.objects.count(),
        Lecture.objects.count(),
        Chapter.objects.count(),
        Workshop.objects.count(),
    )
    files = stored_files(settings)
    assert counts == (1, 1, 4, 2)
    assert load_media() is False
    assert (
        Material.objects.count(),
        Lecture.objects.count(),
        Chapter.objects.count(),
        Workshop.objects.count(),
    ) == counts
    assert stored_files(settings) == files
    assert all(w.important.startswith("Exempeltext") for w in Workshop.objects.all())
    assert Lecture.objects.get().description.startswith("Exempeltext")
    assert Material.objects.get().slide_count == 7


def test_the_demo_video_is_small_enough_for_the_repository():
    from dialogue.demo import DEMO_MEDIA

    assert (DEMO_MEDIA / "lecture-sample.webm").stat().st_size < 1_000_000


@pytest.mark.django_db
def test_load_demo_twice_adds_no_media(settings):
    from django.core.management import call_command

    call_command("load_demo", "--no-accounts", verbosity=0)
    counts = (Material.objects.count(), Lecture.objects.count(), Workshop.objects.count())
    assert counts == (1, 1, 2)
    assert Workshop.objects.filter(goals__isnull=False).distinct().count() == 2
    call_command("load_demo", "--no-accounts", verbosity=0)
    assert (Material.objects.count(), Lecture.objects.count(), Workshop.objects.count()) == counts
    assert len(stored_files(settings)) == 4
