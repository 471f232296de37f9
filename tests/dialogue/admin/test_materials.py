"""Material in the admin: every upload refusal is a clear message and leaves no file behind."""

import io
import zipfile

import pytest
from django.contrib.auth.models import Permission

from dialogue import services
from dialogue.models import Material
from tests.dialogue.conftest import PNG, form_errors, stored_files, upload
from tests.factories import UserFactory, _sample_pptx

MATERIAL_ADD = "/admin/dialogue/material/add/"


def post_material(client, data: bytes, name: str = "dialogmaterial.pptx"):
    return client.post(MATERIAL_ADD, {"title": "Dialogmaterial", "version": "1", "file": upload(name, data)})


def zip_with_bomb(size: int) -> bytes:
    """A real deck plus one member of zeros that packs to almost nothing."""
    buffer = io.BytesIO(_sample_pptx())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ppt/media/image99.bin", b"\x00" * size)
    return buffer.getvalue()


def test_material_search_finds_words_in_the_outline(admin_client, material):
    response = admin_client.get("/admin/dialogue/material/", {"q": "Anteckning"})
    assert list(response.context["cl"].result_list) == [material]
    response = admin_client.get("/admin/dialogue/material/", {"q": "finns inte"})
    assert list(response.context["cl"].result_list) == []


def test_a_stored_material_version_keeps_its_file(admin_client, material):
    page = admin_client.get(f"/admin/dialogue/material/{material.pk}/change/").content.decode()
    assert 'type="file"' not in page  # upload a new version instead of replacing the bytes


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


@pytest.fixture
def staff_with_material_rights(db):
    """Staff holding every material permission of the admin, but no administrator."""
    user = UserFactory(username="personal", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__endswith="_material"))
    return user


def test_only_administrators_add_change_or_delete_material(
    client, staff_with_material_rights, material, settings
):
    before, files = Material.objects.values().get(), stored_files(settings)
    client.force_login(staff_with_material_rights)
    assert client.get(MATERIAL_ADD).status_code == 403
    assert post_material(client, _sample_pptx()).status_code == 403
    change = f"/admin/dialogue/material/{material.pk}/change/"
    assert client.get(change).status_code == 200  # viewing stays open to those granted it
    assert client.post(change, {"title": "Kapad", "version": "9"}).status_code == 403
    assert client.post(f"/admin/dialogue/material/{material.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Material.objects.values().get() == before
    assert stored_files(settings) == files


def test_correcting_the_title_is_recorded_as_the_administrators_change(admin_client, admin_user, material):
    response = admin_client.post(
        f"/admin/dialogue/material/{material.pk}/change/", {"title": "Rättad titel", "version": "2.0"}
    )
    assert response.status_code == 302
    stored = Material.objects.get()
    assert (stored.title, stored.sha256, stored.file.name) == (
        "Rättad titel",
        material.sha256,
        material.file.name,
    )
    assert stored.history.first().history_user == admin_user


def test_deleting_material_in_the_admin_is_recorded_and_keeps_the_file(admin_client, admin_user, material):
    pk = material.pk
    response = admin_client.post(f"/admin/dialogue/material/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Material.objects.exists()
    assert Material.history.get(id=pk, history_type="-").history_user == admin_user
    assert material.file.storage.exists(material.file.name)  # the history still points at it


def test_deleting_selected_material_goes_through_the_service(admin_client, admin_user, material):
    other = services.material_upload(
        material=Material(title="Annat material", version="1", file=upload("annat.pptx", _sample_pptx())),
        by=admin_user,
    )
    response = admin_client.post(
        "/admin/dialogue/material/",
        {"action": "delete_selected", "_selected_action": [material.pk, other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Material.objects.exists()
    assert {r.history_user for r in Material.history.filter(history_type="-")} == {admin_user}
