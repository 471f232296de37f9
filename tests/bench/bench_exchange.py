"""Benchmark: exporting and importing a period of 10,000 goals in each file format.

Run:  .venv/bin/python -m tests.bench.bench_exchange [--goals 10000] [--small 2000]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python -m tests.bench.bench_exchange

Works in a throw-away test database (test_<name>; a temporary file on SQLite).
For each size it builds the period with `generate_goals --goals N --periods 1`,
then per format (csv, xlsx, json): times the export, empties the goal table,
times the import of that file into it, exports again and compares the files,
imports the same file a second time (which must write nothing), and checks the
tree. Queries are counted for each step; those besides INSERT batches should
stay (nearly) the same at both sizes. Each step shows wall time and this
process's CPU time (the database server's work is in wall time only): on a
shared, busy machine the CPU figure is the steadier one. First, on the same data, the API's tree of
the period and a 500-goal page of goals/, timed with their query counts.
"""

import argparse
import sys
import time

from tests.bench.common import generate_period, setup_django, system_actor, throwaway_database

FORMATS = ("csv", "xlsx", "json")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goals", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=2_000, help="The second size, for the query counts.")
    args = parser.parse_args()

    setup_django()
    ok = True
    with throwaway_database("bench_exchange") as connection:
        print(f"database: {connection.vendor}")
        for size in (args.small, args.goals):
            api = run_api(size)
            print(
                f"{api['goals']:>6} goals, API\n"
                f"    tree/?period=       {api['tree_s']:7.2f} s ({api['tree_cpu']:.2f} s CPU)  {api['tree_q']:4d} queries "
                f"({api['tree_nodes']} nodes to depth {api['tree_depth']}, truncated: {api['truncated']})\n"
                f"    goals/?page_size=500 {api['list_s']:6.2f} s ({api['list_cpu']:.2f} s CPU)  {api['list_q']:4d} queries"
            )
            for fmt in FORMATS:
                result = run_once(size, fmt)
                ok = ok and result["identical"] and result["tree_ok"] and result["second_writes"] == 0
                print(
                    f"{result['goals']:>6} goals, {fmt:<4} {result['bytes'] / 1e6:6.2f} MB\n"
                    f"    export              {result['export_s']:7.2f} s ({result['export_cpu']:.2f} s CPU)  {result['export_q']:4d} queries\n"
                    f"    import (empty db)   {result['import_s']:7.2f} s ({result['import_cpu']:.2f} s CPU)  {result['import_q']:4d} queries "
                    f"({result['import_other_q']} besides INSERT batches)\n"
                    f"    import again        {result['again_s']:7.2f} s ({result['again_cpu']:.2f} s CPU)  {result['again_q']:4d} queries "
                    f"({result['second_writes']} writes)\n"
                    f"    file after round trip identical: {result['identical']}; tree sound: {result['tree_ok']}"
                )
    print("RESULT:", "round trips identical, second imports wrote nothing" if ok else "FAILED")
    return 0 if ok else 1


def run_api(goals: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from goals.models import Goal
    from vision.models import MandatePeriod

    with transaction.atomic():
        generate_period(goals)
        period = MandatePeriod.objects.get(is_current=True)
        client = APIClient()
        client.force_authenticate(get_user_model().objects.create(username="bench"))
        client.get("/api/periods/")  # warm up: URL resolver, serializers, schema-free imports
        with CaptureQueriesContext(connection) as tree_queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            tree = client.get("/api/tree/", {"period": period.slug}).json()
            tree_s = time.perf_counter() - started
            tree_cpu = time.process_time() - cpu_started
        with CaptureQueriesContext(connection) as list_queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            client.get("/api/goals/", {"period": period.slug, "page_size": 500}).json()
            list_s = time.perf_counter() - started
            list_cpu = time.process_time() - cpu_started
        count = Goal.objects.valid_in(period).count()
        transaction.set_rollback(True)
    return {
        "goals": count,
        "tree_s": tree_s,
        "tree_cpu": tree_cpu,
        "tree_q": len(tree_queries.captured_queries),
        "tree_nodes": tree["count"],
        "tree_depth": tree["depth"],
        "truncated": tree["truncated"],
        "list_s": list_s,
        "list_cpu": list_cpu,
        "list_q": len(list_queries.captured_queries),
    }


def run_once(goals: int, fmt: str) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from goals.exchange import formats as exchange
    from goals.models import Goal
    from goals.services import goals_import
    from goals.tree_check import find_problems
    from vision.models import MandatePeriod

    with transaction.atomic():
        generate_period(goals)
        period = MandatePeriod.objects.get(is_current=True)
        count = Goal.objects.valid_in(period).count()

        with CaptureQueriesContext(connection) as export_queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            first = exchange.write(exchange.export_rows(period), fmt)
            export_s = time.perf_counter() - started
            export_cpu = time.process_time() - cpu_started

        # Emptied without a history row per goal: the bench is about the import.
        Goal.objects.all()._raw_delete(connection.alias)

        with CaptureQueriesContext(connection) as import_queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            goals_import(by=system_actor(), rows=exchange.read(first, fmt))
            import_s = time.perf_counter() - started
            import_cpu = time.process_time() - cpu_started
        identical = exchange.write(exchange.export_rows(period), fmt) == first

        with CaptureQueriesContext(connection) as again_queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            second = goals_import(by=system_actor(), rows=exchange.read(first, fmt))
            again_s = time.perf_counter() - started
            again_cpu = time.process_time() - cpu_started
        tree_ok = find_problems() == []
        transaction.set_rollback(True)

    def writes(queries):
        return [
            q
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]

    inserts = [q for q in import_queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    return {
        "goals": count,
        "bytes": len(first),
        "export_s": export_s,
        "export_cpu": export_cpu,
        "export_q": len(export_queries.captured_queries),
        "import_s": import_s,
        "import_cpu": import_cpu,
        "import_q": len(import_queries.captured_queries),
        "import_other_q": len(import_queries.captured_queries) - len(inserts),
        "again_s": again_s,
        "again_cpu": again_cpu,
        "again_q": len(again_queries.captured_queries),
        "second_writes": len(writes(again_queries)) + second.created + second.updated + second.moved,
        "identical": identical,
        "tree_ok": tree_ok,
    }


if __name__ == "__main__":
    sys.exit(main())
