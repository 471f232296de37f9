"""Writes to follow-up rounds: administrators open, lock, reopen and publish them.

open → locked → published (a locked round may be reopened; a published one is
final). Publishing freezes the snapshot (goals, assessments, roll-up, indicator
values and statuses as JSON): the archived public record, never changed after.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from goals import cache as goal_cache
from goals.followup.models import FollowUpRound, RoundKind, RoundState
from goals.followup.rules import check_year
from vision.actors import NotAllowed, is_administrator, write_service


def check_may_run_rounds(user) -> None:
    if not is_administrator(user):
        raise NotAllowed(_("Only an administrator can open, lock or publish a follow-up round."))


def _locked(round_: FollowUpRound) -> FollowUpRound:
    """The round as stored, its row locked FOR UPDATE until the caller's transaction ends.

    Saves hold the row with a SHARE lock (assessments._round_held_open), so a state
    change waits for the saves in flight, and saves arriving meanwhile wait for it.
    """
    return FollowUpRound.objects.select_for_update().select_related("period").get(pk=round_.pk)


def _check_dates(opens: datetime.date, due: datetime.date) -> None:
    if opens > due:
        raise ValidationError({"due": _("The due date cannot come before the round opens.")})


@write_service
def round_open(
    *, period, year: int, kind: str, opens: datetime.date, due: datetime.date, by
) -> FollowUpRound:
    """Open a new round for a mandate period's year."""
    check_may_run_rounds(by)
    if kind not in RoundKind.values:
        raise ValidationError({"kind": _("Unknown kind of round.")})
    check_year(year)
    if not period.start.year <= year <= period.end.year:
        raise ValidationError(
            {"year": _("The year must lie within the mandate period %(period)s.") % {"period": period}}
        )
    _check_dates(opens, due)
    if FollowUpRound.objects.filter(period=period, year=year, kind=kind).exists():
        raise ValidationError(_("There already is a round of that kind for that year."))
    round_ = FollowUpRound(period=period, year=year, kind=kind, opens=opens, due=due, state=RoundState.OPEN)
    round_.full_clean()
    round_.save()
    return round_


@write_service
def round_change_dates(
    *, round: FollowUpRound, opens: datetime.date, due: datetime.date, by
) -> FollowUpRound:
    check_may_run_rounds(by)
    stored = _locked(round)
    if stored.is_published:
        raise ValidationError(_("A published round is an archived record and cannot be changed."))
    _check_dates(opens, due)
    stored.opens, stored.due = opens, due
    stored.save(update_fields=["opens", "due"])
    return stored


@write_service
def round_lock(*, round: FollowUpRound, by) -> FollowUpRound:
    """Make the round's assessments read-only."""
    check_may_run_rounds(by)
    stored = _locked(round)
    if stored.state != RoundState.OPEN:
        raise ValidationError(_("Only an open round can be locked."))
    stored.state = RoundState.LOCKED
    stored.save(update_fields=["state"])
    return stored


@write_service
def round_reopen(*, round: FollowUpRound, by) -> FollowUpRound:
    check_may_run_rounds(by)
    stored = _locked(round)
    if stored.state != RoundState.LOCKED:
        raise ValidationError(_("Only a locked round can be opened again; a published one is final."))
    stored.state = RoundState.OPEN
    stored.save(update_fields=["state"])
    return stored


@write_service
def round_publish(*, round: FollowUpRound, by) -> FollowUpRound:
    """Freeze the round: its snapshot is written once, here, and the round never changes again."""
    from goals.followup.snapshot import build_snapshot

    check_may_run_rounds(by)
    stored = _locked(round)
    if stored.is_published:
        raise ValidationError(_("The round is already published."))
    stored.state = RoundState.PUBLISHED
    stored.published_at = timezone.now()
    stored.snapshot = build_snapshot(stored, published_at=stored.published_at)
    stored.save(update_fields=["state", "published_at", "snapshot"])
    _bump_public_pages()
    return stored


def _bump_public_pages() -> None:
    """Cached public pages show published rounds (only those: open and locked ones are drafts).

    Bumped now, for this transaction's own reads, and again after commit, since a reader
    between the two may have cached the unpublished state under the first new version.
    """
    goal_cache.bump_period_versions([None])
    transaction.on_commit(lambda: goal_cache.bump_period_versions([None]))
