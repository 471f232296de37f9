"""Slide images: rendered outside the upload request, stored through the storage API, shown as a strip.

One test runs LibreOffice (three conversions: it is slow); the others stand in
for it, so they run everywhere.
"""

import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from pptx import Presentation
from pptx.util import Inches

from dialogue import previews
from dialogue.kit import previews as kit_previews
from dialogue.models import Material, PreviewStatus
from goals.demo import VISION_TITLE, load_goals
from goals.models import Goal
from tests.browser import SCREENSHOTS
from tests.conftest import skip_or_fail
from tests.dialogue.conftest import upload
from tests.dialogue.kit_support import open_kit, slide_titles, unit_with_goals
from tests.dialogue.test_kit import MOST_SLIDES, assert_well_formed
from vision.models import MandatePeriod, Unit

MATERIAL_ADD = "/admin/dialogue/material/add/"


def generated_deck(slides: int) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    for number in range(1, slides + 1):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = f"Bild {number}: vad betyder visionen för oss?"
        slide.placeholders[1].text_frame.text = f"Exempeltext för bild {number}."
        slide.notes_slide.notes_text_frame.text = f"Talarmanus för bild {number}."
    output = BytesIO()
    deck.save(output)
    return output.getvalue()


def require_libreoffice():
    if not previews.can_render():
        skip_or_fail(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-impress-nogui",
            "REQUIRE_LIBREOFFICE",
        )


def post_deck(client, data: bytes):
    response = client.post(
        MATERIAL_ADD, {"title": "Dialogmaterial", "version": "1", "file": upload("deck.pptx", data)}
    )
    assert response.status_code == 302, response.content[:2000]
    return Material.objects.get()


