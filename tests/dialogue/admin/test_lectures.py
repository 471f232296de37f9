"""Lectures in the admin: files checked by content, chapters kept with the lecture, history recorded."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from dialogue.demo import DEMO_MEDIA
from dialogue.models import Chapter, Lecture
from tests.dialogue.conftest import PNG, form_errors, stored_files, upload
from tests.factories import UserFactory

LECTURE_ADD = "/admin/dialogue/lecture/add/"


def lecture_data(**files):
    data = {
        "title": "Föreläsning",
        "speaker": "Leif Denti",
        "affiliation": "Göteborgs universitet",
        "given_on": "2025-05-28",
        "description": "",
        "captions_language": "sv",
        "video": upload("lecture.webm", (DEMO_MEDIA / "lecture-sample.webm").read_bytes()),
        "captions": upload("lecture.vtt", (DEMO_MEDIA / "lecture-sample.sv.vtt").read_bytes()),
        "chapters-TOTAL_FORMS": "0",
        "chapters-INITIAL_FORMS": "0",
        "chapters-MIN_NUM_FORMS": "0",
        "chapters-MAX_NUM_FORMS": "1000",
    }
    data.update(files)
    return data


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


def test_a_good_lecture_is_stored_with_size_and_checksum(admin_client, settings):
    response = admin_client.post(LECTURE_ADD, lecture_data())
    assert response.status_code == 302, form_errors(response)
    lecture = Lecture.objects.get()
    assert lecture.video_type == "video/webm"
    assert lecture.size == (DEMO_MEDIA / "lecture-sample.webm").stat().st_size
    assert len(stored_files(settings)) == 2


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"video": upload("lecture.mp4", PNG)}, "not an mp4 or webm video"),
        ({"video": upload("lecture.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 60)}, "not an mp4 or webm video"),
        ({"captions": upload("c.vtt", b"1\n00:00:01.000 --> 00:00:02.000\nHej\n")}, "first line must be"),
        (
            {"captions": upload("c.vtt", b"WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nHej\n")},
            "not a valid timing line",
        ),
        (
            {"captions": upload("c.vtt", b"WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nHej\n")},
            "must end after it starts",
        ),
        ({"captions": upload("c.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\xff\xfe\n")}, "UTF-8"),
        ({"captions": upload("c.vtt", b"WEBVTT\n\nNOTE nothing else\n")}, "holds no cues"),
        ({"poster": upload("poster.jpg", b"not an image at all")}, "must be a JPEG, PNG or WebP image"),
    ],
    ids=[
        "png-as-mp4",
        "matroska-not-webm",
        "vtt-no-header",
        "vtt-bad-arrow",
        "vtt-end-first",
        "vtt-not-utf8",
        "vtt-empty",
        "poster",
    ],
)
def test_bad_lecture_files_are_refused_and_nothing_is_stored(admin_client, settings, files, expected):
    response = admin_client.post(LECTURE_ADD, lecture_data(**files))
    assert response.status_code == 200
    assert expected in form_errors(response)
    assert Lecture.objects.count() == 0
    assert stored_files(settings) == []


def test_an_oversize_video_is_refused(admin_client, settings):
    settings.DIALOGUE_MAX_VIDEO_BYTES = 1000
    response = admin_client.post(LECTURE_ADD, lecture_data())
    assert "the largest allowed is" in form_errors(response)
    assert stored_files(settings) == []


def chapter_forms(*rows, initial=0):
    """Inline chapter form data: rows of (id or None, start, title, delete)."""
    data = {
        "chapters-TOTAL_FORMS": str(len(rows)),
        "chapters-INITIAL_FORMS": str(initial),
        "chapters-MIN_NUM_FORMS": "0",
        "chapters-MAX_NUM_FORMS": "1000",
    }
    for index, (pk, start, title, delete) in enumerate(rows):
        data.update({f"chapters-{index}-start": str(start), f"chapters-{index}-title": title})
        if pk is not None:
            data[f"chapters-{index}-id"] = str(pk)
        if delete:
            data[f"chapters-{index}-DELETE"] = "on"
    return data


def test_chapters_are_added_changed_and_removed_with_the_lecture(admin_client, admin_user):
    data = lecture_data(**chapter_forms((None, 0, "Inledning", False), (None, 16, "Mitten", False)))
    response = admin_client.post(LECTURE_ADD, data)
    assert response.status_code == 302, form_errors(response)
    lecture = Lecture.objects.get()
    first, second = lecture.chapters.order_by("start")
    change = {
        "title": lecture.title,
        "speaker": lecture.speaker,
        "affiliation": lecture.affiliation,
        "given_on": "2025-05-28",
        "description": "",
        "captions_language": "sv",
        **chapter_forms(
            (first.pk, 0, "Början", False),
            (second.pk, 16, "Mitten", True),
            (None, 30, "Slut", False),
            initial=2,
        ),
    }
    assert admin_client.post(f"/admin/dialogue/lecture/{lecture.pk}/change/", change).status_code == 302
    assert list(lecture.chapters.values_list("start", "title")) == [(0, "Början"), (30, "Slut")]
    assert {record.history_user for record in Chapter.history.all()} == {admin_user}


def test_staff_with_lecture_rights_who_are_not_administrators_add_no_lecture(client, db, settings):
    staff = UserFactory(username="personal", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_lecture"))
    client.force_login(staff)
    assert client.post(LECTURE_ADD, lecture_data()).status_code == 403
    assert Lecture.objects.count() == 0
    assert stored_files(settings) == []
