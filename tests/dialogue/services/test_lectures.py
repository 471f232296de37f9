"""The lecture services: administrators only; the chapters go with the lecture; files are never reverted."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dialogue import services
from dialogue.demo import DEMO_MEDIA
from dialogue.models import Chapter, Lecture
from tests.dialogue.conftest import stored_files, upload
from tests.factories import LectureFactory


def new_lecture(**fields) -> Lecture:
    values = {
        "title": "Föreläsning",
        "speaker": "Leif Denti",
        "given_on": datetime.date(2025, 5, 28),
        "video": upload("lecture.webm", (DEMO_MEDIA / "lecture-sample.webm").read_bytes()),
    }
    return Lecture(**{**values, **fields})


def chapters_of(lecture) -> list[tuple[int, str]]:
    return list(Chapter.objects.filter(lecture=lecture).values_list("start", "title"))


def test_a_lecture_is_stored_with_its_chapters_in_one_write(admin_user):
    lecture = services.lecture_save(
        lecture=new_lecture(),
        chapters=[Chapter(start=0, title="Inledning"), Chapter(start=16, title="Mitten")],
        by=admin_user,
    )
    assert chapters_of(lecture) == [(0, "Inledning"), (16, "Mitten")]
    assert lecture.history.get().history_user == admin_user
    assert {record.history_user for record in Chapter.history.all()} == {admin_user}


def test_storing_a_lecture_is_refused_to_all_but_administrators(editor, reader, settings):
    for user in [editor, reader]:
        with pytest.raises(PermissionDenied, match="Only an administrator"):
            services.lecture_save(lecture=new_lecture(), chapters=[Chapter(start=0, title="K")], by=user)
    assert (Lecture.objects.count(), Chapter.objects.count()) == (0, 0)
    assert stored_files(settings) == []


def test_changes_chapters_and_deletes_are_refused_to_all_but_administrators(lecture, editor, reader):
    before = (Lecture.objects.values().get(), chapters_of(lecture))
    for user in [editor, reader]:
        changed = Lecture.objects.get()
        changed.title = "Kapad"
        first = changed.chapters.first()
        with pytest.raises(PermissionDenied):
            services.lecture_save(lecture=changed, removed_chapters=[first], check_files=False, by=user)
        with pytest.raises(PermissionDenied):
            services.lecture_revert(record=lecture.history.get(), by=user)
        with pytest.raises(PermissionDenied):
            services.lecture_delete(lecture=changed, by=user)
    assert (Lecture.objects.values().get(), chapters_of(lecture)) == before


def test_chapters_are_changed_added_and_removed_with_the_lecture(lecture, admin_user):
    first, second = lecture.chapters.order_by("start")
    first.title = "Början"
    services.lecture_save(
        lecture=lecture,
        chapters=[first, Chapter(start=30, title="Slut")],
        removed_chapters=[second],
        check_files=False,
        by=admin_user,
    )
    assert chapters_of(lecture) == [(0, "Början"), (30, "Slut")]


def test_a_chapter_of_another_lecture_is_not_taken_over(lecture, admin_user):
    other = LectureFactory(title="En annan", chapters=[(5, "Annans")])
    theirs = other.chapters.get()
    with pytest.raises(ValueError, match="another lecture"):
        services.lecture_save(lecture=lecture, chapters=[theirs], check_files=False, by=admin_user)
    assert chapters_of(other) == [(5, "Annans")]


def test_revert_restores_the_text_and_keeps_files_and_chapters(lecture, admin_user):
    version = lecture.history.get()
    lecture.title, lecture.description = "Fel titel", "Fel text"
    services.lecture_save(lecture=lecture, check_files=False, by=admin_user)
    services.lecture_revert(record=version, by=admin_user)
    stored = Lecture.objects.get()
    assert (stored.title, stored.description, stored.video.name) == (version.title, "", lecture.video.name)
    assert len(chapters_of(lecture)) == 2
    assert stored.history.first().history_user == admin_user


def test_revert_to_a_version_with_another_video_is_refused(lecture, admin_user):
    version = lecture.history.get()
    lecture.video = upload("ny.webm", (DEMO_MEDIA / "lecture-sample.webm").read_bytes()[:-10])
    lecture.title = "Ny film"
    services.lecture_save(lecture=lecture, by=admin_user)
    before = Lecture.objects.values().get()
    with pytest.raises(ValidationError, match="other files"):
        services.lecture_revert(record=version, by=admin_user)
    assert Lecture.objects.values().get() == before


def test_delete_removes_the_chapters_and_a_deleted_lecture_is_not_restored(lecture, admin_user):
    version = lecture.history.get()
    services.lecture_delete(lecture=lecture, by=admin_user)
    assert (Lecture.objects.count(), Chapter.objects.count()) == (0, 0)
    assert {r.history_user for r in Chapter.history.filter(history_type="-")} == {admin_user}
    with pytest.raises(ValidationError, match="deleted lecture"):
        services.lecture_revert(record=version, by=admin_user)
    assert Lecture.objects.count() == 0
