"""Slide images of a deck: LibreOffice (headless) makes a PDF, PDFium draws one PNG per page.

Rendering a large deck takes minutes, so it never runs inside a web request:
an upload schedules ``manage.py render_previews --material ID`` as a separate
process once the upload's transaction has committed (DIALOGUE_PREVIEWS =
"process", the default), or leaves it to an operator or a timer
(DIALOGUE_PREVIEWS = "manual"). The images are stored through Django's storage
API, so they land in S3 where the media do.
"""

import hashlib
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

# Wide enough to read a slide's title in a strip; a 16:9 slide is 640 × 360.
PREVIEW_WIDTH = 640
CONVERT_TIMEOUT = 900


class RenderError(Exception):
    """LibreOffice or PDFium could not make the images; the message says why."""


@dataclass(frozen=True)
class SlideImage:
    number: int
    name: str  # in storage
    width: int
    height: int

    def as_json(self) -> dict:
        return {"number": self.number, "name": self.name, "width": self.width, "height": self.height}


@cache
def soffice() -> str | None:
    """LibreOffice's command, or None where it is not installed."""
    return getattr(settings, "DIALOGUE_SOFFICE", "") or shutil.which("soffice") or shutil.which("libreoffice")


def can_render() -> bool:
    return soffice() is not None


def deck_to_pdf(deck: Path, workdir: Path) -> Path:
    """Convert ``deck`` to PDF with a LibreOffice profile of its own, so conversions can run side by side."""
    command = soffice()
    if command is None:
        raise RenderError("LibreOffice (soffice) is not installed.")
    try:
        result = subprocess.run(
            [
                command,
                f"-env:UserInstallation=file://{workdir / 'profile'}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(workdir),
                str(deck),
            ],
            capture_output=True,
            text=True,
            timeout=CONVERT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise RenderError(f"LibreOffice took longer than {CONVERT_TIMEOUT} seconds.") from error
    pdf = workdir / f"{deck.stem}.pdf"
    if not pdf.exists():
        raise RenderError(
            f"LibreOffice did not convert the deck: {(result.stderr or result.stdout).strip()[:500]}"
        )
    return pdf


def pdf_to_pngs(pdf: Path, width: int = PREVIEW_WIDTH):
    """Each page of ``pdf`` as (png bytes, width, height), drawn ``width`` pixels wide."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        for index in range(len(document)):
            page = document[index]
            scale = width / page.get_width()
            image = page.render(scale=scale).to_pil()
            output = BytesIO()
            image.save(output, format="PNG")
            yield output.getvalue(), image.width, image.height
            page.close()
    finally:
        document.close()


def render_deck(source, prefix: str, storage=default_storage) -> list[SlideImage]:
    """Render the deck read from ``source`` (a binary file) and store one PNG per slide under ``prefix``.

    Nothing is stored unless every slide was drawn: a failure leaves no stray images.
    """
    stored: list[SlideImage] = []
    with tempfile.TemporaryDirectory(prefix="previews-") as folder:
        workdir = Path(folder)
        deck = workdir / "deck.pptx"
        with deck.open("wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        pdf = deck_to_pdf(deck, workdir)
        try:
            for number, (png, width, height) in enumerate(pdf_to_pngs(pdf), start=1):
                name = storage.save(f"{prefix}/slide-{number:03d}.png", ContentFile(png))
                stored.append(SlideImage(number, name, width, height))
        except Exception:
            for image in stored:
                storage.delete(image.name)
            raise
    return stored


def kit_prefix(kit_bytes_digest: str) -> str:
    return f"dialogue/previews/kit-{kit_bytes_digest}"


def outline_digest(slides: list[dict]) -> str:
    """A key for a kit's images: its text, not its bytes (a zip's timestamps change every build)."""
    text = "\x1e".join(f"{slide['title']}\x1f{slide['body']}\x1f{slide['notes']}" for slide in slides)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def schedule_material_previews(material_id: int) -> None:
    """Have the material's slides rendered once the upload has committed, outside the request."""
    if getattr(settings, "DIALOGUE_PREVIEWS", "process") != "process":
        return
    transaction.on_commit(lambda: start_render_process(["--material", str(material_id)]))


def start_render_process(arguments: list[str]) -> subprocess.Popen:
    """``manage.py render_previews`` in a process of its own that outlives the request."""
    return subprocess.Popen(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "render_previews", *arguments],
        cwd=settings.BASE_DIR,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
