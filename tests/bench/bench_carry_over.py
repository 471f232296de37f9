"""Benchmark: carrying a period of 10,000 goals over, next to a plain bulk insert of as many rows.

Run:  .venv/bin/python -m tests.bench.bench_carry_over [--goals 10000] [--small 2000]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python -m tests.bench.bench_carry_over

Works in a throw-away test database (test_<name>; a temporary file on SQLite).
For each size: build the period with `generate_goals --goals N --periods 1`,
time a plain `Goal.objects.bulk_create` of N rows and `period_carry_over` into
the next period, each rolled back, interleaved, --repeat times (the fastest of each is
compared: the machine may be shared), and check the tree. The target:
carry-over at most 5x the plain insert, and its queries other than the INSERT
batches (which any bulk insert of N rows needs) the same at both sizes, i.e.
not growing with the number of goals per level.
"""

import argparse
import datetime
import sys
import time
from collections import Counter

from tests.bench.common import generate_period, setup_django, system_actor, throwaway_database

TARGET_RATIO = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goals", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=2_000, help="The second size, for the query counts.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each; the fastest counts.")
    args = parser.parse_args()

    setup_django()
    with throwaway_database("bench_carry_over") as connection:
        print(f"database: {connection.vendor}")
        results = [run_once(args.small, args.repeat), run_once(args.goals, args.repeat)]

    small, large = results
    ok = True
    for result in results:
        print(
            f"{result['goals']:>6} goals ({result['per_level']}):\n"
            f"    plain bulk insert  {result['insert_s']:7.3f} s  {result['insert_q']:4d} queries"
            f"  (runs: {_seconds(result['insert_all'])})\n"
            f"    carry-over         {result['carry_s']:7.3f} s  {result['carry_q']:4d} queries"
            f"  (runs: {_seconds(result['carry_all'])})\n"
            f"                       "
            f"({result['carry_other_q']} besides INSERT batches; {result['relinking']} flagged)\n"
            f"    ratio carry-over / plain insert: {result['ratio']:.2f}x (target <= {TARGET_RATIO:.0f}x)"
        )
        ok = ok and result["ratio"] <= TARGET_RATIO and result["tree_ok"]
    constant = small["carry_other_q"] == large["carry_other_q"]
    print(
        f"queries besides INSERT batches: {small['carry_other_q']} at {small['goals']} goals, "
        f"{large['carry_other_q']} at {large['goals']} goals: {'constant' if constant else 'GROWS'}"
    )
    print("RESULT:", "within target" if ok and constant else "MISSES the target")
    return 0 if ok and constant else 1


def run_once(goals: int, repeat: int) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from goals.models import Goal, GoalLevel
    from goals.services import period_carry_over
    from goals.tree_check import find_problems
    from vision.models import MandatePeriod

    with transaction.atomic():
        generate_period(goals)
        source = MandatePeriod.objects.get(is_current=True)
        target = MandatePeriod.objects.create(
            slug="bench-next",
            name="bench next",
            start=datetime.date(source.end.year + 1, 1, 1),
            end=datetime.date(source.end.year + 4, 12, 31),
        )
        per_level = Counter(Goal.objects.valid_in(source).values_list("level", flat=True))
        count = sum(n for level, n in per_level.items() if level != GoalLevel.VISION)
        template = list(Goal.objects.valid_in(source).exclude(level=GoalLevel.VISION).order_by("path"))

        insert_times, carry_times = [], []
        # Interleaved and repeated, each run rolled back: load from other processes on a
        # shared machine then falls on both alike, and the fastest run of each is compared.
        for _ in range(repeat):
            with transaction.atomic():
                rows = [
                    Goal(
                        path=f"ZZZZ{Goal._int2str(n + 1).rjust(Goal.steplen, '0')}",
                        depth=2,
                        numchild=0,
                        title=goal.title,
                        description=goal.description,
                        level=goal.level,
                        owner_id=goal.owner_id,
                        period=target,
                        decided_by=goal.decided_by,
                        case_number=goal.case_number,
                    )
                    for n, goal in enumerate(template)
                ]
                # The plain insert: the same number of rows, paths computed beforehand, nothing else.
                with CaptureQueriesContext(connection) as insert_queries:
                    started = time.perf_counter()
                    Goal.objects.bulk_create(rows, batch_size=1000)
                    insert_times.append(time.perf_counter() - started)
                transaction.set_rollback(True)

            with transaction.atomic():
                with CaptureQueriesContext(connection) as carry_queries:
                    started = time.perf_counter()
                    result = period_carry_over(by=system_actor(), source=source, target=target)
                    carry_times.append(time.perf_counter() - started)
                tree_ok = find_problems() == []
                assert result.created == count, (result.created, count)
                transaction.set_rollback(True)
        transaction.set_rollback(True)

    other = [q for q in carry_queries.captured_queries if not q["sql"].lstrip().upper().startswith("INSERT")]
    return {
        "goals": count,
        "per_level": ", ".join(
            f"{level} {per_level[level]}" for level in GoalLevel.values if per_level[level]
        ),
        "insert_s": min(insert_times),
        "insert_all": insert_times,
        "insert_q": len(insert_queries.captured_queries),
        "carry_s": min(carry_times),
        "carry_all": carry_times,
        "carry_q": len(carry_queries.captured_queries),
        "carry_other_q": len(other),
        "relinking": len(result.relinking),
        "ratio": min(carry_times) / min(insert_times),
        "tree_ok": tree_ok,
    }


def _seconds(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    sys.exit(main())
