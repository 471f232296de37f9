"""The demo's indicators: one fed from Kolada's N00914 through the offline snapshot shipped
here, and manual ones with sample values. Idempotent: every write goes through the
services, which write nothing when the stored data already agree."""

from pathlib import Path

from django.db import transaction

from goals.followup.choices import Direction, Source
from goals.followup.kolada import KoladaClient
from goals.followup.models import Indicator
from goals.followup.services import indicator_save, kolada_apply, measurement_record, target_set
from goals.models import Goal
from vision.actors import system_actor
from vision.models import MandatePeriod

SNAPSHOT = Path(__file__).resolve().parent / "kolada_snapshot"
MUNICIPALITY = "0581"
SAMPLE = "Exempeltext: "

# (goal title, indicator fields, {year: target}, [(period, value, comment)])
INDICATORS = [
    (
        "Fler norrköpingsbor ska vara i arbete och egen försörjning",
        {
            "title": "Förvärvsarbetande invånare 20–64 år, andel (%)",
            "measure_unit": "%",
            "direction": Direction.HIGHER,
            "source": Source.KOLADA,
            "kolada_kpi": "N00914",
            "baseline_year": 2022,
            "baseline_value": 76.0,
            "description": SAMPLE + "Målvärdena är exempel.",
        },
        {2023: 76.5, 2024: 77.0, 2025: 77.5, 2026: 78.0},
        [],
    ),
    (
        "Närvaron i grundskolan ska öka",
        {
            "title": "Elever med minst 90 % närvaro, andel (%)",
            "measure_unit": "%",
            "direction": Direction.HIGHER,
            "description": SAMPLE + "Mäts varje tertial i skolornas närvarosystem; värdena är exempelvärden.",
        },
        {2023: 82.0, 2024: 84.0, 2025: 86.0, 2026: 88.0},
        [
            ("2023", 81.2, "Exempelvärde"),
            ("2024", 80.1, "Exempelvärde"),
            ("2025-T1", 83.5, "Exempelvärde"),
            ("2025-T2", 85.9, "Exempelvärde"),
        ],
    ),
    (
        "Handläggningstiden för barnutredningar ska kortas",
        {
            "title": "Handläggningstid för avslutade barnutredningar, medelvärde (dagar)",
            "measure_unit": "dagar",
            "direction": Direction.LOWER,
            "description": SAMPLE + "Värdena är exempelvärden.",
        },
        {2023: 110, 2024: 100, 2025: 95, 2026: 90},
        [
            ("2023", 118, "Exempelvärde"),
            ("2024", 97, "Exempelvärde"),
            ("2025", None, "Exempelvärde saknas ännu"),
        ],
    ),
    (
        "Kommunens klimatpåverkan ska minska varje år",
        {
            "title": "Utsläpp av växthusgaser per invånare (ton koldioxidekvivalenter)",
            "measure_unit": "ton",
            "direction": Direction.LOWER,
            "description": SAMPLE + "Värdena är exempelvärden.",
        },
        {2023: 3.6, 2024: 3.4, 2025: 3.2, 2026: 3.0},
        [("2022", 3.9, "Exempelvärde"), ("2023", 3.8, "Exempelvärde"), ("2024", 3.5, "Exempelvärde")],
    ),
]


@transaction.atomic
def load_indicators() -> int:
    """Add the demo indicators (matched by goal and title) and their data; returns how many were new."""
    period = MandatePeriod.objects.filter(slug="2023-2026").first()
    if period is None:
        return 0
    by = system_actor()
    added = 0
    for goal_title, fields, targets, values in INDICATORS:
        goal = Goal.objects.valid_in(period).filter(title=goal_title, period=period).first()
        if goal is None:
            continue
        indicator = Indicator.objects.filter(goal=goal, title=fields["title"]).first()
        if indicator is None:
            indicator = indicator_save(indicator=Indicator(goal=goal, **fields), by=by)
            added += 1
        for year, value in targets.items():
            target_set(indicator=indicator, year=year, value=value, by=by)
        for label, value, comment in values:
            measurement_record(indicator=indicator, period=label, value=value, comment=comment, by=by)
    client = KoladaClient(
        base_url="https://api.kolada.se/v3", municipality=MUNICIPALITY, offline_dir=SNAPSHOT
    )
    for kpi in sorted(set(Indicator.objects.from_kolada().values_list("kolada_kpi", flat=True))):
        if (SNAPSHOT / "kpi" / f"{kpi}.json").is_file():
            kolada_apply(data=client.fetch(kpi), by=by)
    from goals.followup.demo_rounds import load_rounds

    load_rounds()
    return added
