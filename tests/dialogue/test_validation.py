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
