"""Demo media for load_demo: a sample deck, the sample lecture video and two workshops.

Idempotent: each item is looked up by its natural key first, so a second run
adds nothing. All text is sample text and says so. Everything is written
through the services, as the system actor.
"""

import datetime
from io import BytesIO
from pathlib import Path

from django.core.files.base import ContentFile, File
from django.db import transaction
from pptx import Presentation
from pptx.util import Inches, Pt

from dialogue import services
from dialogue.models import Chapter, Lecture, Material, Workshop
from goals.models import Goal, GoalLevel
from vision.actors import system_actor
from vision.models import MandatePeriod, Unit

DEMO_MEDIA = Path(__file__).resolve().parent / "demo_media"
SAMPLE = "Exempeltext: "
MATERIAL_TITLE = "NORRKÖPING tar plats – Ett dialogmaterial om vår gemensamma vision"
MATERIAL_VERSION = "exempel 1"
LECTURE_TITLE = "Så blir en vision verklighet (exempelfilm)"

DECK = [
    ("NORRKÖPING tar plats", "Välkomna. Materialet används av chefer med sina arbetsgrupper."),
    ("Varför en vision?", "Visionen är den gemensamma drömbilden av framtidens Norrköping."),
    ("Visionen i styrningen", "Alla nya mål skrivs med visionen som utgångspunkt."),
    ("Vad betyder visionen för oss?", "Låt alla komma till tals. Skriv upp det som gruppen lyfter."),
    ("Vår vardag", "Vad gör vi redan i dag som för oss närmare visionen?"),
    ("Vad gör vi nu?", "Bestäm något konkret och när ni ska följa upp det."),
    ("Tack!", "Registrera workshoppen på dialogsidan, utan deltagarnas namn."),
]
CHAPTERS = [
    (0, "Inledning"),
    (5, "Strategier skapar inget värde i sig"),
    (16, "Vad betyder det här för oss?"),
    (26, "Avslutning"),
]
WORKSHOPS = [
    (
        "utbildningskontoret",
        datetime.date(2025, 9, 10),
        "Exempelchef Utbildning",
        "Att läsfrämjande arbete syns i hela skoldagen, inte bara på lektionerna.",
        "Varje arbetslag väljer en aktivitet för läsning före jul och följer upp den i januari.",
    ),
    (
        "samhallsbyggnadskontoret",
        datetime.date(2025, 10, 2),
        "Exempelchef Samhällsbyggnad",
        "Att cykel- och gångstråk planeras tillsammans med dem som använder dem.",
        "Gruppen bjuder in två skolor till en trygghetsvandring längs de nya cykelstråken.",
    ),
]


def sample_deck() -> bytes:
    """A small deck shaped like the real one: titles and speaker notes on every slide."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    for title, notes in DECK:
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text = title
        box = slide.shapes.add_textbox(Inches(0.8), Inches(2), Inches(11.5), Inches(4)).text_frame
        box.word_wrap = True
        box.text = SAMPLE + notes
        box.paragraphs[0].runs[0].font.size = Pt(28)
        slide.notes_slide.notes_text_frame.text = SAMPLE + notes
    output = BytesIO()
    deck.save(output)
    return output.getvalue()


def _load_material(by) -> bool:
    if Material.objects.filter(title=MATERIAL_TITLE, version=MATERIAL_VERSION).exists():
        return False
    material = Material(
        title=MATERIAL_TITLE,
        version=MATERIAL_VERSION,
        file=ContentFile(sample_deck(), name="dialogmaterial-exempel.pptx"),
    )
    services.material_upload(material=material, by=by)
    return True


def _load_lecture(by) -> bool:
    if Lecture.objects.filter(title=LECTURE_TITLE).exists():
        return False
    with (
        open(DEMO_MEDIA / "lecture-sample.webm", "rb") as video,
        open(DEMO_MEDIA / "lecture-sample.sv.vtt", "rb") as captions,
        open(DEMO_MEDIA / "poster.jpg", "rb") as poster,
    ):
        lecture = Lecture(
            title=LECTURE_TITLE,
            speaker="Leif Denti",
            affiliation="Göteborgs universitet",
            given_on=datetime.date(2025, 5, 28),
            description=SAMPLE
            + "Föreläsningen vid lanseringen av den nya visionen den 28 maj 2025 finns inte i demodatan. "
            "Den här korta exempelfilmen visar hur spelaren, undertexterna och kapitlen fungerar.",
            video=File(video, name="lecture-sample.webm"),
            captions=File(captions, name="lecture-sample.sv.vtt"),
            poster=File(poster, name="lecture-poster.jpg"),
        )
        services.lecture_save(
            lecture=lecture,
            chapters=[Chapter(start=start, title=title) for start, title in CHAPTERS],
            by=by,
        )
    return True


def _load_workshops(by) -> int:
    period = MandatePeriod.objects.current_first().first()
    added = 0
    for slug, held_on, facilitator, important, actions in WORKSHOPS:
        unit = Unit.objects.filter(slug=slug).first()
        if (
            unit is None
            or Workshop.objects.filter(unit=unit, held_on=held_on, facilitator=facilitator).exists()
        ):
            continue
        goals = Goal.objects.owned_by(unit).exclude(level=GoalLevel.VISION).active()
        if period is not None:
            goals = goals.valid_in(period)
        workshop = Workshop(
            unit=unit,
            held_on=held_on,
            facilitator=facilitator,
            important=SAMPLE + important,
            actions=SAMPLE + actions,
        )
        services.workshop_save(workshop=workshop, goals=goals.order_by("path")[:2], by=by)
        added += 1
    return added


@transaction.atomic
def load_media() -> bool:
    """Add the demo deck, lecture and workshops that are missing; True when anything was added."""
    by = system_actor()
    material = _load_material(by)
    lecture = _load_lecture(by)
    workshops = _load_workshops(by)
    return bool(material or lecture or workshops)
