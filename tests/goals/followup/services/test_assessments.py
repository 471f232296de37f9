"""Saves and state changes of a round at once, on PostgreSQL: saves share the round (they never
wait for each other), a lock or publish excludes them, and no acknowledged save is lost.

Each side runs in a thread of its own, so on its own connection and transaction; events order
them, and a side that must not wait is given a lock_timeout, so that waiting fails the test
at once instead of hanging it.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction

from goals.followup.models import Assessment, RoundState
from goals.followup.services import AssessmentConflict, assessment_save, round_publish
from tests.conftest import skip_or_fail
from tests.goals.followup.rounds_support import make_round
from vision.actors import system_actor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_english")]

# Long enough for a busy machine; a side waits this long only when the test is failing.
PATIENCE = 60


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        skip_or_fail(
            "row locks need PostgreSQL (SQLite serialises writers): run with DATABASE_URL=postgres://...",
            "REQUIRE_POSTGRES",
        )


class Side(threading.Thread):
    """``work`` in a thread with its own connection: its result or error, and its backend's pid."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work = work
        self.result = self.error = self.pid = None
        self.connected = threading.Event()

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.connected.set()
            self.result = self.work()
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            self.error = error
        finally:
            self.connected.set()
            connection.close()

    def outcome(self):
        self.join(PATIENCE)
        assert not self.is_alive(), "the side never finished"
        if self.error is not None:
            raise self.error
        return self.result


def held_open(work, *, done: threading.Event, release: threading.Event):
    """Run ``work`` in a transaction kept open (its locks held) until ``release``."""

    def run():
        with transaction.atomic():
            result = work()
            done.set()
            assert release.wait(PATIENCE), "never released"
        return result

    return run


def without_waiting(work):
    """Run ``work`` in a transaction that fails rather than wait for a row lock."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
        return work()


def wait_until_blocked(side: Side, by: Side) -> None:
    """Return once ``side`` waits for a lock held by ``by`` (PostgreSQL tells, no clock involved)."""
    assert side.connected.wait(PATIENCE)
    for _ in range(100_000):
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [by.pid, side.pid])
            if cursor.fetchone()[0]:
                return
        assert side.is_alive(), "the side finished without waiting"
    pytest.fail("the side never waited")


def save(round_, goal, by, analysis, version=0):
    return lambda: assessment_save(
        round=round_, goal=goal, status="met", analysis=analysis, version=version, by=by
    )


def test_saves_on_two_goals_of_a_round_do_not_wait_for_each_other(period, small_tree, editor):
    round_ = make_round(period)
    save(round_, small_tree["first"], editor, "Utkast")()
    saved, release = threading.Event(), threading.Event()
    first = Side(
        held_open(save(round_, small_tree["first"], editor, "Först", version=1), done=saved, release=release)
    )
    first.start()
    try:
        assert saved.wait(PATIENCE)
        # The first save's transaction is still open, holding the round: the second goes on.
        second = without_waiting(save(round_, small_tree["second"], editor, "Sedan"))
        assert second.version == 1
        # The same goal's assessment row is the first save's until it ends: a save of it waits.
        with pytest.raises(OperationalError, match="lock timeout"):
            without_waiting(save(round_, small_tree["first"], editor, "Samtidigt", version=1))
    finally:
        release.set()
    assert first.outcome().version == 2
    stored = dict(Assessment.objects.filter(round=round_).values_list("goal_id", "analysis"))
    assert stored == {small_tree["first"].pk: "Först", small_tree["second"].pk: "Sedan"}


def test_a_publish_waits_for_the_save_in_flight_and_its_snapshot_holds_it(period, small_tree, editor):
    round_ = make_round(period)
    saved, release = threading.Event(), threading.Event()
    in_flight = Side(
        held_open(save(round_, small_tree["first"], editor, "I sista minuten"), done=saved, release=release)
    )
    in_flight.start()
    try:
        assert saved.wait(PATIENCE)
        with pytest.raises(OperationalError, match="lock timeout"):
            without_waiting(lambda: round_publish(round=round_, by=system_actor()))
        publisher = Side(lambda: round_publish(round=round_, by=system_actor()))
        publisher.start()
        wait_until_blocked(publisher, by=in_flight)
    finally:
        release.set()
    in_flight.outcome()
    published = publisher.outcome()
    assert published.state == RoundState.PUBLISHED
    [row] = [row for row in published.snapshot["goals"] if row["id"] == small_tree["first"].pk]
    assert row["assessment"]["analysis"] == "I sista minuten"


def test_a_save_arriving_during_a_publish_waits_and_is_refused(period, small_tree, editor):
    round_ = make_round(period)
    published, release = threading.Event(), threading.Event()
    publisher = Side(
        held_open(lambda: round_publish(round=round_, by=system_actor()), done=published, release=release)
    )
    publisher.start()
    try:
        assert published.wait(PATIENCE)
        late = Side(save(round_, small_tree["first"], editor, "För sent"))
        late.start()
        wait_until_blocked(late, by=publisher)
    finally:
        release.set()
    snapshot = publisher.outcome().snapshot
    with pytest.raises(ValidationError) as refusal:
        late.outcome()
    assert refusal.value.code == "round_closed"
    assert not Assessment.objects.filter(round=round_).exists()
    [row] = [row for row in snapshot["goals"] if row["id"] == small_tree["first"].pk]
    assert row["assessment"] is None


def test_a_first_save_that_loses_the_race_to_another_is_a_conflict(period, small_tree, editor, monkeypatch):
    """Two editors assess a goal not yet assessed; the other's save commits after ours found no
    assessment but before ours writes: ours is refused as stale, never as invalid input."""
    round_ = make_round(period)
    saved, release = threading.Event(), threading.Event()
    other = Side(held_open(save(round_, small_tree["first"], editor, "Hennes"), done=saved, release=release))
    other.start()
    try:
        assert saved.wait(PATIENCE)
        full_clean = Assessment.full_clean

        def after_the_other_commits(assessment, *args, **kwargs):
            release.set()
            other.outcome()
            return full_clean(assessment, *args, **kwargs)

        monkeypatch.setattr(Assessment, "full_clean", after_the_other_commits)
        with pytest.raises(AssessmentConflict):
            save(round_, small_tree["first"], editor, "Min")()
    finally:
        release.set()
    assert other.outcome().version == 1
    assert Assessment.objects.get(round=round_, goal=small_tree["first"]).analysis == "Hennes"
