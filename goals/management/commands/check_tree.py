import time

from django.core.management.base import BaseCommand, CommandError

from goals.tree_check import find_problems, fix_problems


class Command(BaseCommand):
    help = (
        "Report problems in the goal tree; exit status 1 when any remain. --fix repairs depth and numchild."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Repair what can be derived from the paths.")

    def handle(self, *args, fix=False, **options):
        started = time.perf_counter()
        problems = find_problems()
        if fix and problems:
            fixed = fix_problems(problems)
            self.stdout.write(f"Fixed {fixed} goals.")
            problems = find_problems()
        for problem in problems:
            self.stdout.write(str(problem))
        elapsed = time.perf_counter() - started
        if problems:
            raise CommandError(f"{len(problems)} tree problems found ({elapsed:.2f} s).", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"The goal tree is sound ({elapsed:.2f} s)."))
