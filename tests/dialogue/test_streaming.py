"""The protected media view: ranges, validators, download names and access."""

from urllib.parse import unquote

import pytest
from django.http import HttpResponse
from django.test import Client

from dialogue import streaming
from dialogue.demo import DEMO_MEDIA


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def video(lecture):
    return lecture.video_url, (DEMO_MEDIA / "lecture-sample.webm").read_bytes()


def test_full_file_with_validators_and_constant_size_chunks(reader_client, video):
    url, data = video
    response = reader_client.get(url)
    assert response.status_code == 200
    assert response.streaming
    chunks = list(response.streaming_content)
    assert b"".join(chunks) == data
    assert len(chunks) > 1 and max(len(chunk) for chunk in chunks) <= streaming.CHUNK
    assert response["Content-Length"] == str(len(data))
    assert response["Content-Type"] == "video/webm"
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 66
    assert response["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-1023", 0, 1023),
        ("bytes=100-", 100, None),
        ("bytes=-500", -500, None),
        ("bytes=10-99999999", 10, None),
    ],
    ids=["closed", "open-ended", "suffix", "past-end-clipped"],
)
def test_range_requests_get_206_with_exactly_those_bytes(reader_client, video, header, first, last):
    url, data = video
    response = reader_client.get(url, HTTP_RANGE=header)
    assert response.status_code == 206
    expected = data[first : None if last is None else last + 1]
    assert body(response) == expected
    start = first if first >= 0 else len(data) + first
    assert response["Content-Range"] == f"bytes {start}-{start + len(expected) - 1}/{len(data)}"
    assert response["Content-Length"] == str(len(expected))


@pytest.mark.parametrize("header", ["bytes=999999999-", "bytes=-0"])
def test_unsatisfiable_ranges_get_416_with_the_size(reader_client, video, header):
    url, data = video
    response = reader_client.get(url, HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(data)}"


@pytest.mark.parametrize("header", ["bytes=5-2", "items=0-10", "bytes=0-1,5-9", "bytes=abc"])
def test_malformed_or_multiple_ranges_are_ignored_and_the_whole_file_sent(reader_client, video, header):
    url, data = video
    response = reader_client.get(url, HTTP_RANGE=header)
    assert response.status_code == 200
    assert body(response) == data


@pytest.mark.parametrize("form", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_if_none_match_gets_304_without_a_body(reader_client, video, form):
    url, _data = video
    etag = reader_client.get(url)["ETag"]
    response = reader_client.get(url, HTTP_IF_NONE_MATCH=form.format(etag=etag))
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_if_none_match_with_another_tag_sends_the_file(reader_client, video):
    url, data = video
    response = reader_client.get(url, HTTP_IF_NONE_MATCH='"something-else"')
    assert response.status_code == 200
    assert body(response) == data


def test_if_range_with_the_current_etag_honours_the_range(reader_client, video):
    url, data = video
    etag = reader_client.get(url)["ETag"]
    response = reader_client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert response.status_code == 206
    assert body(response) == data[:10]


@pytest.mark.parametrize("validator", ['"stale-etag"', "Wed, 21 Oct 2015 07:28:00 GMT"])
def test_if_range_that_does_not_match_sends_the_whole_file(reader_client, video, validator):
    url, data = video
    response = reader_client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=validator)
    assert response.status_code == 200
    assert body(response) == data


def test_anonymous_users_are_sent_to_sign_in_and_get_no_bytes(client, video):
    url, data = video
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert data[:100] not in response.content


def test_material_download_keeps_swedish_letters_in_the_file_name(reader_client, material):
    response = reader_client.get(material.file_url)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    encoded = disposition.split("filename*=utf-8''", 1)[1]
    assert unquote(encoded) == "NORRKÖPING tar plats – Ett dialogmaterial om vår gemensamma vision 2.0.pptx"
    assert response["ETag"] == f'"{material.sha256}"'
    assert body(response) == material.file.storage.open(material.file.name).read()


def test_download_names_stay_plain_for_ascii_and_quote_the_rest():
    def disposition(download_name, as_attachment):
        response = HttpResponse()
        media = streaming.MediaFile("x", 1, '"e"', "application/pdf", download_name, as_attachment)
        streaming._headers(response, media)
        return response["Content-Disposition"]

    assert disposition("deck.pdf", False) == 'inline; filename="deck.pdf"'
    assert disposition('Åsa "ö".pptx', True) == "attachment; filename*=utf-8''%C3%85sa%20%22%C3%B6%22.pptx"


def test_captions_are_served_as_webvtt_inline(reader_client, lecture):
    response = reader_client.get(lecture.captions_url)
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline")
    assert body(response).startswith(b"WEBVTT")


def test_head_sends_headers_only(reader_client, video):
    url, data = video
    response = reader_client.head(url, HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206
    assert response["Content-Length"] == "10"
    assert response.content == b""


def test_other_methods_are_not_allowed(reader_client, video):
    assert reader_client.post(video[0]).status_code == 405


def test_a_stored_file_that_is_not_published_is_not_served(reader_client, lecture, settings):
    lecture.video.storage.save(
        "dialogue/lecture/secret.webm", streaming.default_storage.open(lecture.video.name)
    )
    assert reader_client.get("/files/dialogue/lecture/secret.webm").status_code == 404
    assert reader_client.get("/files/../../etc/passwd").status_code == 404


def test_x_accel_redirect_hands_the_bytes_to_nginx_after_the_access_check(reader_client, video, settings):
    settings.DIALOGUE_X_ACCEL_REDIRECT = "/protected-media/"
    url, _data = video
    response = reader_client.get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/dialogue/lecture/lecture-sample.webm"
    assert response.content == b""
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "X-Accel-Redirect" not in anonymous


# --- Media types from the bytes, never from the uploader's name ---


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["poster.html", "poster.svg", "poster.js"])
def test_a_png_poster_uploaded_under_a_script_name_is_served_as_a_png(reader_client, db, name):
    """Before: served inline as text/html, image/svg+xml or text/javascript from our own origin."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import LectureFactory

    lecture = LectureFactory(poster=SimpleUploadedFile(name, png_bytes()))
    response = reader_client.get(lecture.poster_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Disposition"].endswith(".png")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_stored_poster_that_is_not_an_allowed_image_is_only_ever_an_attachment(reader_client, lecture):
    """Bytes that got past the upload checks some other way (an old row, a restored backup)
    are sent as an opaque attachment, never inline."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from dialogue.models import Lecture

    name = default_storage.save("dialogue/lecture/poster.svg", ContentFile(b"<svg onload='alert(1)'/>"))
    Lecture.objects.filter(pk=lecture.pk).update(poster=name)
    lecture.refresh_from_db()
    response = reader_client.get(lecture.poster_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_materials_are_attachments_and_captions_inline_webvtt(reader_client, material, lecture):
    assert reader_client.get(material.file_url)["Content-Disposition"].startswith("attachment")
    captions = reader_client.get(lecture.captions_url)
    assert captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert captions["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize(
    "header",
    ["bytes=" + "9" * 5000 + "-", "bytes=0-" + "9" * 5000, "bytes=-" + "9" * 5000],
    ids=["first", "last", "suffix"],
)
def test_a_range_with_thousands_of_digits_is_answered_not_a_500(reader_client, video, header):
    """Before: Python's int() digit limit made ``Range: bytes=<5000 digits>-`` a 500."""
    url, data = video
    response = reader_client.get(url, HTTP_RANGE=header)
    assert response.status_code in (206, 416)
    if response.status_code == 206:
        assert body(response) == data
