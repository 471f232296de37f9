"""Swedish first: the dialogue pages and messages read in Swedish."""

import re
from pathlib import Path

import polib
from django.utils import translation

from dialogue import validation

ROOT = Path(__file__).resolve().parents[2]


def test_every_dialogue_template_string_has_a_swedish_translation():
    catalogue = {
        entry.msgid: entry.msgstr or entry.msgstr_plural.get(0, "")
        for entry in polib.pofile(str(ROOT / "locale/sv/LC_MESSAGES/django.po"))
    }
    missing = []
    for template in (ROOT / "templates/dialogue").glob("*.html"):
        source = template.read_text()
        msgids = re.findall(r'{%\s*translate\s+"([^"]*)"', source)
        msgids += [
            # A plural block's msgid is its singular part.
            re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", re.split(r"{%\s*plural\s*%}", block)[0])
            for block in re.findall(
                r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", source, re.S
            )
        ]
        missing += [f"{template.name}: {msgid}" for msgid in msgids if not catalogue.get(msgid)]
    assert missing == []


def test_the_page_reads_in_swedish(reader_client, settings, material):
    settings.LANGUAGE_CODE = "sv"
    with translation.override("sv"):
        page = reader_client.get("/dialogue/").content.decode()
    assert "Dialog om visionen" in page
    assert "Frågor för dialogen" in page
    assert "Vad betyder det här för oss?" in page


def test_upload_refusals_read_in_swedish():
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    with translation.override("sv"):
        try:
            validation.inspect_material(SimpleUploadedFile("deck.pptx", b"not a deck"))
        except ValidationError as error:
            message = error.messages[0]
    assert message == "Filen är varken en PowerPoint-presentation (pptx) eller en PDF, vad namnet än säger."
