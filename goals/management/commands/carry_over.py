from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from goals import services
from goals.tree_check import TABLE_KINDS, find_problems
from vision.actors import system_actor
from vision.models import MandatePeriod, Unit


class Command(BaseCommand):
    help = (
        "Carry the active goals of a mandate period (or of one unit) over into the next period. "
        "Each copy points at its predecessor; goals whose parent is not carried over are placed under "
        "the nearest carried ancestor and flagged as needing re-linking. Running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("from_period", metavar="FROM_PERIOD", help="Slug of the period to carry from.")
        parser.add_argument("to_period", metavar="TO_PERIOD", help="Slug of the period to carry into.")
        parser.add_argument("--unit", metavar="SLUG", help="Carry over only this unit's goals.")
        parser.add_argument("--dry-run", action="store_true", help="Print the plan and change nothing.")

    def handle(self, *args, from_period, to_period, unit=None, dry_run=False, **options):
        source = self._period(from_period)
        target = self._period(to_period)
        selected_unit = None
        if unit:
            selected_unit = Unit.objects.filter(slug=unit).first()
            if selected_unit is None:
                raise CommandError(f"No unit with the slug {unit!r}.")
        try:
            result = services.period_carry_over(
                source=source, target=target, unit=selected_unit, dry_run=dry_run, by=system_actor()
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        verb = "Would carry" if dry_run else "Carried"
        self.stdout.write(f"{verb} {result.created} goals from {source.slug} to {target.slug}.")
        for unit_name, count in sorted(result.per_unit.items()):
            self.stdout.write(f"  {unit_name}: {count}")
        if result.already_carried:
            self.stdout.write(f"{result.already_carried} goals were already carried over; left alone.")
        if result.relinking:
            self.stdout.write(
                f"{len(result.relinking)} goals {'would need' if dry_run else 'need'} re-linking:"
            )
            for item in result.relinking:
                self.stdout.write(
                    f"  {item.goal.owner.name}: “{item.goal.title}” placed under “{item.placed_under_title}”"
                )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return
        self.stdout.write(f"Links carried: {result.links_created}; dropped: {result.links_dropped}.")
        # Goals that broke the hierarchy before it was a table are check_tree's to report;
        # what a carry-over could break is the paths and counts it wrote.
        problems = [problem for problem in find_problems() if problem.kind not in TABLE_KINDS]
        if problems:
            raise CommandError(
                f"The goal tree has {len(problems)} problems after carry-over; run check_tree."
            )

    def _period(self, slug: str) -> MandatePeriod:
        period = MandatePeriod.objects.filter(slug=slug).first()
        if period is None:
            known = ", ".join(MandatePeriod.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No mandate period with the slug {slug!r} (known: {known}).")
        return period
