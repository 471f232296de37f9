"""Slide images of a unit's kit, so a manager sees the slides before downloading them.

The images are keyed by the kit's text (dialogue.previews.outline_digest): a
kit with the same goals, language, length and date reuses them, and a changed
goal gets new ones. A manifest beside them says they are complete, so a page
asks the storage one question, not one per slide. The preview is built without
the site's address on the closing slide: the command that renders it has no
request to read the address from.
"""

import json
import time
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404
from django.urls import reverse
from pptx import Presentation

from dialogue import previews
from dialogue.kit.content import kit_content
from dialogue.kit.deck import build_kit
from vision.models import MandatePeriod, Unit

MANIFEST = "manifest.json"
# A web process starts one render per kit, and again only after this long (one may have failed).
RESTART_AFTER_SECONDS = 600
_started: dict[str, float] = {}


def kit_outline(kit: bytes) -> list[dict]:
    """Each slide's number, title, body text and speaker notes."""
    slides = []
    for number, slide in enumerate(Presentation(BytesIO(kit)).slides, start=1):
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        body = "\n".join(
            shape.text_frame.text
            for shape in slide.placeholders
            if shape.has_text_frame and shape.placeholder_format.idx != 0
        )
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        slides.append({"number": number, "title": title, "body": body, "notes": notes})
    return slides


def preview_kit(*, unit: Unit, period: MandatePeriod, language: str, minutes: int) -> list[dict]:
    return kit_outline(build_kit(kit_content(unit=unit, period=period), language=language, minutes=minutes))


def stored_images(outline: list[dict], storage=default_storage) -> list[dict] | None:
    """The images of this kit (number, name, width, height), or None if they have not been made."""
    manifest = f"{previews.kit_prefix(previews.outline_digest(outline))}/{MANIFEST}"
    if not storage.exists(manifest):
        return None
    with storage.open(manifest, "rb") as handle:
        return json.load(handle)


def schedule_kit_previews(
    *, unit: Unit, period: MandatePeriod, language: str, minutes: int, digest: str
) -> bool:
    """Start rendering this kit's images outside the request; False where nothing will make them."""
    if not previews.can_render() or getattr(settings, "DIALOGUE_PREVIEWS", "process") != "process":
        return False
    now = time.monotonic()
    if now - _started.get(digest, -RESTART_AFTER_SECONDS) >= RESTART_AFTER_SECONDS:
        _started[digest] = now
        previews.start_render_process(
            ["--kit", unit.slug, "--period", period.slug, "--lang", language, "--minutes", str(minutes)]
        )
    return True


def render_kit_previews(*, unit_slug: str, period_slug: str | None, language: str, minutes: int) -> int:
    """Render a unit's kit and store its images with their manifest; the number of slides."""
    unit = get_object_or_404(Unit, slug=unit_slug)
    period = (
        get_object_or_404(MandatePeriod, slug=period_slug)
        if period_slug
        else MandatePeriod.objects.current_first().first()
    )
    kit = build_kit(kit_content(unit=unit, period=period), language=language, minutes=minutes)
    prefix = previews.kit_prefix(previews.outline_digest(kit_outline(kit)))
    images = previews.render_deck(BytesIO(kit), prefix)
    manifest = [image.as_json() for image in images]
    default_storage.save(f"{prefix}/{MANIFEST}", ContentFile(json.dumps(manifest).encode()))
    return len(images)


def image_url(name: str) -> str:
    return reverse("dialogue-preview-image", kwargs={"name": name})
