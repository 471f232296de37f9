"""The dialogue page: material, lecture, questions and the period's workshops, at flat query counts."""

import datetime

from dialogue.models import Chapter, Lecture
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


def test_the_dialogue_page_lists_workshops_of_the_current_period_per_unit(
    reader_client, small_tree, office, period
):
    WorkshopFactory(
        unit=office,
        held_on=datetime.date(2025, 9, 10),
        important="Läsning i fokus",
        goals=[small_tree["first"]],
    )
    WorkshopFactory(unit=office, held_on=datetime.date(2019, 3, 1), important="Gammal workshop")
    page = reader_client.get("/dialogue/").content.decode()
    assert "Läsning i fokus" in page and "Solpaneler på skolor" in page
    assert "Gammal workshop" not in page
    assert office.name in page