def test_an_upload_schedules_the_rendering_after_commit_and_the_request_renders_nothing(
    admin_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DIALOGUE_PREVIEWS = "process"
    started = []
    monkeypatch.setattr(previews, "start_render_process", started.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        material = post_deck(admin_client, generated_deck(3))
    # The request has returned: no image exists yet, and nothing was started inside it.
    assert material.previews == [] and material.previews_status == PreviewStatus.PENDING
    assert started == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert started == [["--material", str(material.pk)]]


def test_manual_mode_schedules_nothing(admin_client, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(previews, "start_render_process", lambda arguments: pytest.fail("started"))
    with django_capture_on_commit_callbacks(execute=True):
        post_deck(admin_client, generated_deck(2))


def test_without_libreoffice_the_pages_show_the_outline_and_say_so(
    reader_client, monkeypatch, small_tree, office
):
    from tests.factories import MaterialFactory

    MaterialFactory()
    monkeypatch.setattr(previews, "soffice", lambda: None)
    page = reader_client.get("/dialogue/").content.decode()
    assert "LibreOffice is not installed on the server" in page
    assert 'class="slide-strip"' in page and "Bild 1" in page and "<img" not in page
    page = reader_client.get(f"/dialogue/kit/{office.slug}/preview/?lang=en").content.decode()
    assert "LibreOffice is not installed on the server" in page
    assert "Agenda, 90 minutes" in page and "Solpaneler på skolor" not in page.split("<h2")[0]
    with pytest.raises(Exception, match="LibreOffice"):
        call_command("render_previews")


def test_only_rendered_slide_images_are_served(reader_client, settings):
    default_storage.save("dialogue/previews/material-1-abc/slide-001.png", BytesIO(b"\x89PNG fake"))
    assert (
        reader_client.get("/dialogue/previews/dialogue/previews/material-1-abc/slide-001.png").status_code
        == 200
    )
    default_storage.save("dialogue/material/secret.pptx", BytesIO(b"PK"))
    for name in ["dialogue/material/secret.pptx", "dialogue/previews/../material/secret.pptx"]:
        assert reader_client.get(f"/dialogue/previews/{name}").status_code == 404


def _copy_to_screenshots(names: list[str], prefix: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in names:
        with default_storage.open(name, "rb") as source:
            (SCREENSHOTS / f"{prefix}-{Path(name).name}").write_bytes(source.read())


@pytest.mark.django_db
def test_every_demo_kit_and_a_50_goal_kit_convert_to_a_page_per_slide_and_previews_are_shown(
    admin_user, reader_client, tmp_path
):
    """The slow one (three LibreOffice runs): kits and a 60-slide deck become images, shown as a strip."""
    load_goals()
    period = MandatePeriod.objects.current()
    vision = Goal.objects.visions().get(title=VISION_TITLE)
    council = Unit.objects.get(slug="kommunfullmaktige")
    fifty = unit_with_goals(vision=vision, period=period, council=council, count=50, name="Femtiokontoret")

    # 1. Every demo unit's kit and the 50-goal kit: well formed, then converted in one LibreOffice run.
    kits = {}
    for unit in Unit.objects.filter(goals__isnull=False).distinct():
        response, deck = open_kit(reader_client, unit.slug)
        assert_well_formed(deck)
        assert unit.name in slide_titles(deck)[0]
        (tmp_path / f"{unit.slug}.pptx").write_bytes(response.content)
        kits[unit.slug] = len(deck.slides)
    assert len(kits) >= 9 and kits[fifty.slug] == MOST_SLIDES
    require_libreoffice()
    result = subprocess.run(
        [
            previews.soffice(),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *[str(tmp_path / f"{slug}.pptx") for slug in kits],
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    import pypdfium2

    for slug, slides in kits.items():
        pdf = tmp_path / "pdf" / f"{slug}.pdf"
        assert pdf.exists(), result.stdout + result.stderr
        assert len(pypdfium2.PdfDocument(str(pdf))) == slides, slug
    pages = list(previews.pdf_to_pngs(tmp_path / "pdf" / "utbildningskontoret.pdf"))
    assert len(pages) == kits["utbildningskontoret"] and all(
        png.startswith(b"\x89PNG") for png, _w, _h in pages
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for number in (1, 2, 3, 4):
        (SCREENSHOTS / f"kit-utbildningskontoret-slide-{number}.png").write_bytes(pages[number - 1][0])

    # 2. A 60-slide deck: the upload returns with no images; the command makes them.
    admin_client = Client()  # reader_client is the test's one client, signed in as the reader
    admin_client.force_login(admin_user)
    material = post_deck(admin_client, generated_deck(60))
    assert material.previews == []
    assert "The slide images are being made" in reader_client.get("/dialogue/").content.decode()
    call_command("render_previews", material=material.pk)
    material.refresh_from_db()
    assert material.previews_status == PreviewStatus.READY and len(material.previews) == 60
    assert {image["width"] for image in material.previews} == {previews.PREVIEW_WIDTH}
    page = reader_client.get("/dialogue/").content.decode()
    assert page.count('<li id="slide-') == 60 and page.count("<img") >= 60
    assert "The slide images are being made" not in page
    first = reader_client.get(material.slides()[0]["image_url"])
    assert first.status_code == 200 and first["Content-Type"] == "image/png"
    _copy_to_screenshots([material.previews[0]["name"], material.previews[59]["name"]], "deck")

    # 3. A kit's preview page: the outline until the command has made the images, then the images.
    preview_url = f"/dialogue/kit/{fifty.slug}/preview/"
    assert "<img" not in reader_client.get(preview_url).content.decode()
    call_command("render_previews", kit=fifty.slug)
    page = reader_client.get(preview_url).content.decode()
    assert page.count("<img") == kits[fifty.slug]
    outline = kit_previews.preview_kit(unit=fifty, period=period, language="sv", minutes=90)
    # A person looks at these: test-artifacts/screenshots.
    _copy_to_screenshots(
        [image["name"] for image in kit_previews.stored_images(outline)[3:5]], "kit-50-goals"
    )
