from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from goals.exchange import formats as exchange
from goals.services import goals_import
from vision.actors import system_actor


class Command(BaseCommand):
    help = (
        "Read a goal file written by export_goals (.csv, .xlsx or .json) and add or update its goals. "
        "Every row is checked first; on any error nothing is written and each error is listed "
        "with its line and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv, .xlsx or .json file as export_goals writes.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing.")

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            rows = exchange.read(path.read_bytes(), exchange.format_of(path.name))
            result = goals_import(rows=rows, dry_run=dry_run, by=system_actor())
        except exchange.FileRefused as refused:
            for error in refused.errors:
                self.stderr.write(f"{path.name}: {error}")
            raise CommandError(f"{len(refused.errors)} errors: nothing was imported.") from None
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {path.name}: {result.created} new, {result.updated} updated, "
            f"{result.moved} moved, {result.unchanged} unchanged."
        )
