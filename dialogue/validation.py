"""Upload checks by content, never by name, and the facts read while checking.

Every check reads the upload in chunks and raises ValidationError with a message
the uploader can act on. Nothing here writes to storage: a refused upload is
refused before anything is saved.
"""

import hashlib
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from dialogue.models import MaterialKind

CHUNK = 1024 * 1024
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
VTT_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
VTT_TIMING = re.compile(rf"^{VTT_TIMESTAMP}[ \t]+-->[ \t]+{VTT_TIMESTAMP}(?:[ \t].*)?$")
VTT_HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")

PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# What each field may hold, decided from the bytes; anything else is refused at upload
# and, should it be stored anyway, served only as an attachment.
ALLOWED_TYPES = {
    "poster": {"image/png", "image/jpeg", "image/webp"},
    "video": {"video/mp4", "video/webm"},
    "captions": {"text/vtt"},
    "material": {PPTX_TYPE, "application/pdf"},
}
# Types a browser may show inline from our origin: none of them runs script.
INLINE_TYPES = ALLOWED_TYPES["poster"] | ALLOWED_TYPES["video"] | ALLOWED_TYPES["captions"]
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "text/vtt": "vtt",
    PPTX_TYPE: "pptx",
    "application/pdf": "pdf",
}
# Bytes read to tell the types apart.
SNIFF_BYTES = 64

DEFAULT_LIMITS = {
    "DIALOGUE_MAX_MATERIAL_BYTES": 300 * 2**20,
    "DIALOGUE_MAX_VIDEO_BYTES": 4 * 2**30,
    "DIALOGUE_MAX_CAPTIONS_BYTES": 2 * 2**20,
    "DIALOGUE_MAX_POSTER_BYTES": 10 * 2**20,
    "DIALOGUE_MAX_UNPACKED_BYTES": 1 * 2**30,
    "DIALOGUE_MAX_ARCHIVE_MEMBERS": 20_000,
    # Unpacked size over packed size: XML compresses ten- to twentyfold, media not at all;
    # a zip bomb a thousandfold. Checked for archives past DIALOGUE_RATIO_FROM_BYTES unpacked.
    "DIALOGUE_MAX_COMPRESSION_RATIO": 100,
    "DIALOGUE_RATIO_FROM_BYTES": 32 * 2**20,
}


