import sys

from django.core.management.base import BaseCommand, CommandError

from goals.exchange import formats as exchange
from vision.models import MandatePeriod


class Command(BaseCommand):
    help = (
        "Write the goals valid in a mandate period, in tree order, as CSV, xlsx or JSON "
        "(the format import_goals reads)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="The period's slug, e.g. 2023-2026.")
        parser.add_argument("--format", required=True, choices=exchange.FORMATS, dest="fmt")
        parser.add_argument("--output", help="File to write; standard output when left out.")

    def handle(self, *args, period, fmt, output=None, **options):
        try:
            chosen = MandatePeriod.objects.get(slug=period)
        except MandatePeriod.DoesNotExist:
            known = ", ".join(MandatePeriod.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"Unknown period {period!r} (known: {known}).") from None
        rows = exchange.export_rows(chosen)
        data = exchange.write(rows, fmt)
        if output:
            with open(output, "wb") as file:
                file.write(data)
            self.stderr.write(f"Wrote {len(rows)} goals of {chosen.slug} to {output}.")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
