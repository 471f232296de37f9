"""Rounds: administrators open, lock, reopen and publish them; publishing freezes a snapshot
that never changes afterwards, even when goals are later edited or retired."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from goals.followup.models import FollowUpRound
from goals.followup.services import round_change_dates, round_lock, round_open, round_publish, round_reopen
from goals.services import goal_retire, goal_update
from tests.goals.followup.conftest import make_indicator
from tests.goals.followup.rounds_support import assess, make_round
from vision.actors import NotAllowed, system_actor

pytestmark = pytest.mark.usefixtures("in_english")


def test_the_states_go_open_locked_published(period):
    by = system_actor()
    round_ = make_round(period)
    assert round_.state == "open"
    round_ = round_lock(round=round_, by=by)
    round_ = round_reopen(round=round_, by=by)
    round_ = round_lock(round=round_, by=by)
    round_ = round_publish(round=round_, by=by)
    assert round_.state == "published" and round_.published_at is not None
    for service in (round_lock, round_reopen, round_publish):
        with pytest.raises(ValidationError):
            service(round=round_, by=by)
    with pytest.raises(ValidationError, match="archived"):
        round_change_dates(round=round_, opens=round_.opens, due=round_.due, by=by)


def test_only_administrators_run_rounds(period, editor):
    with pytest.raises(NotAllowed):
        round_open(
            period=period,
            year=2025,
            kind="delar",
            opens=datetime.date(2025, 8, 1),
            due=datetime.date(2025, 9, 1),
            by=editor,
        )
    round_ = make_round(period)
    for service in (round_lock, round_publish):
        with pytest.raises(NotAllowed):
            service(round=round_, by=editor)
    assert FollowUpRound.objects.get().state == "open"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"year": 2031}, "within the mandate period"),
        ({"kind": "q3"}, "Unknown kind"),
        ({"opens": datetime.date(2025, 3, 1), "due": datetime.date(2025, 2, 1)}, "cannot come before"),
    ],
)
def test_bad_rounds_are_refused(period, fields, message):
    wanted = {
        "year": 2025,
        "kind": "helar",
        "opens": datetime.date(2025, 1, 1),
        "due": datetime.date(2025, 2, 1),
        **fields,
    }
    with pytest.raises(ValidationError, match=message):
        round_open(period=period, by=system_actor(), **wanted)
    assert not FollowUpRound.objects.exists()


def test_one_round_per_kind_and_year(period):
    make_round(period)
    with pytest.raises(ValidationError, match="already"):
        make_round(period)


def test_the_published_snapshot_never_changes(small_tree, period, editor):
    round_ = make_round(period)
    indicator = make_indicator(small_tree["council"], targets={2025: 80.0}, values=[("2025", 82.5)])
    assess(round_, small_tree["council"], "partly", analysis="Exempeltext: på väg.")
    assess(round_, small_tree["first"], "met", by=editor)
    round_ = round_publish(round=round_, by=system_actor())
    frozen = FollowUpRound.objects.get().snapshot
    council = next(row for row in frozen["goals"] if row["id"] == small_tree["council"].pk)
    assert council["assessment"]["status"] == "partly"
    assert council["suggestion"] == {"status": "met", "score": 1.0, "assessed": 1, "total": 2}
    assert council["indicators"][0]["title"] == indicator.title
    assert (
        council["indicators"][0]["target"],
        council["indicators"][0]["value"],
        council["indicators"][0]["status"],
    ) == (80.0, 82.5, "met")
    # Later edits and retirements change the live tree, never the record.
    by = system_actor()
    goal_update(goal=small_tree["council"], title="Ett nytt namn", by=by)
    goal_retire(goal=small_tree["first"], by=by)
    with pytest.raises(ValidationError):
        assess(round_, small_tree["second"], "met")
    assert FollowUpRound.objects.get().snapshot == frozen
    assert {row["title"] for row in frozen["goals"]} >= {"En klimatsmart kommun", "Solpaneler på skolor"}
