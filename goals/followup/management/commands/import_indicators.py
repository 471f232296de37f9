from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from goals.exchange.formats import FileRefused
from goals.followup.exchange import formats
from goals.followup.services import indicators_import
from vision.actors import system_actor


class Command(BaseCommand):
    help = (
        "Add or update indicators and their targets from a CSV or xlsx file (columns goal, title, unit, "
        "direction, kolada_kpi, target_YYYY). Every row is checked before anything is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            fmt = formats.format_of(path.name)
            header, rows = formats.read(path.read_bytes(), fmt)
            result = indicators_import(header=header, rows=rows, dry_run=dry_run, by=system_actor())
        except FileRefused as refused:
            for error in refused.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(refused.errors)} error(s): nothing was imported.") from None
        verb = "Would add" if dry_run else "Added"
        self.stdout.write(
            f"{verb} {result.added}, changed {result.changed}, left {result.unchanged} unchanged indicator(s); "
            f"{result.targets_set} target(s) set{' (dry run: nothing written)' if dry_run else ''}."
        )
