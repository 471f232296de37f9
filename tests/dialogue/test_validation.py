"""Upload checks by content, apart from any form."""

import pytest

from dialogue import validation
from tests.dialogue.conftest import upload


def test_the_service_itself_refuses_an_empty_file(db, settings):
    with pytest.raises(validation.ValidationError, match="The file is empty"):
        validation.inspect_material(upload("x.pptx", b""))


def test_webvtt_parser_reads_cues_with_identifiers_and_hours():
    cues = validation.parse_webvtt(
        "\ufeffWEBVTT\n\nintro\n01:00:01.500 --> 01:00:02.000 align:start\nHej\nhopp\n"
    )
    assert cues == [(3601.5, 3602.0, "Hej\nhopp")]


def test_media_types_come_from_the_bytes_and_each_field_allows_only_its_own():
    from tests.dialogue.conftest import PNG

    assert validation.allowed_type("poster", PNG) == "image/png"
    assert validation.allowed_type("poster", b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert validation.allowed_type("poster", b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert validation.allowed_type("poster", b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert validation.allowed_type("poster", b"GIF89a") is None
    assert validation.allowed_type("captions", b"\xef\xbb\xbfWEBVTT\n\n") == "text/vtt"
    assert validation.allowed_type("captions", b"<html>") is None
    assert validation.allowed_type("video", PNG) is None
    assert validation.allowed_type("material", b"%PDF-1.7") == "application/pdf"


def test_a_poster_that_is_not_png_jpeg_or_webp_is_refused_at_upload(db):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3)).save(buffer, format="GIF")
    with pytest.raises(validation.ValidationError, match="JPEG, PNG or WebP"):
        validation.inspect_poster(upload("poster.png", buffer.getvalue()))


# CRC-32 of 880 MiB of zeros, worked out once (two seconds of checksumming otherwise).
ZEROS_CRC = {880: 0xD11F60B1}


def zip_bomb(unpacked_mib: int) -> bytes:
    """A valid pptx-looking archive whose one part unpacks from under 1 MB to ``unpacked_mib`` MiB of zeros.

    Written by hand: after a full flush deflate restarts, so every MiB of zeros compresses to the
    same bytes and the stream is one block repeated (deflating 880 MiB would take seconds)."""
    import struct
    import zlib

    zeros = bytes(2**20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    data = block * unpacked_mib + compressor.flush(zlib.Z_FINISH)
    crc = ZEROS_CRC.get(unpacked_mib)
    if crc is None:
        crc = 0
        for _ in range(unpacked_mib):
            crc = zlib.crc32(zeros, crc)
    name = b"ppt/media/image1.bin"
    size = unpacked_mib * 2**20
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0)
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        20,
        20,
        0,
        8,
        0,
        0,
        crc,
        len(data),
        size,
        len(name),
        0,
        0,
        0,
        0,
        0,
        0,
    )
    directory = central + name
    offset = len(local) + len(name) + len(data)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), offset, 0)
    return local + name + data + directory + end


def test_the_hand_made_bomb_is_a_valid_archive():
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(zip_bomb(3))) as archive:
        assert archive.read("ppt/media/image1.bin") == bytes(3 * 2**20)


def test_a_zip_bomb_is_refused_from_its_directory_quickly_and_in_little_memory(db):
    """880 MiB from under 1 MB: refused from the central directory before anything is unpacked
    (measured: about a millisecond; the speed itself is no test's business, the memory is).

    Before: python-pptx unpacked it (8 s and about 1.6 GB) before the refusal."""
    import tracemalloc

    bomb = zip_bomb(880)
    assert len(bomb) < 1_000_000
    tracemalloc.start()
    with pytest.raises(validation.ValidationError) as refused:
        validation.inspect_material(upload("bomb.pptx", bomb))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert refused.value.code == "zip_bomb"
    assert "zip bomb" in refused.value.messages[0]
    assert peak < 8 * 2**20, f"peak {peak} bytes"
