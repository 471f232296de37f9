"""Every upload refusal is a clear message in the admin form and leaves no file behind."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from dialogue import services, validation
from dialogue.demo import DEMO_MEDIA
from dialogue.models import Lecture, Material
from tests.dialogue.conftest import stored_files
from tests.factories import _sample_pptx

MATERIAL_ADD = "/admin/dialogue/material/add/"
LECTURE_ADD = "/admin/dialogue/lecture/add/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def post_material(client, data: bytes, name: str = "dialogmaterial.pptx"):
    return client.post(MATERIAL_ADD, {"title": "Dialogmaterial", "version": "1", "file": upload(name, data)})


def form_errors(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def zip_with_bomb(size: int) -> bytes:
    """A real deck plus one member of zeros that packs to almost nothing."""
    buffer = io.BytesIO(_sample_pptx())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ppt/media/image99.bin", b"\x00" * size)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PNG, "dialogmaterial.pptx", "neither a PowerPoint presentation (pptx) nor a PDF"),
        (b"hello, not a pdf", "dialogmaterial.pdf", "neither a PowerPoint presentation (pptx) nor a PDF"),
        (b"PK\x03\x04 truncated archive", "dialogmaterial.pptx", "not a valid pptx archive"),
    ],
    ids=["png-named-pptx", "text-named-pdf", "broken-zip"],
)
def test_material_of_the_wrong_type_is_refused_whatever_its_name(
    admin_client, settings, data, name, expected
):
    response = post_material(admin_client, data, name)
    assert response.status_code == 200
    assert expected in form_errors(response)
    assert Material.objects.count() == 0
    assert stored_files(settings) == []


def test_a_zip_that_is_not_a_presentation_is_refused(admin_client, settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    response = post_material(admin_client, buffer.getvalue())
    assert "not a PowerPoint presentation python-pptx can open" in form_errors(response)
    assert stored_files(settings) == []


def test_an_empty_material_is_refused(admin_client, settings):
    response = post_material(admin_client, b"")
    assert "empty" in form_errors(response)
    assert Material.objects.count() == 0
    assert stored_files(settings) == []


def test_the_service_itself_refuses_an_empty_file(db, settings):
    with pytest.raises(validation.ValidationError, match="The file is empty"):
        validation.inspect_material(upload("x.pptx", b""))


def test_an_oversize_material_is_refused_with_both_sizes(admin_client, settings):
    settings.DIALOGUE_MAX_MATERIAL_BYTES = 10_000
    data = _sample_pptx()
    assert len(data) > 10_000
    response = post_material(admin_client, data)
    assert "the largest allowed is 9.8\xa0KB" in form_errors(response)
    assert Material.objects.count() == 0
    assert stored_files(settings) == []


def test_a_zip_bomb_is_refused_before_python_pptx_opens_it(admin_client, settings, monkeypatch):
    settings.DIALOGUE_MAX_UNPACKED_BYTES = 5 * 2**20
    data = zip_with_bomb(20 * 2**20)
    assert len(data) < 200_000  # 20 MB of zeros packs small: that is the attack
    opened = []
    monkeypatch.setattr("pptx.Presentation", lambda *a, **k: opened.append(1))
    response = post_material(admin_client, data)
    assert "would unpack to" in form_errors(response)
    assert opened == []
    assert Material.objects.count() == 0
    assert stored_files(settings) == []


def test_too_many_archive_members_are_refused(admin_client, settings):
    settings.DIALOGUE_MAX_ARCHIVE_MEMBERS = 10
    response = post_material(admin_client, _sample_pptx())
    assert "parts; the most allowed is 10" in form_errors(response)
    assert stored_files(settings) == []


def test_a_good_pptx_is_stored_with_its_facts_and_outline(admin_client, admin_user, settings):
    data = _sample_pptx([("Vår vision", "Läs högt"), ("Vad betyder det för oss?", "")])
    response = post_material(admin_client, data)
    assert response.status_code == 302
    material = Material.objects.get()
    assert material.kind == "pptx"
    assert material.size == len(data)
    assert material.slide_count == 2
    assert material.outline[0] == {"number": 1, "title": "Vår vision", "notes": "Läs högt"}
    assert material.uploaded_by == admin_user
    assert material.history.count() == 1
    assert Material.objects.matching("betyder det").get() == material
    assert material.file.storage.open(material.file.name).read() == data
    import hashlib

    assert material.sha256 == hashlib.sha256(data).hexdigest()


def test_a_pdf_is_accepted_and_its_pages_counted(admin_client):
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Pages /Count 2 >>\n2 0 obj << /Type /Page >>\n3 0 obj << /Type/Page >>\n%%EOF"
    response = post_material(admin_client, pdf, "material.pdf")
    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.kind, material.slide_count) == ("pdf", 2)


def test_a_failed_save_after_storing_removes_the_file(db, settings, monkeypatch):
    def failing_save(self, *args, **kwargs):
        self.file.save(self.file.name, self.file.file, save=False)
        assert stored_files(settings) != []
        raise IntegrityError("simulated")

    monkeypatch.setattr(Material, "save", failing_save)
    material = Material(title="T", version="1", file=upload("deck.pptx", _sample_pptx()))
    with pytest.raises(IntegrityError):
        services.material_upload(material=material)
    assert stored_files(settings) == []


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
        ({"poster": upload("poster.jpg", b"not an image at all")}, "not an image that can be read"),
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


def test_webvtt_parser_reads_cues_with_identifiers_and_hours():
    cues = validation.parse_webvtt(
        "\ufeffWEBVTT\n\nintro\n01:00:01.500 --> 01:00:02.000 align:start\nHej\nhopp\n"
    )
    assert cues == [(3601.5, 3602.0, "Hej\nhopp")]


def test_add_material_command_stores_a_deck_and_refuses_a_bad_file(db, settings, tmp_path):
    from django.core.management import CommandError, call_command

    deck = tmp_path / "dialogmaterial.pptx"
    deck.write_bytes(_sample_pptx([("Vår vision", "Anteckning")]))
    call_command(
        "add_material", str(deck), "--title", "Dialogmaterial", "--material-version", "3", verbosity=0
    )
    material = Material.objects.get()
    assert (material.version, material.slide_count, material.size) == ("3", 1, deck.stat().st_size)

    fake = tmp_path / "fake.pptx"
    fake.write_bytes(PNG)
    with pytest.raises(CommandError, match="neither a PowerPoint presentation"):
        call_command(
            "add_material", str(fake), "--title", "Dialogmaterial", "--material-version", "4", verbosity=0
        )
    assert Material.objects.count() == 1
    assert len(stored_files(settings)) == 1
