"""The kit's own template: widescreen, the municipality's blue, one text style per role.

Made in code from python-pptx's plain template rather than shipped as a binary
file, so a change of style shows in a diff. Every slide is laid out on a layout
with a real title placeholder, so screen readers and the outline view see the
titles.
"""

from dataclasses import dataclass
from functools import cache
from io import BytesIO

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Emu, Inches, Pt

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
ACCENT = RGBColor(0x00, 0x55, 0x8C)
INK = RGBColor(0x1A, 0x1A, 0x1A)
MUTED = RGBColor(0x44, 0x44, 0x44)
FONT = "Arial"  # LibreOffice draws it with the metric-compatible Liberation Sans

# python-pptx's template: 0 title slide, 1 title and content.
TITLE_LAYOUT, CONTENT_LAYOUT = 0, 1


@dataclass(frozen=True)
class TextStyle:
    size: int
    bold: bool = False
    color: RGBColor = INK


TITLE = TextStyle(40, bold=True, color=ACCENT)
LONG_TITLE = TextStyle(32, bold=True, color=ACCENT)
COVER_TITLE = TextStyle(44, bold=True, color=ACCENT)
SUBTITLE = TextStyle(28, color=MUTED)
BODY = TextStyle(28)
BODY_INDENTED = TextStyle(24)
# A projector shows 20 points legibly; nothing in the kit is smaller.
SMALLEST = 20

LANGUAGE_IDS = {"sv": MSO_LANGUAGE_ID.SWEDISH, "en": MSO_LANGUAGE_ID.ENGLISH_UK}


def kit_template():
    """A new presentation on the kit's template."""
    return Presentation(BytesIO(_template_bytes()))


@cache
def _template_bytes() -> bytes:
    """The template, made once per process: resizing the layouts takes a third of a second."""
    deck = Presentation()
    ratio = WIDTH / deck.slide_width
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    master = deck.slide_master
    shapes = [*master.placeholders, *(ph for layout in master.slide_layouts for ph in layout.placeholders)]
    # Read every position before writing any: a layout placeholder without a position of its
    # own inherits the master's, which must not be widened twice.
    positions = [(shape, shape.left, shape.top, shape.width, shape.height) for shape in shapes]
    for shape, left, top, width, height in positions:
        shape.left, shape.top = Emu(int(left * ratio)), top
        shape.width, shape.height = Emu(int(width * ratio)), height
    output = BytesIO()
    deck.save(output)
    return output.getvalue()


def style_run(run, style: TextStyle, language: str) -> None:
    run.font.name = FONT
    run.font.size = Pt(style.size)
    run.font.bold = style.bold
    run.font.color.rgb = style.color
    run.font.language_id = LANGUAGE_IDS[language]


def fill(text_frame, paragraphs, *, language: str, style: TextStyle = BODY, shrink: bool = True) -> None:
    """Write ``paragraphs`` (text, or (text, indent)) into a placeholder's text frame, styled."""
    text_frame.clear()
    text_frame.word_wrap = True
    if shrink:
        # PowerPoint and LibreOffice shrink the text to the placeholder should it overflow.
        text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for index, item in enumerate(paragraphs):
        text, indent = item if isinstance(item, tuple) else (item, 0)
        paragraph = text_frame.paragraphs[0] if index == 0 else text_frame.add_paragraph()
        paragraph.level = indent
        run = paragraph.add_run()
        run.text = text
        style_run(run, style if indent == 0 else BODY_INDENTED, language)
