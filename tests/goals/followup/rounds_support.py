"""Helpers shared by the round tests (plain functions: the folder's conftest belongs to the indicator tests)."""

import datetime

from goals.followup.models import FollowUpRound
from goals.followup.services import assessment_save, round_lock, round_open, round_publish
from vision.actors import system_actor


def make_round(period, *, year=2025, kind="helar", opens=None, due=None, state="open") -> FollowUpRound:
    by = system_actor()
    round_ = round_open(
        period=period,
        year=year,
        kind=kind,
        opens=opens or datetime.date(year, 1, 10),
        due=due or datetime.date(year, 2, 15),
        by=by,
    )
    if state in ("locked", "published"):
        round_ = round_lock(round=round_, by=by)
    if state == "published":
        round_ = round_publish(round=round_, by=by)
    return round_


def assess(round_, goal, status="met", *, by=None, **fields):
    return assessment_save(round=round_, goal=goal, status=status, by=by or system_actor(), **fields)
