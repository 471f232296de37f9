"""Lays the kit's content out as slides: title, vision, agenda, red thread, questions, notes, closing.

python-pptx holds a whole deck in memory (a 68 MB deck took 173 MB to save), so
the kit never touches the big dialogue deck: it starts from its own template
and stays a few tens of kilobytes. The deck is written in the language the
manager chose, whatever language the site is shown in.
"""

from datetime import date, datetime, time
from io import BytesIO

from django.utils import translation
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from dialogue.kit.content import KitContent
from dialogue.kit.template import (
    BODY,
    CONTENT_LAYOUT,
    COVER_TITLE,
    LONG_TITLE,
    SUBTITLE,
    TITLE,
    TITLE_LAYOUT,
    fill,
    kit_template,
)
from dialogue.questions import QUESTIONS

LANGUAGES = {"sv": "sv-SE", "en": "en-GB"}
AGENDA_LENGTHS = (60, 90)
LINE_CHARACTERS = 110
# The vision's own text is the slide's point: whole paragraphs, within what a slide holds.
VISION_CHARACTERS = 400
# Minutes of each part of the workshop, for each length offered.
AGENDA = {
    60: (5, 10, 10, 25, 5, 5),
    90: (10, 10, 15, 40, 10, 5),
}


def kit_language(value: str | None) -> str:
    """The kit's language: Swedish unless English is asked for."""
    return value if value in LANGUAGES else "sv"


def kit_minutes(value: str | None) -> int:
    return int(value) if value in {str(n) for n in AGENDA_LENGTHS} else max(AGENDA_LENGTHS)


def _agenda_items() -> list[str]:
    return [
        _("Welcome and why we meet"),
        _("The vision"),
        _("The red thread to our goals"),
        _("Dialogue in small groups"),
        _("What we will do"),
        _("Recording the outcome"),
    ]


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _line(text: str) -> str:
    return Truncator(text).chars(LINE_CHARACTERS)


def _level(goal) -> str:
    # capfirst, not str.capitalize(): that would turn "övergripande mål (KF)" into "(kf)".
    return capfirst(goal.get_level_display())


class _Deck:
    def __init__(self, language: str):
        self.language = language
        self.presentation = kit_template()

    def slide(self, title: str, body, notes: str, *, layout: int = CONTENT_LAYOUT, cover: bool = False):
        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[layout])
        style = COVER_TITLE if cover else TITLE if len(title) <= 60 else LONG_TITLE
        fill(slide.shapes.title.text_frame, [_line(title)], language=self.language, style=style)
        fill(
            slide.placeholders[1].text_frame, body, language=self.language, style=SUBTITLE if cover else BODY
        )
        slide.notes_slide.notes_text_frame.text = notes
        return slide

    def save(self) -> bytes:
        output = BytesIO()
        self.presentation.save(output)
        return output.getvalue()


def build_kit(content: KitContent, *, language: str = "sv", minutes: int = 90, record_url: str = "") -> bytes:
    """The kit as pptx bytes, in ``language`` ("sv" or "en"), with an agenda of ``minutes``."""
    with translation.override(language):
        return _build(content, language=language, minutes=minutes, record_url=record_url)


