"""Benchmark: one committee goal with 50,000 activities under it ("branches without bounds").

Run:  .venv/bin/python -m tests.bench.bench_wide_branch            (PostgreSQL, 50,000 children)
      .venv/bin/python -m tests.bench.bench_wide_branch --children 5000 --database sqlite

A throw-away database gets `generate_goals --goals 2000 --periods 1`, then 50,000
activities owned by one office are added under one committee goal in bulk (bench
set-up, as the generator itself writes). Each response that lists or uses that
branch is then fetched in-process with Django's test client as an administrator:
the median time of five warm requests (after one cold one), the size of the body and
the number of SQL queries, with the cold request's slowest query. Target for each: under
300 ms and 300 KiB. Prints one markdown table and writes it to bench-results/wide_branch.md
(make bench runs it with the other benchmarks).

PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/vision_bench_wide).
"""

import argparse
import os
import statistics
import time
from pathlib import Path

from tests.bench.common import generate_period, setup_django, system_actor, throwaway_database

RESULTS = Path(__file__).resolve().parents[2] / "bench-results"
TARGET_MS = 300
TARGET_KIB = 300
RUNS = 5


def add_children(parent, count: int, owner) -> None:
    from goals.models import Goal, GoalLevel
    from goals.paths import depth_of
    from goals.services.child_paths import ChildPaths

    paths = ChildPaths([parent.path])
    rows = [
        Goal(
            path=(path := paths.next(parent.path)),
            depth=depth_of(path),
            title=f"Aktivitet {n + 1} (exempeltext)",
            description="Exempeltext: en av många aktiviteter under samma nämndmål.",
            level=GoalLevel.ACTIVITY,
            owner=owner,
            period=parent.period,
        )
        for n in range(count)
    ]
    paths.add_to_stored_parents()
    Goal.objects.bulk_create(rows, batch_size=5000)


def measure(client, url: str, **headers) -> dict:
    from django.db import connection

    def fetch():
        response = client.get(url, **headers)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, len(body)

    queries = []

    def count(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql))

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        status, size = fetch()
    cold = (time.perf_counter() - started) * 1000
    times = [cold]
    # A response far past the target is timed once: five more would only take minutes.
    for _ in range(RUNS if cold < 10 * TARGET_MS else 0):
        started = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - started) * 1000)
    return {
        "status": status,
        "cold_ms": cold,
        "ms": statistics.median(times[1:] or times),
        "kib": size / 1024,
        "queries": len(queries),
        "slowest": max(queries, default=(0, ""), key=lambda q: q[0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    arguments = parser.parse_args()
    if arguments.database == "postgres":
        os.environ.setdefault(
            "DATABASE_URL",
            os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vision_bench_wide"),
        )
    setup_django(DEBUG="0", SECRET_KEY="bench-only-secret-key-" + "x" * 40, ALLOWED_HOSTS="testserver")
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    with throwaway_database("bench_wide"):
        from django.contrib.auth import get_user_model

        from goals.models import Goal, GoalLevel
        from vision.models import UnitKind

        generate_period(2000)
        system_actor()
        committee_goal = (
            Goal.objects.filter(level=GoalLevel.COMMITTEE).select_related("owner", "period").first()
        )
        office = Goal.objects.filter(owner__kind=UnitKind.OFFICE).select_related("owner").first().owner
        started = time.perf_counter()
        add_children(committee_goal, arguments.children, office)
        print(f"set-up: {arguments.children} children added in {time.perf_counter() - started:.1f} s")
        admin = get_user_model().objects.create_superuser("bench-admin", password="x" * 20)
        client = Client()
        client.force_login(admin)
        goal, period = committee_goal.pk, committee_goal.period.slug
        pages = {
            "goal page": f"/goals/{goal}/",
            "expand fragment": (f"/goals/{goal}/children/", {"HTTP_HX_REQUEST": "true"}),
            "tree ?open=": f"/goals/?period={period}&open={goal}",
            "API goal detail": f"/api/goals/{goal}/",
            "API children page": f"/api/goals/?parent={goal}",
            "new-workshop form": f"/dialogue/units/{office.slug}/workshops/new/?period={period}",
            "admin goal change": f"/admin/goals/goal/{goal}/change/",
            "workshop kit": f"/dialogue/kit/{office.slug}/?period={period}",
        }
        title = (
            f"{arguments.children:,} children under one committee goal, {connection_vendor()}: "
            f"the cold request, then the median of {RUNS} warm ones; target under {TARGET_MS} ms "
            f"and {TARGET_KIB} KiB. The slowest query is the cold request's: it says where a "
            "cache miss goes."
        )
        rows = [
            "| page | status | cold ms | warm ms | KiB | queries | within target | slowest query of the cold request |",
            "|---|---|---:|---:|---:|---:|---|---|",
        ]
        for name, url in pages.items():
            url, headers = url if isinstance(url, tuple) else (url, {})
            try:
                result = measure(client, url, **headers)
            except Exception as error:  # a page that fails is reported, the others still measured
                rows.append(f"| {name} | {type(error).__name__}: {str(error)[:80]} | | | | | no | |")
                continue
            ok = result["ms"] < TARGET_MS and result["kib"] < TARGET_KIB and result["status"] < 400
            slowest_ms, sql = result["slowest"]
            sql = " ".join(sql.split())[:120].replace("|", "\\|")
            rows.append(
                f"| {name} | {result['status']} | {result['cold_ms']:.0f} | {result['ms']:.0f} | "
                f"{result['kib']:.0f} | {result['queries']} | {'yes' if ok else 'no'} | "
                f"{slowest_ms:.0f} ms: `{sql}` |"
            )
        report = title + "\n\n" + "\n".join(rows)
        print("\n" + report)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "wide_branch.md").write_text(report + "\n")


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
