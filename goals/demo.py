"""The Norrköping demo data set: real structure from shared/domain.md, sample text marked as such.

Loading is idempotent: periods and units are matched by slug, and the goal
tree is only built when its vision is missing.
"""

import datetime

from django.db import transaction

from goals import services
from goals.models import Goal, GoalLevel, GoalStatus
from vision.actors import system_actor
from vision.models import MandatePeriod, Unit, UnitKind
from vision.services import period_save, unit_save

SAMPLE = "Exempeltext: "
VISION_TITLE = "NORRKÖPING tar plats"
VISION_2035 = "Vision 2035"
KF = "Kommunfullmäktige"

PERIODS = [
    ("2019-2022", datetime.date(2019, 1, 1), datetime.date(2022, 12, 31)),
    ("2023-2026", datetime.date(2023, 1, 1), datetime.date(2026, 12, 31)),
    ("2027-2030", datetime.date(2027, 1, 1), datetime.date(2030, 12, 31)),
]
CURRENT_PERIOD = "2023-2026"

# (slug, name, kind, parent slug)
UNITS = [
    ("kommunfullmaktige", "Kommunfullmäktige", UnitKind.COUNCIL, None),
    ("kommunstyrelsen", "Kommunstyrelsen", UnitKind.COMMITTEE, "kommunfullmaktige"),
    ("utbildningsnamnden", "Utbildningsnämnden", UnitKind.COMMITTEE, "kommunfullmaktige"),
    ("vard-och-omsorgsnamnden", "Vård- och omsorgsnämnden", UnitKind.COMMITTEE, "kommunfullmaktige"),
    ("socialnamnden", "Socialnämnden", UnitKind.COMMITTEE, "kommunfullmaktige"),
    ("samhallsplaneringsnamnden", "Samhällsplaneringsnämnden", UnitKind.COMMITTEE, "kommunfullmaktige"),
    (
        "byggnads-och-miljoskyddsnamnden",
        "Byggnads- och miljöskyddsnämnden",
        UnitKind.COMMITTEE,
        "kommunfullmaktige",
    ),
    ("kultur-och-fritidsnamnden", "Kultur- och fritidsnämnden", UnitKind.COMMITTEE, "kommunfullmaktige"),
    ("overformyndarnamnden", "Överförmyndarnämnden", UnitKind.COMMITTEE, "kommunfullmaktige"),
    ("valnamnden", "Valnämnden", UnitKind.COMMITTEE, "kommunfullmaktige"),
    ("kommunstyrelsens-kontor", "Kommunstyrelsens kontor", UnitKind.OFFICE, "kommunstyrelsen"),
    ("utbildningskontoret", "Utbildningskontoret", UnitKind.OFFICE, "utbildningsnamnden"),
    ("vard-och-omsorgskontoret", "Vård- och omsorgskontoret", UnitKind.OFFICE, "vard-och-omsorgsnamnden"),
    ("socialkontoret", "Socialkontoret", UnitKind.OFFICE, "socialnamnden"),
    ("samhallsbyggnadskontoret", "Samhällsbyggnadskontoret", UnitKind.OFFICE, "samhallsplaneringsnamnden"),
    (
        "tillvaxt-och-utvecklingskontoret",
        "Tillväxt- och utvecklingskontoret",
        UnitKind.OFFICE,
        "kommunstyrelsen",
    ),
    ("kompetensforsorjningskontoret", "Kompetensförsörjningskontoret", UnitKind.OFFICE, "kommunstyrelsen"),
    ("norrkoping-radhus-ab", "Norrköping Rådhus AB", UnitKind.COMPANY, "kommunfullmaktige"),
    ("hyresbostader", "Hyresbostäder i Norrköping AB", UnitKind.COMPANY, "norrkoping-radhus-ab"),
    ("nodra", "Nodra AB", UnitKind.COMPANY, "norrkoping-radhus-ab"),
    ("norrevo-fastigheter", "Norrköping Norrevo Fastigheter AB", UnitKind.COMPANY, "norrkoping-radhus-ab"),
    ("norrkoping-science-park", "Norrköping Science Park AB", UnitKind.COMPANY, "norrkoping-radhus-ab"),
    ("norrkoping-visualisering", "Norrköping Visualisering AB", UnitKind.COMPANY, "norrkoping-radhus-ab"),
    ("upplev-norrkoping", "Upplev Norrköping AB", UnitKind.COMPANY, "norrkoping-radhus-ab"),
]