def sniff_type(head: bytes) -> str | None:
    """The media type the first bytes show, among those any field allows; None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    video = video_type(head)
    if video:
        return video
    if VTT_HEADER.match(
        head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r").decode("ascii", "replace")
    ):
        return "text/vtt"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return PPTX_TYPE
    return None


def allowed_type(field: str, head: bytes) -> str | None:
    """The type of ``head`` if ``field`` allows it (ALLOWED_TYPES), else None."""
    found = sniff_type(head)
    return found if found in ALLOWED_TYPES[field] else None


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULT_LIMITS[name]))


@dataclass
class FileFacts:
    size: int
    sha256: str
    kind: str = ""
    content_type: str = ""
    slide_count: int | None = None
    outline: list = field(default_factory=list)

    @property
    def outline_text(self) -> str:
        return "\n".join(f"{slide['title']}\n{slide['notes']}".strip() for slide in self.outline)


def _check_size(upload, setting: str) -> int:
    size = upload.size
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    maximum = limit(setting)
    if size > maximum:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(maximum)},
            code="too_large",
        )
    return size


def _head(upload, length: int = 64) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def _digest(upload) -> str:
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks(CHUNK) if hasattr(upload, "chunks") else iter(lambda: upload.read(CHUNK), b""):
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def _check_archive(upload) -> None:
    """Refuse archives whose parts would unpack past the limits (zip bombs), from the
    central directory alone: sizes, part count and compression ratio are read there,
    before a single part is unpacked, in constant memory."""
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise ValidationError(
            _("The file is not a PowerPoint presentation: it is not a valid pptx archive."), code="not_pptx"
        ) from error
    finally:
        upload.seek(0)
    if len(members) > limit("DIALOGUE_MAX_ARCHIVE_MEMBERS"):
        raise ValidationError(
            _("The presentation holds %(count)d parts; the most allowed is %(limit)d.")
            % {"count": len(members), "limit": limit("DIALOGUE_MAX_ARCHIVE_MEMBERS")},
            code="zip_bomb",
        )
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > limit("DIALOGUE_MAX_UNPACKED_BYTES"):
        raise ValidationError(
            _("The presentation would unpack to %(size)s, more than the allowed %(limit)s; it is refused.")
            % {
                "size": filesizeformat(unpacked),
                "limit": filesizeformat(limit("DIALOGUE_MAX_UNPACKED_BYTES")),
            },
            code="zip_bomb",
        )
    ratio = limit("DIALOGUE_MAX_COMPRESSION_RATIO")
    if unpacked > limit("DIALOGUE_RATIO_FROM_BYTES") and unpacked > ratio * max(packed, 1):
        raise ValidationError(
            _(
                "The presentation would unpack to %(size)s from %(packed)s, more than %(ratio)d times its "
                "packed size; it is refused as a possible zip bomb."
            )
            % {"size": filesizeformat(unpacked), "packed": filesizeformat(packed), "ratio": ratio},
            code="zip_bomb",
        )


def _outline(presentation) -> list[dict]:
    outline = []
    for number, slide in enumerate(presentation.slides, start=1):
        title = ""
        if slide.shapes.title is not None and slide.shapes.title.has_text_frame:
            title = slide.shapes.title.text_frame.text
        if not title:
            title = next(
                (
                    shape.text_frame.text
                    for shape in slide.shapes
                    if shape.has_text_frame and shape.text_frame.text
                ),
                "",
            )
        # has_notes_slide first: reading notes_slide would create an empty one.
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        outline.append({"number": number, "title": title.strip(), "notes": (notes or "").strip()})
    return outline


def inspect_pptx(upload) -> FileFacts:
    from pptx import Presentation

    _check_archive(upload)
    try:
        presentation = Presentation(upload)
    except Exception as error:  # python-pptx raises many kinds for a broken or foreign package
        raise ValidationError(
            _("The file is not a PowerPoint presentation python-pptx can open."), code="not_pptx"
        ) from error
    finally:
        upload.seek(0)
    outline = _outline(presentation)
    return FileFacts(
        size=upload.size,
        sha256=_digest(upload),
        kind=MaterialKind.PPTX,
        content_type=PPTX_TYPE,
        slide_count=len(outline),
        outline=outline,
    )


def inspect_pdf(upload) -> FileFacts:
    if not _head(upload, 5) == b"%PDF-":
        raise ValidationError(
            _("The file is not a PDF document: it does not start like one."), code="not_pdf"
        )
    sha = hashlib.sha256()
    pages, tail = 0, b""
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        sha.update(chunk)
        window = tail + chunk
        pages += len(PDF_PAGE.findall(window)) - len(PDF_PAGE.findall(tail))
        tail = window[-32:]
    upload.seek(0)
    return FileFacts(
        size=upload.size,
        sha256=sha.hexdigest(),
        kind=MaterialKind.PDF,
        content_type="application/pdf",
        slide_count=pages or None,
    )


def inspect_material(upload) -> FileFacts:
    """Check a pptx or pdf by its bytes and read its facts (size, sha256, outline)."""
    _check_size(upload, "DIALOGUE_MAX_MATERIAL_BYTES")
    head = _head(upload, 5)
    if head.startswith(b"PK\x03\x04"):
        return inspect_pptx(upload)
    if head == b"%PDF-":
        return inspect_pdf(upload)
    raise ValidationError(
        _("The file is neither a PowerPoint presentation (pptx) nor a PDF, whatever its name says."),
        code="wrong_type",
    )


def video_type(head: bytes) -> str | None:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return "video/webm"
    return None


def inspect_video(upload) -> FileFacts:
    _check_size(upload, "DIALOGUE_MAX_VIDEO_BYTES")
    content_type = video_type(_head(upload, 64))
    if content_type is None:
        raise ValidationError(
            _("The file is not an mp4 or webm video, whatever its name says."), code="not_video"
        )
    return FileFacts(size=upload.size, sha256=_digest(upload), content_type=content_type)


def parse_webvtt(text: str) -> list[tuple[float, float, str]]:
    """Return the cues of a WebVTT document, or raise ValidationError naming the bad line."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not VTT_HEADER.match(lines[0]):
        raise ValidationError(
            _("The captions are not WebVTT: the first line must be “WEBVTT”."), code="not_webvtt"
        )
    cues, index = [], 1
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        start_line = index
        block = []
        while index < len(lines) and lines[index].strip():
            block.append(lines[index])
            index += 1
        if block[0].startswith(("NOTE", "STYLE", "REGION")) and "-->" not in block[0]:
            continue
        timing_at = 0 if "-->" in block[0] else 1
        if timing_at >= len(block):
            raise ValidationError(
                _(
                    "Line %(line)d of the captions: a cue needs a timing line such as 00:00:01.000 --> 00:00:04.000."
                )
                % {"line": start_line + 1},
                code="bad_cue",
            )
        match = VTT_TIMING.match(block[timing_at].strip())
        if not match:
            raise ValidationError(
                _("Line %(line)d of the captions: “%(text)s” is not a valid timing line.")
                % {"line": start_line + timing_at + 1, "text": block[timing_at][:80]},
                code="bad_timing",
            )
        numbers = [int(group or 0) for group in match.groups()]
        start = numbers[0] * 3600 + numbers[1] * 60 + numbers[2] + numbers[3] / 1000
        end = numbers[4] * 3600 + numbers[5] * 60 + numbers[6] + numbers[7] / 1000
        if end <= start:
            raise ValidationError(
                _("Line %(line)d of the captions: a cue must end after it starts.")
                % {"line": start_line + timing_at + 1},
                code="bad_timing",
            )
        cues.append((start, end, "\n".join(block[timing_at + 1 :])))
    if not cues:
        raise ValidationError(_("The captions file holds no cues."), code="no_cues")
    return cues


def inspect_captions(upload) -> FileFacts:
    _check_size(upload, "DIALOGUE_MAX_CAPTIONS_BYTES")
    upload.seek(0)
    raw = upload.read()
    upload.seek(0)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("The captions must be UTF-8 text."), code="not_utf8") from error
    parse_webvtt(text)
    return FileFacts(size=len(raw), sha256=hashlib.sha256(raw).hexdigest(), content_type="text/vtt")


def inspect_poster(upload) -> FileFacts:
    from PIL import Image

    _check_size(upload, "DIALOGUE_MAX_POSTER_BYTES")
    if allowed_type("poster", _head(upload, SNIFF_BYTES)) is None:
        raise ValidationError(_("The poster must be a JPEG, PNG or WebP image."), code="not_image")
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("The poster is not an image that can be read."), code="not_image") from error
    finally:
        upload.seek(0)
    if image_format not in {"JPEG", "PNG", "WEBP"}:
        raise ValidationError(_("The poster must be a JPEG, PNG or WebP image."), code="not_image")
    return FileFacts(size=upload.size, sha256=_digest(upload), content_type=f"image/{image_format.lower()}")
