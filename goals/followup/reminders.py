"""Reminders to the editors of units that still have unassessed goals in an open round.

At the set days before the due date (settings.FOLLOWUP_REMINDER_DAYS, 7 and 1 by default)
and once after it, one mail per unit and reminder, to all of the unit's editors at once.
ReminderLog (unique on round, unit and kind) makes a run idempotent, so a timer may run
it hourly: a reminder the mail server accepted is never sent again, one it refused stays
unsent in the log and is retried next run. Each unit is sent in a transaction of its own
that holds its log row, so two runs at once cannot both send it.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, FilteredRelation, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from goals.followup.models import FollowUpRound, ReminderLog, RoundState
from goals.followup.rollup import SCORED, round_goals
from vision.actors import NotAllowed, is_administrator
from vision.models import Unit, UnitMembership, UnitRole

OVERDUE = "overdue"


@dataclass
class Outcome:
    round: FollowUpRound
    unit: Unit
    kind: str
    recipients: list[str]
    missing: int
    error: str = ""


@dataclass
class ReminderRun:
    sent: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    would_send: list[Outcome] = field(default_factory=list)


def reminder_kind(round_: FollowUpRound, today: datetime.date, days=None) -> str | None:
    """Which reminder is due today: the nearest of the set days before the due date, or overdue."""
    if today < round_.opens:
        return None
    if today > round_.due:
        return OVERDUE
    reached = [
        day
        for day in (days or settings.FOLLOWUP_REMINDER_DAYS)
        if today >= round_.due - datetime.timedelta(days=day)
    ]
    return f"due-in-{min(reached)}" if reached else None


def units_behind(round_: FollowUpRound) -> list[tuple[Unit, int]]:
    """(unit, goals not yet assessed) for each unit with goals left: one grouped query and the units."""
    rows = (
        round_goals(round_)
        .filter(owner__isnull=False)
        .annotate(this_round=FilteredRelation("assessments", condition=Q(assessments__round=round_)))
        .order_by()
        .values("owner_id")
        .annotate(total=Count("pk"), assessed=Count("pk", filter=Q(this_round__status__in=SCORED)))
    )
    missing = {
        row["owner_id"]: row["total"] - row["assessed"] for row in rows if row["assessed"] < row["total"]
    }
    units = Unit.objects.filter(pk__in=missing).order_by("name")
    return [(unit, missing[unit.pk]) for unit in units]


def editor_addresses(unit: Unit) -> list[str]:
    memberships = UnitMembership.objects.filter(
        unit=unit, role=UnitRole.EDITOR, user__is_active=True
    ).exclude(user__email="")
    return sorted(set(memberships.values_list("user__email", flat=True)))


def _message(
    round_: FollowUpRound, unit: Unit, kind: str, missing: int, recipients: list[str]
) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        due = date_format(round_.due, "DATE_FORMAT")
        if kind == OVERDUE:
            subject = _("Follow-up overdue: %(round)s for %(unit)s") % {"round": round_, "unit": unit.name}
        else:
            subject = _("Reminder: %(round)s for %(unit)s is due %(due)s") % {
                "round": round_,
                "unit": unit.name,
                "due": due,
            }
        link = settings.SITE_URL + reverse("followup:round-mine", kwargs={"pk": round_.pk})
        body = "\n\n".join(
            [
                ngettext(
                    "%(unit)s has %(n)d goal not yet assessed in %(round)s.",
                    "%(unit)s has %(n)d goals not yet assessed in %(round)s.",
                    missing,
                )
                % {"unit": unit.name, "n": missing, "round": round_},
                _("The round is due %(due)s.") % {"due": due},
                _("Assess your goals in “My follow-ups”: %(link)s") % {"link": link},
                _("This is an automatic message from the vision intranet."),
            ]
        )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to=recipients)


def send_reminders(
    *, by, today: datetime.date | None = None, dry_run: bool = False, connection=None
) -> ReminderRun:
    """Send every reminder due today (administrators and the system actor only)."""
    if not is_administrator(by):
        raise NotAllowed(_("Only an administrator can send the follow-up reminders."))
    today = today or timezone.localdate()
    run = ReminderRun()
    connection = connection or get_connection(fail_silently=False)
    for round_ in (
        FollowUpRound.objects.filter(state=RoundState.OPEN).select_related("period").defer("snapshot")
    ):
        kind = reminder_kind(round_, today)
        if kind is None:
            continue
        for unit, missing in units_behind(round_):
            recipients = editor_addresses(unit)
            outcome = Outcome(round_, unit, kind, recipients, missing)
            if not recipients:
                continue
            if dry_run:
                already = ReminderLog.objects.filter(
                    round=round_, unit=unit, kind=kind, sent_at__isnull=False
                ).exists()
                if not already:
                    run.would_send.append(outcome)
                continue
            _send_one(round_, unit, kind, missing, recipients, outcome, run, connection)
    return run


def _send_one(round_, unit, kind, missing, recipients, outcome, run, connection) -> None:
    with transaction.atomic():
        log, _created = ReminderLog.objects.get_or_create(round=round_, unit=unit, kind=kind)
        log = ReminderLog.objects.select_for_update().get(pk=log.pk)
        if log.sent_at is not None:
            return
        log.attempts += 1
        log.recipients = ", ".join(recipients)
        try:
            connection.send_messages([_message(round_, unit, kind, missing, recipients)])
        except Exception as error:  # noqa: BLE001 - any failure of the mail server is reported, then retried
            log.error = f"{type(error).__name__}: {error}"[:2000]
            log.save(update_fields=["attempts", "recipients", "error"])
            outcome.error = log.error
            run.failed.append(outcome)
            return
        log.sent_at, log.error = timezone.now(), ""
        log.save(update_fields=["attempts", "recipients", "error", "sent_at"])
        run.sent.append(outcome)
