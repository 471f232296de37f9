import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from goals.services.repair import tree_repair
from goals.tree_check import TABLE_KINDS, find_problems
from vision.actors import system_actor

# An old tree can hold thousands of problems of one kind; the first lines and
# the counts per kind say what to do, a screenful more would hide them.
SHOWN = 50


class Command(BaseCommand):
    help = (
        "Report problems in the goal tree, including goals the hierarchy table (goals.rules) does not "
        "allow; exit status 1 when any remain. --fix repairs depth and numchild."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Repair what can be derived from the paths.")

    def handle(self, *args, fix=False, **options):
        started = time.perf_counter()
        problems = find_problems()
        if fix and problems:
            fixed = tree_repair(problems=problems, by=system_actor())
            self.stdout.write(f"Fixed {fixed} goals.")
            problems = find_problems()
        for problem in problems[:SHOWN]:
            self.stdout.write(str(problem))
        if len(problems) > SHOWN:
            self.stdout.write(f"… and {len(problems) - SHOWN} more.")
        elapsed = time.perf_counter() - started
        if problems:
            for kind, count in sorted(Counter(p.kind for p in problems).items()):
                self.stdout.write(f"{kind}: {count}")
            if any(p.kind in TABLE_KINDS for p in problems):
                self.stdout.write(
                    "Goals the hierarchy table does not allow need a person (--fix leaves them): move "
                    "each under a parent the table allows, or change its level or owner."
                )
            raise CommandError(f"{len(problems)} tree problems found ({elapsed:.2f} s).", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"The goal tree is sound ({elapsed:.2f} s)."))
