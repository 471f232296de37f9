"""Protected media: byte ranges, validators and download names, in constant memory.

Django's FileResponse ignores Range (measured: a ``bytes=0-1023`` request got
200 and all 68 MB), and video players seek with ranges, so this view answers
ranges itself: RFC 9110 single ranges (suffix ranges, 416 past the end),
``If-None-Match`` (304) and ``If-Range``. Files are read through the storage API
in chunks, never from a local path. With ``DIALOGUE_X_ACCEL_REDIRECT`` set, the
view only checks access and lets nginx send the bytes.
"""

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.utils.http import content_disposition_header

from dialogue import validation
from dialogue.models import Lecture, Material

CHUNK = 256 * 1024
RANGE = re.compile(r"^bytes=\s*(\d*)\s*-\s*(\d*)\s*$")


@dataclass
class MediaFile:
    name: str
    size: int
    etag: str
    content_type: str
    download_name: str
    as_attachment: bool


def _name_etag(name: str, size: int) -> str:
    # Stored names are never reused for other bytes (uploads get fresh names),
    # so name and size identify the content of the small lecture files.
    return '"' + hashlib.sha256(f"{name}:{size}".encode()).hexdigest()[:32] + '"'


def _stored_type(name: str, field: str) -> str | None:
    """The type the stored bytes show, if ``field`` allows it; never the uploader's file name."""
    try:
        with default_storage.open(name, "rb") as handle:
            head = handle.read(validation.SNIFF_BYTES)
    except FileNotFoundError:
        return None
    return validation.allowed_type(field, head)


def _lecture_file(name: str, size: int, etag: str, title: str, content_type: str | None) -> MediaFile:
    """Inline only for an allowed image, video or captions type; anything else is an attachment."""
    if content_type in validation.INLINE_TYPES:
        served = content_type + ("; charset=utf-8" if content_type == "text/vtt" else "")
        return MediaFile(name, size, etag, served, f"{title}.{validation.EXTENSIONS[content_type]}", False)
    return MediaFile(name, size, etag, "application/octet-stream", title, True)


def find_media(name: str) -> MediaFile | None:
    """Return the published file stored under ``name``, or None."""
    material = Material.objects.filter(file=name).first()
    if material is not None:
        content_type = validation.PPTX_TYPE if material.kind == "pptx" else "application/pdf"
        return MediaFile(
            name, material.size, f'"{material.sha256}"', content_type, material.download_name, True
        )
    lecture = Lecture.objects.filter(Q(video=name) | Q(captions=name) | Q(poster=name)).first()
    if lecture is None:
        return None
    if lecture.video.name == name:
        # Read from the bytes at upload (dialogue/validation.py); checked against the allow-list again.
        video_type = lecture.video_type if lecture.video_type in validation.ALLOWED_TYPES["video"] else None
        return _lecture_file(name, lecture.size, f'"{lecture.sha256}"', lecture.title, video_type)
    size = default_storage.size(name)
    field = "captions" if lecture.captions.name == name else "poster"
    return _lecture_file(name, size, _name_etag(name, size), lecture.title, _stored_type(name, field))


def _position(digits: str) -> int:
    """A byte position from the Range header, capped far past any file: Python refuses to
    convert more than 4300 digits (a 500), and no file has 10**18 bytes."""
    return int(digits) if len(digits) <= 18 else 10**18


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """Return (first, last) for a satisfiable single range, False for an unsatisfiable
    one, None when the header is to be ignored (absent, malformed or several ranges)."""
    match = RANGE.match(header or "")
    if not match:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        suffix = _position(last)
        if suffix == 0 or size == 0:
            return False
        return max(0, size - suffix), size - 1
    first = _position(first)
    if last != "" and _position(last) < first:
        return None
    if first >= size:
        return False
    return first, size - 1 if last == "" else min(_position(last), size - 1)


def _etags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def _none_match(header: str, etag: str) -> bool:
    """Weak comparison, as If-None-Match requires."""
    tags = _etags(header)
    return "*" in tags or etag.removeprefix("W/") in [tag.removeprefix("W/") for tag in tags]


def _range_allowed(if_range: str | None, etag: str) -> bool:
    """If-Range uses strong comparison; a date never matches since no Last-Modified is sent."""
    if if_range is None:
        return True
    return if_range.strip() == etag and not etag.startswith("W/")


class RangeFile:
    """Yield ``length`` bytes from ``start`` of an open storage file, a chunk at a time."""

    def __init__(self, handle, start: int, length: int):
        self.handle, self.start, self.remaining = handle, start, length

    def __iter__(self):
        self.handle.seek(self.start)
        while self.remaining > 0:
            chunk = self.handle.read(min(CHUNK, self.remaining))
            if not chunk:
                break
            self.remaining -= len(chunk)
            yield chunk

    def close(self):
        self.handle.close()


def _headers(response, media: MediaFile) -> None:
    response["ETag"] = media.etag
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-cache"
    # RFC 6266; a name that is not plain ASCII goes as UTF-8 (RFC 5987), keeping å, ä and ö.
    response["Content-Disposition"] = content_disposition_header(media.as_attachment, media.download_name)


def stream(request, media: MediaFile):
    if _none_match(request.headers.get("If-None-Match", ""), media.etag):
        response = HttpResponse(status=304)
        _headers(response, media)
        return response
    accel = getattr(settings, "DIALOGUE_X_ACCEL_REDIRECT", "")
    if accel:
        response = HttpResponse(content_type=media.content_type)
        _headers(response, media)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(media.name)
        return response

    first, last, status = 0, media.size - 1, 200
    if _range_allowed(request.headers.get("If-Range"), media.etag):
        wanted = parse_range(request.headers.get("Range", ""), media.size)
        if wanted is False:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{media.size}"
            _headers(response, media)
            return response
        if wanted is not None:
            (first, last), status = wanted, 206
    length = max(0, last - first + 1)

    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=media.content_type)
    else:
        try:
            handle = default_storage.open(media.name, "rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = StreamingHttpResponse(
            RangeFile(handle, first, length), status=status, content_type=media.content_type
        )
    response["Content-Length"] = str(length)
    if status == 206:
        response["Content-Range"] = f"bytes {first}-{last}/{media.size}"
    _headers(response, media)
    return response


def serve_media(request, name):
    """Send a published dialogue file to a signed-in user (login is enforced by middleware)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    media = find_media(name)
    if media is None:
        raise Http404
    return stream(request, media)
