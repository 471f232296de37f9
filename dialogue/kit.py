"""The workshop kit: a small pptx built from scratch for one unit and period.

python-pptx holds a whole deck in memory (a 68 MB deck took 173 MB to save), so
the kit never touches the big dialogue deck: it starts from python-pptx's own
blank template and stays a few tens of kilobytes.
"""

from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Inches, Pt

from dialogue.questions import QUESTIONS
from goals.models import Goal, GoalLevel
from vision.models import MandatePeriod, Unit

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
TEXT_WIDTH = WIDTH - 2 * MARGIN
ACCENT = RGBColor(0x00, 0x55, 0x8C)
INK = RGBColor(0x1A, 0x1A, 0x1A)
BLANK_LAYOUT = 6


@dataclass
class KitContent:
    unit: Unit
    period: MandatePeriod
    vision: Goal | None
    chains: list[list[Goal]]


def kit_content(*, unit: Unit, period: MandatePeriod) -> KitContent:
    """The unit's active goals in the period, each with its chain up to the vision (two queries)."""
    goals = list(
        Goal.objects.owned_by(unit)
        .valid_in(period)
        .active()
        .exclude(level=GoalLevel.VISION)
        .with_context()
        .order_by("path")
    )
    above = Goal.objects.with_context().ancestors_of_each(goals)
    chains = [[*above[goal.path], goal] for goal in goals]
    vision = chains[0][0] if chains else Goal.objects.visions().active().valid_in(period).first()
    return KitContent(unit=unit, period=period, vision=vision, chains=chains)


def _text_box(slide, left, top, width, height, paragraphs, *, size, bold=False, color=INK):
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for index, item in enumerate(paragraphs):
        text, level = item if isinstance(item, tuple) else (item, 0)
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.level = min(level, 8)
        paragraph.space_after = Pt(size * 0.4)
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color
    return frame


def _slide(deck, title: str, notes: str):
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK_LAYOUT])
    _text_box(
        slide,
        MARGIN,
        Inches(0.4),
        TEXT_WIDTH,
        Inches(1.5),
        [title],
        size=_title_size(title),
        bold=True,
        color=ACCENT,
    )
    slide.notes_slide.notes_text_frame.text = notes
    return slide


def _title_size(title: str) -> int:
    # A goal's title can be long: keep the slide title within two lines above the body.
    return 36 if len(title) <= 55 else 28 if len(title) <= 140 else 22


def _body(slide, paragraphs, *, size: int):
    """The text below a slide's title, over the rest of the slide."""
    top = Inches(2.1)
    return _text_box(slide, MARGIN, top, TEXT_WIDTH, HEIGHT - top - Inches(0.5), paragraphs, size=size)


def _body_size(lines: list[str]) -> int:
    # Long chains shrink a little, but never below what a projector shows legibly.
    characters = sum(len(line) for line in lines)
    return 24 if characters < 500 else 20


def build_kit(content: KitContent) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    vision_title = content.vision.title if content.vision else _("The vision")

    slide = deck.slides.add_slide(deck.slide_layouts[BLANK_LAYOUT])
    _text_box(
        slide,
        MARGIN,
        Inches(1.6),
        TEXT_WIDTH,
        Inches(1.6),
        [content.unit.name],
        size=44,
        bold=True,
        color=ACCENT,
    )
    _text_box(
        slide,
        MARGIN,
        Inches(3.4),
        TEXT_WIDTH,
        Inches(2.5),
        [
            _("Workshop on our shared vision: %(vision)s") % {"vision": vision_title},
            _("Mandate period %(period)s") % {"period": content.period.name},
        ],
        size=28,
    )
    slide.notes_slide.notes_text_frame.text = _(
        "Welcome the group. Today we talk about what the vision %(vision)s means for %(unit)s, "
        "follow the red thread from the vision down to our own goals, and agree on what we will do."
    ) % {"vision": vision_title, "unit": content.unit.name}

    for chain in content.chains:
        goal = chain[-1]
        lines = [
            (f"{step.get_level_display().capitalize()}: {step.title}", depth)
            for depth, step in enumerate(chain)
        ]
        slide = _slide(
            deck,
            _("The red thread to: %(goal)s") % {"goal": goal.title},
            _(
                "Read the chain from the vision down to our goal “%(goal)s”. Ask the group: what does this "
                "mean for us, and what do we already do that contributes?"
            )
            % {"goal": goal.title}
            + (f"\n\n{goal.description}" if goal.description else ""),
        )
        _body(slide, lines, size=_body_size([t for t, _l in lines]))

    slide = _slide(
        deck,
        _("Questions for the dialogue"),
        _("Take the questions one at a time. Let everyone speak before the group concludes."),
    )
    _body(slide, [str(q) for q in QUESTIONS], size=24)

    slide = _slide(
        deck,
        _("Our notes"),
        _(
            "Write down what the group found important and what it will do, then record the workshop "
            "on the dialogue page. Do not write down participants' names."
        ),
    )
    _body(
        slide,
        [
            _("What we found important:"),
            "",
            "",
            _("What we will do:"),
            "",
            "",
            _("Which of our goals it supports:"),
        ],
        size=24,
    )

    output = BytesIO()
    deck.save(output)
    return output.getvalue()
