from django.core.management.base import BaseCommand, CommandError

from goals.followup.kolada import KoladaClient, KoladaError
from goals.followup.models import Indicator
from goals.followup.services import kolada_apply
from vision.actors import system_actor


class Command(BaseCommand):
    help = (
        "Fetch Kolada's key figures for the indicators linked to them (or the named ones): title, "
        "description and the municipality's values. Idempotent; a key figure that fails is reported and "
        "changes nothing; exit status 1 when any failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kpi", nargs="+", default=[], metavar="ID", help="Only these key figures, e.g. N00914."
        )
        parser.add_argument(
            "--offline",
            metavar="DIR",
            help="Read Kolada's answers from files below DIR (kpi/{id}.json, data/...).",
        )

    def handle(self, *args, kpi=(), offline=None, **options):
        linked = sorted(set(Indicator.objects.from_kolada().values_list("kolada_kpi", flat=True)))
        wanted = sorted({k.strip().upper() for k in kpi}) if kpi else linked
        client = KoladaClient.from_settings(offline_dir=offline)
        where = f"files in {client.offline_dir}" if client.offline_dir else client.base_url
        self.stdout.write(
            f"Kolada ({where}), municipality {client.municipality}: {len(wanted)} key figure(s)."
        )
        by = system_actor()
        failed = []
        for number, kpi_id in enumerate(wanted, start=1):
            prefix = f"[{number}/{len(wanted)}] {kpi_id}"
            if kpi_id not in linked:
                failed.append(kpi_id)
                self.stderr.write(
                    f"{prefix}: failed: no indicator is fed from this key figure; nothing stored."
                )
                continue
            try:
                data = client.fetch(kpi_id)
                applied = kolada_apply(data=data, by=by)
            except KoladaError as error:
                failed.append(kpi_id)
                self.stderr.write(f"{prefix}: failed: {error.cause}; stored values unchanged.")
                continue
            self.stdout.write(
                f"{prefix}: {len(data.values)} values on {data.pages} page(s) for {applied.indicators} "
                f"indicator(s): {applied.added} added, {applied.changed} changed, {applied.unchanged} unchanged."
            )
        if failed:
            raise CommandError(f"{len(failed)} of {len(wanted)} key figure(s) failed: {', '.join(failed)}")
        self.stdout.write(f"Done: {len(wanted)} key figure(s) synced.")