VISION_DESCRIPTION = (
    SAMPLE + "Norrköping är platsen där människor, idéer och företag tar plats. Tillsammans bygger vi en "
    "hållbar, trygg och växande kommun – för dem som bor här i dag och för dem som kommer i morgon. "
    "(Visionens formulering och hörnstenar är inte publicerade; texten är ett exempel.)"
)
VISION_2035_TEXT = (
    "Året är 2035. Norrköping är platsen där skaparkraft i en avspänd och välkomnande atmosfär är en del av "
    "själen. En vacker och färgstark kommun som växer på ett hållbart sätt. Här utvecklar vi våra förmågor "
    "och skapar nya möjligheter tillsammans."
)
VISION_2035_THEMES = [
    "Vi skapar tillväxt med kreativitet och kunskap",
    "Vi skapar livskvalitet genom upplevelser och stolta miljöer",
    "Vi skapar gemenskap och tar ansvar för en hållbar framtid",
]
KF_DECISION = {"decided_by": KF, "decided_on": datetime.date(2022, 12, 19)}

# Goal area -> council goals (real titles from the 2024 committee plans; the sixth is sample text).
COUNCIL_GOALS = {
    "Arbete och företagande": [
        ("Norrköpings kommun ska ha ett starkt näringsliv för lokal tillväxt", False),
        ("Norrköpingsbornas utbildningsnivå ska höjas", False),
        ("Fler norrköpingsbor ska vara i arbete och egen försörjning", True),
    ],
    "Välfärd och valfrihet": [
        ("Kommunens välfärdstjänster ska hålla en hög kvalitet och utgå från individens mål", False),
    ],
    "Klimat och miljö": [
        ("Norrköping ska vara en klimatsmart kommun som gör anpassningar till ett förändrat klimat", False),
    ],
    "Trygghet och säkerhet": [
        ("Det ska vara tryggt och säkert i Norrköpings kommun", False),
    ],
}

