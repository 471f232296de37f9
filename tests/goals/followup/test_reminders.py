"""Reminders against a real SMTP server (aiosmtpd) started by the test: the right editors get one
mail per reminder, a second run sends nothing, and a refusing server is reported and retried
next run without a duplicate."""

import datetime
import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command
from django.utils import timezone

from goals.followup.models import ReminderLog
from goals.followup.reminders import OVERDUE, reminder_kind, send_reminders
from tests.factories import GoalFactory, UserFactory
from tests.goals.followup.rounds_support import assess, make_round
from vision.actors import system_actor
from vision.models import UnitRole
from vision.services import membership_grant


class Inbox:
    def __init__(self):
        self.messages = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Mailbox temporarily unavailable"
        self.messages.append(
            (sorted(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=default_policy))
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(settings):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", controller.port, False
    settings.EMAIL_TIMEOUT = 5
    settings.LANGUAGE_CODE = "sv"
    yield handler
    controller.stop()


@pytest.fixture
def people(small_tree, office, other_office, period, editor):
    """Two editors of the office (one inactive, one viewer beside), and an editor of a unit that is done."""
    by = system_actor()
    second = UserFactory(username="redaktor2", email="redaktor2@example.org", is_staff=True)
    membership_grant(by=by, user=second, unit=office, role=UnitRole.EDITOR)
    gone = UserFactory(username="slutat", is_active=False, is_staff=True)
    membership_grant(by=by, user=gone, unit=office, role=UnitRole.EDITOR)
    viewer = UserFactory(username="lasare2")
    membership_grant(by=by, user=viewer, unit=office, role=UnitRole.VIEWER)
    done = UserFactory(username="klar", is_staff=True)
    membership_grant(by=by, user=done, unit=other_office, role=UnitRole.EDITOR)
    done_goal = GoalFactory(parent=small_tree["council"], level="unit", owner=other_office, period=period)
    return {"editors": sorted([editor.email, second.email]), "done_goal": done_goal}


def _round_due_soon(period, **kwargs):
    today = timezone.localdate()
    return make_round(
        period,
        year=period.end.year,
        opens=today - datetime.timedelta(days=20),
        due=today + datetime.timedelta(days=3),
        **kwargs,
    )


def test_the_right_editors_get_one_mail_and_a_second_run_sends_nothing(inbox, people, period, capsys):
    round_ = _round_due_soon(period)
    assess(round_, people["done_goal"], "met")
    call_command("send_followup_reminders")
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == people["editors"]
    assert "Utbildningskontoret" in message["Subject"]
    body = message.get_content()
    assert "2 mål" in body and f"/followup/{round_.pk}/mine/" in body
    call_command("send_followup_reminders")
    assert len(inbox.messages) == 1
    log = ReminderLog.objects.get()
    assert (log.kind, log.attempts, log.error) == ("due-in-7", 1, "")


def test_a_refusing_server_is_reported_and_retried_next_run_without_a_duplicate(inbox, people, period):
    round_ = _round_due_soon(period)
    assess(round_, people["done_goal"], "met")
    inbox.refuse = True
    with pytest.raises(CommandError, match="1 failed"):
        call_command("send_followup_reminders")
    log = ReminderLog.objects.get()
    assert log.sent_at is None and "451" in log.error
    inbox.refuse = False
    call_command("send_followup_reminders")
    call_command("send_followup_reminders")
    assert [recipients for recipients, _message in inbox.messages] == [people["editors"]]
    office_log = ReminderLog.objects.get(unit__slug="utbildningskontoret")
    assert office_log.sent_at is not None and office_log.attempts == 2 and office_log.error == ""


def test_dry_run_sends_nothing_and_writes_no_log(inbox, people, period, capsys):
    _round_due_soon(period)
    call_command("send_followup_reminders", "--dry-run")
    assert inbox.messages == [] and not ReminderLog.objects.exists()
    assert "would send due-in-7" in capsys.readouterr().out


def test_each_reminder_goes_once_and_none_after_a_complete_or_closed_round(inbox, people, period, small_tree):
    round_ = _round_due_soon(period)
    by = system_actor()
    for day in (
        round_.due - datetime.timedelta(days=5),
        round_.due - datetime.timedelta(days=1),
        round_.due + datetime.timedelta(days=1),
    ):
        send_reminders(by=by, today=day)
        send_reminders(by=by, today=day)
    kinds = sorted(
        ReminderLog.objects.filter(unit__slug="utbildningskontoret").values_list("kind", flat=True)
    )
    assert kinds == ["due-in-1", "due-in-7", OVERDUE]
    assert len([m for r, m in inbox.messages if r == people["editors"]]) == 3
    for goal in (small_tree["first"], small_tree["second"]):
        assess(round_, goal, "partly")
    ReminderLog.objects.all().delete()
    assert (
        send_reminders(by=by, today=round_.due + datetime.timedelta(days=2)).sent[0].unit.slug
        != "utbildningskontoret"
    )


@pytest.mark.parametrize(
    ("offset", "kind"),
    [
        (-30, None),
        (-10, None),
        (-7, "due-in-7"),
        (-3, "due-in-7"),
        (-1, "due-in-1"),
        (0, "due-in-1"),
        (1, OVERDUE),
        (9, OVERDUE),
    ],
)
def test_reminder_kind(period, offset, kind):
    round_ = make_round(period, opens=datetime.date(2025, 1, 1), due=datetime.date(2025, 1, 25))
    assert reminder_kind(round_, round_.due + datetime.timedelta(days=offset), days=[7, 1]) == kind


def test_only_administrators_send(editor, db):
    from vision.actors import NotAllowed

    with pytest.raises(NotAllowed):
        send_reminders(by=editor)
