from django.core.management.base import BaseCommand, CommandError

from goals.followup.reminders import send_reminders
from vision.actors import system_actor


class Command(BaseCommand):
    help = (
        "E-mail the editors of each unit that still has unassessed goals in an open follow-up round, at "
        "the set days before the due date and after it, once per unit and reminder (safe to run hourly). "
        "Exit status 1 when the mail server refused any; those are retried next run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be sent.")

    def handle(self, *args, dry_run=False, **options):
        run = send_reminders(by=system_actor(), dry_run=dry_run)
        for outcome in run.would_send:
            self.stdout.write(
                f"would send {outcome.kind}: {outcome.round} / {outcome.unit.name} "
                f"({outcome.missing} left) to {', '.join(outcome.recipients)}"
            )
        for outcome in run.sent:
            self.stdout.write(
                f"sent {outcome.kind}: {outcome.round} / {outcome.unit.name} to {', '.join(outcome.recipients)}"
            )
        for outcome in run.failed:
            self.stderr.write(
                f"FAILED {outcome.kind}: {outcome.round} / {outcome.unit.name}: {outcome.error}"
            )
        summary = f"{len(run.sent)} sent, {len(run.failed)} failed" + (
            f", {len(run.would_send)} would be sent (dry run)" if dry_run else ""
        )
        if run.failed:
            raise CommandError(f"{summary}; the failed ones are retried next run.")
        self.stdout.write(summary)