def _build(content: KitContent, *, language: str, minutes: int, record_url: str) -> bytes:
    deck = _Deck(language)
    unit, period = content.unit.name, content.period.name
    vision = content.vision
    vision_title = vision.title if vision else _("The vision")
    today = date.today()
    durations = AGENDA[minutes]

    deck.slide(
        _("Workshop on the vision: %(unit)s") % {"unit": unit},
        [vision_title, _("Mandate period %(period)s") % {"period": period}, today.isoformat()],
        _(
            "Welcome the group (%(minutes)s minutes). Say why we meet: to talk about what the vision "
            "%(vision)s means for %(unit)s, follow the red thread from the vision down to our own goals, "
            "and agree on what we will do."
        )
        % {"minutes": durations[0], "vision": vision_title, "unit": unit},
        layout=TITLE_LAYOUT,
        cover=True,
    )

    description = (vision.description if vision else "").strip()
    deck.slide(
        vision_title,
        [Truncator(part).chars(VISION_CHARACTERS) for part in description.split("\n") if part.strip()][:4]
        or [_("The vision's text has not been entered yet.")],
        _(
            "Read the vision aloud (%(minutes)s minutes). Ask: which words stand out for us? "
            "Let a few people answer before you go on."
        )
        % {"minutes": durations[1]},
    )

    start, lines = 0, []
    for item, length in zip(_agenda_items(), durations, strict=True):
        lines.append(f"{_clock(start)}–{_clock(start + length)}  {item}")
        start += length
    deck.slide(
        _("Agenda, %(minutes)s minutes") % {"minutes": minutes},
        lines,
        _("Go through the agenda and agree on who keeps the time and who takes notes."),
    )

    for thread in content.threads:
        body = [(_line(f"{_level(goal)}: {goal.title}"), indent) for goal, indent in thread.goals]
        if thread.not_listed:
            body.append(
                _("… and %(count)s more of our goals under this council goal, on the intranet.")
                % {"count": thread.not_listed}
            )
        if not body:
            body = [_("%(level)s, decided by the municipal council.") % {"level": _level(thread.council)}]
        deck.slide(
            thread.council.title,
            body,
            _(
                "The red thread (%(minutes)s minutes for all of these slides). The title is the council "
                "goal; below it are the committee's goals and our own. Ask: what does this mean for us, "
                "and what do we already do that contributes?"
            )
            % {"minutes": durations[2]}
            + (f"\n\n{thread.council.description}" if thread.council.description else ""),
        )
    if content.more_councils:
        body = [_line(council.title) for council in content.more_councils]
        if content.more_councils_not_listed:
            body.append(
                _("… and %(count)s more, on the intranet.") % {"count": content.more_councils_not_listed}
            )
        deck.slide(
            _("More council goals we contribute to"),
            body,
            _("Mention these briefly; the group can read the whole red thread on the intranet."),
        )
    if not content.threads:
        deck.slide(
            _("The red thread"),
            [_("%(unit)s has no goals of its own in this period yet.") % {"unit": unit}],
            _("Talk about which council goals the unit's work contributes to, and note them."),
        )

    deck.slide(
        _("Questions for the dialogue"),
        [str(question) for question in QUESTIONS],
        _(
            "Dialogue in small groups (%(minutes)s minutes). Take the questions one at a time. "
            "Let everyone speak before the group concludes."
        )
        % {"minutes": durations[3]},
    )
    deck.slide(
        _("Our notes"),
        [_("What we found important:"), _("What we will do:"), _("Which of our goals it supports:")],
        _(
            "Agree on what you will do (%(minutes)s minutes). Write down what the group found important and "
            "what it will do. Do not write down participants' names."
        )
        % {"minutes": durations[4]},
    )
    deck.slide(
        _("Record the outcome on the intranet"),
        [
            _("Go to the dialogue page and choose “Record a workshop” for %(unit)s.") % {"unit": unit},
            _("Enter the date, who led the workshop, what you found important and what you will do."),
            _("Tick the goals it supports. Do not enter participants' names."),
            *([record_url] if record_url else []),
        ],
        _(
            "Close the workshop (%(minutes)s minutes). Thank the group and tell them when the outcome "
            "will be recorded on the intranet, and by whom."
        )
        % {"minutes": durations[5]},
    )

    properties = deck.presentation.core_properties
    properties.title = _("Workshop on the vision: %(unit)s") % {"unit": unit}
    properties.subject = _(
        "The red thread from the vision to the goals of %(unit)s, mandate period %(period)s"
    ) % {
        "unit": unit,
        "period": period,
    }
    properties.language = LANGUAGES[language]
    properties.author = properties.last_modified_by = "Norrköpings kommun"
    properties.keywords = _("vision; dialogue; workshop")
    properties.created = properties.modified = datetime.combine(today, time())
    properties.revision = 1
    return deck.save()
