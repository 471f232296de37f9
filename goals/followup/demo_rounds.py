"""The demo's follow-up rounds: the annual report 2025, published with sample assessments, and
the interim report 2026, open with some goals assessed and some units late. Idempotent: a
round that exists is left as it is. Every text is sample text ("Exempeltext")."""

import datetime

from goals.followup.models import Assessment, AssessmentStatus, FollowUpRound
from goals.followup.rollup import round_goals
from goals.followup.services import assessment_save, round_lock, round_open, round_publish
from vision.actors import system_actor
from vision.models import MandatePeriod

CYCLE = [
    AssessmentStatus.MET,
    AssessmentStatus.PARTLY,
    AssessmentStatus.MET,
    AssessmentStatus.NOT_MET,
    AssessmentStatus.PARTLY,
]
ANALYSIS = {
    AssessmentStatus.MET: "Exempeltext: målet är nått för året; indikatorerna ligger på eller över målvärdet.",
    AssessmentStatus.PARTLY: "Exempeltext: arbetet går åt rätt håll men inte i den takt som behövs.",
    AssessmentStatus.NOT_MET: "Exempeltext: utfallet ligger under målvärdet; orsakerna analyseras.",
}
NEXT_STEPS = "Exempeltext: fortsatt arbete enligt verksamhetsplanen."
MAX_GOALS = 60  # the steering levels of the tree, sampled: enough to show the pages, quick to load
MAX_DEPTH = 4  # goal areas, council goals and committee goals


def _assess(round_, goals, share: float) -> None:
    by = system_actor()
    for index, goal in enumerate(goals):
        if index % 10 >= share * 10 or Assessment.objects.filter(round=round_, goal=goal).exists():
            continue
        status = CYCLE[index % len(CYCLE)]
        assessment_save(
            round=round_, goal=goal, status=status, analysis=ANALYSIS[status], next_steps=NEXT_STEPS, by=by
        )


def load_rounds() -> int:
    """Add the demo rounds that are missing; returns how many were added."""
    period = MandatePeriod.objects.filter(slug="2023-2026").first()
    if period is None:
        return 0
    by = system_actor()
    added = 0
    annual = FollowUpRound.objects.filter(period=period, year=2025, kind="helar").first()
    if annual is None:
        annual = round_open(
            period=period,
            year=2025,
            kind="helar",
            opens=datetime.date(2026, 1, 12),
            due=datetime.date(2026, 2, 13),
            by=by,
        )
        _assess(
            annual,
            list(round_goals(annual).filter(depth__lte=MAX_DEPTH).order_by("path")[:MAX_GOALS]),
            share=0.9,
        )
        round_lock(round=annual, by=by)
        round_publish(round=annual, by=by)
        added += 1
    interim = FollowUpRound.objects.filter(period=period, year=2026, kind="delar").first()
    if interim is None:
        interim = round_open(
            period=period,
            year=2026,
            kind="delar",
            opens=datetime.date(2026, 8, 17),
            due=datetime.date(2026, 9, 25),
            by=by,
        )
        _assess(
            interim,
            list(round_goals(interim).filter(depth__lte=MAX_DEPTH).order_by("path")[:MAX_GOALS]),
            share=0.5,
        )
        added += 1
    return added