# council goal -> [(committee slug, committee goal, [(unit slug, unit goal, [activities])])] - all sample text
BRANCHES = {
    "Norrköpingsbornas utbildningsnivå ska höjas": [
        (
            "utbildningsnamnden",
            "Fler elever ska nå behörighet till gymnasieskolan",
            [
                (
                    "utbildningskontoret",
                    "Alla skolor arbetar med tidiga insatser i läsning och matematik",
                    ["Läsfrämjande lov i alla grundskolor", "Screening i matematik i årskurs 1"],
                ),
                ("utbildningskontoret", "Närvaron i grundskolan ska öka", ["Närvaroteam på varje skolenhet"]),
            ],
        ),
    ],
    "Norrköpings kommun ska ha ett starkt näringsliv för lokal tillväxt": [
        (
            "kommunstyrelsen",
            "Norrköping ska vara en attraktiv kommun att etablera och driva företag i",
            [
                (
                    "tillvaxt-och-utvecklingskontoret",
                    "Företagsklimatet ska förbättras genom snabbare och tydligare service",
                    ["En väg in för företagens ärenden"],
                ),
                (
                    "norrkoping-science-park",
                    "Fler innovativa företag ska starta och växa i Norrköping",
                    ["Inkubatorprogram för nya företag"],
                ),
            ],
        ),
    ],
    "Kommunens välfärdstjänster ska hålla en hög kvalitet och utgå från individens mål": [
        (
            "vard-och-omsorgsnamnden",
            "Äldre ska känna sig trygga och delaktiga i sin omsorg",
            [
                (
                    "vard-och-omsorgskontoret",
                    "Fler brukare ska ha en genomförandeplan som de själva varit med och tagit fram",
                    ["Utbildning i personcentrerat arbetssätt"],
                ),
            ],
        ),
        (
            "socialnamnden",
            "Barn och unga ska få rätt stöd i rätt tid",
            [("socialkontoret", "Handläggningstiden för barnutredningar ska kortas", [])],
        ),
    ],
    "Norrköping ska vara en klimatsmart kommun som gör anpassningar till ett förändrat klimat": [
        (
            "samhallsplaneringsnamnden",
            "Kommunens klimatpåverkan ska minska varje år",
            [
                (
                    "samhallsbyggnadskontoret",
                    "Fler ska kunna gå, cykla och åka kollektivt i vardagen",
                    ["Nya cykelstråk i centrala Norrköping"],
                ),
                (
                    "nodra",
                    "Avloppsreningen ska klara ett förändrat klimat",
                    ["Skyfallsplan för reningsverket"],
                ),
                ("hyresbostader", "Energianvändningen i bostadsbeståndet ska minska", ["Solceller på tak"]),
            ],
        ),
    ],
    "Det ska vara tryggt och säkert i Norrköpings kommun": [
        (
            "kommunstyrelsen",
            "Det brottsförebyggande arbetet ska stärkas i samverkan",
            [
                ("kommunstyrelsens-kontor", "Trygghetsvandringar i alla stadsdelar", []),
                (
                    "hyresbostader",
                    "Tryggare utemiljöer i bostadsområdena",
                    ["Belysning på gårdar och gångvägar"],
                ),
            ],
        ),
    ],
}

# Units whose goals were carried over into 2027-2030 in the demo, in this order.
CARRIED_UNITS = ["kommunfullmaktige", "kommunstyrelsen", "utbildningskontoret", "nodra", "hyresbostader"]


@transaction.atomic
def load_frame() -> tuple[dict[str, MandatePeriod], dict[str, Unit]]:
    """The demo's periods and units, matched by slug; only what differs is written."""
    by = system_actor()
    periods = {}
    for slug, start, end in PERIODS:
        period = MandatePeriod.objects.filter(slug=slug).first() or MandatePeriod(slug=slug)
        wanted = {
            "name": slug.replace("-", "–"),
            "start": start,
            "end": end,
            "is_current": slug == CURRENT_PERIOD,
        }
        # Making the demo's period current un-marks the one that was, in the same service call.
        periods[slug] = period_save(by=by, period=period) if _differs(period, wanted) else period
    units: dict[str, Unit] = {}
    for slug, name, kind, parent in UNITS:
        unit = Unit.objects.filter(slug=slug).first() or Unit(slug=slug)
        wanted = {"name": name, "kind": kind, "parent": units.get(parent)}
        units[slug] = unit_save(by=by, unit=unit) if _differs(unit, wanted) else unit
    return periods, units


def _differs(obj, values: dict) -> bool:
    """Set ``values`` on ``obj``; whether it is new or any of them changed."""
    differs = obj.pk is None
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            differs = True
    return differs


