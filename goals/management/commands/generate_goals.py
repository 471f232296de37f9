import time

from django.core.management.base import BaseCommand, CommandError

from goals.services import generate_goals
from vision.actors import system_actor


class Command(BaseCommand):
    help = "Generate a synthetic goal tree of about N goals per period over P periods, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--goals", type=int, required=True, help="Goals per period.")
        parser.add_argument("--periods", type=int, default=1)
        parser.add_argument("--seed", type=int, default=2035)

    def handle(self, *args, goals, periods, seed, **options):
        if goals < 10 or periods < 1:
            raise CommandError("--goals must be at least 10 and --periods at least 1.")
        started = time.perf_counter()
        tree = generate_goals(goals_per_period=goals, periods=periods, seed=seed, by=system_actor())
        elapsed = time.perf_counter() - started
        slugs = ", ".join(p.slug for p in tree.periods)
        self.stdout.write(
            f"Generated {tree.created} goals under “{tree.vision}” in {slugs} ({elapsed:.1f} s)."
        )