@transaction.atomic
def load_goals() -> bool:
    """Load periods, units and the goal tree; returns False when the tree was already there."""
    periods, units = load_frame()
    by = system_actor()
    if Goal.objects.visions().filter(title=VISION_TITLE).exists():
        return False
    kf = units["kommunfullmaktige"]
    _load_vision_2035(periods["2019-2022"], kf, by)
    vision = services.goal_create(
        by=by,
        parent=None,
        title=VISION_TITLE,
        level=GoalLevel.VISION,
        owner=kf,
        description=VISION_DESCRIPTION,
        decided_by=KF,
        decided_on=datetime.date(2023, 8, 28),
    )
    current = periods[CURRENT_PERIOD]
    council_goals = {}
    for area_title, goals in COUNCIL_GOALS.items():
        area = services.goal_create(
            by=by,
            parent=vision,
            title=area_title,
            level=GoalLevel.AREA,
            owner=kf,
            period=current,
            **KF_DECISION,
        )
        for title, is_sample in goals:
            council_goals[title] = services.goal_create(
                by=by,
                parent=area,
                title=title,
                level=GoalLevel.COUNCIL,
                owner=kf,
                period=current,
                description=SAMPLE + "Övergripande mål i programmet ”Frihet och ansvar”."
                if is_sample
                else "",
                **KF_DECISION,
            )
    unit_goals = {}
    for council_title, committees in BRANCHES.items():
        for committee_slug, committee_title, unit_branches in committees:
            committee_goal = services.goal_create(
                by=by,
                parent=council_goals[council_title],
                title=committee_title,
                level=GoalLevel.COMMITTEE,
                owner=units[committee_slug],
                period=current,
                description=SAMPLE + "Mål i nämndens uppdragsplan.",
                decided_by=units[committee_slug].name,
                decided_on=datetime.date(2023, 11, 30),
            )
            for unit_slug, unit_title, activities in unit_branches:
                unit_goal = unit_goals[unit_title] = services.goal_create(
                    by=by,
                    parent=committee_goal,
                    title=unit_title,
                    level=GoalLevel.UNIT,
                    owner=units[unit_slug],
                    period=current,
                    description=SAMPLE + "Mål i verksamhetsplanen eller affärsplanen.",
                )
                for activity in activities:
                    services.goal_create(
                        by=by,
                        parent=unit_goal,
                        title=activity,
                        level=GoalLevel.ACTIVITY,
                        owner=units[unit_slug],
                        period=current,
                        description=SAMPLE + "Aktivitet.",
                    )
    services.goal_link_add(
        by=by,
        source=unit_goals["Energianvändningen i bostadsbeståndet ska minska"],
        target=council_goals["Norrköpings kommun ska ha ett starkt näringsliv för lokal tillväxt"],
    )
    services.goal_link_add(
        by=by,
        source=unit_goals["Fler innovativa företag ska starta och växa i Norrköping"],
        target=council_goals["Norrköpingsbornas utbildningsnivå ska höjas"],
    )
    _carry_into_next_period(periods, units, by)
    return True


def _load_vision_2035(period: MandatePeriod, kf: Unit, by) -> None:
    old = services.goal_create(
        by=by,
        parent=None,
        title=VISION_2035,
        level=GoalLevel.VISION,
        owner=kf,
        description=VISION_2035_TEXT,
        decided_by=KF,
        decided_on=datetime.date(2016, 4, 25),
        case_number="KS 2015/0363",
    )
    for theme in VISION_2035_THEMES:
        services.goal_create(by=by, parent=old, title=theme, level=GoalLevel.AREA, owner=kf, period=period)
    services.goal_retire(goal=old, by=by)


def _carry_into_next_period(periods: dict[str, MandatePeriod], units: dict[str, Unit], by) -> None:
    source, target = periods[CURRENT_PERIOD], periods["2027-2030"]
    for slug in CARRIED_UNITS:
        services.period_carry_over(source=source, target=target, unit=units[slug], by=by)
    # One council goal was revised for the new term, so comparing periods shows a wording change.
    revised = Goal.objects.valid_in(target).get(title="Det ska vara tryggt och säkert i Norrköpings kommun")
    services.goal_update(
        by=by, goal=revised, title="Det ska vara tryggt och säkert i hela Norrköpings kommun"
    )
    new_goal_parent = Goal.objects.valid_in(target).get(title="Klimat och miljö")
    services.goal_create(
        by=by,
        parent=new_goal_parent,
        title="Norrköping ska vara fossilfritt 2035",
        level=GoalLevel.COUNCIL,
        owner=units["kommunfullmaktige"],
        period=target,
        description=SAMPLE + "Nytt övergripande mål för mandatperioden 2027–2030.",
        status=GoalStatus.ACTIVE,
    )
