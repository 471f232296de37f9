"""Benchmark: the browsing pages on a period of 10,000 goals (three such periods in the tree).

Run:  .venv/bin/python -m tests.bench.bench_browse [--goals 10000] [--periods 3] [--repeat 15]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python -m tests.bench.bench_browse

Works in a throw-away test database (test_<name>; a temporary file on SQLite).
Each page is requested through Django's test client, signed in, `--repeat`
times; the median and worst server times, the response size and the query
count are printed. Targets: the tree's first render under 300 KiB and
TARGET_MS[page] milliseconds median; an expansion at most 3 queries of its own
(5 with the session and user) at any depth.
"""

import argparse
import os
import statistics
import sys
import time

from tests.bench.common import setup_django, system_actor, throwaway_database

TARGET_MS = {"tree": 250, "expand": 60, "goal": 120, "unit": 200, "search": 250, "home": 120}
FIRST_RENDER_LIMIT = 300 * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goals", type=int, default=10_000)
    parser.add_argument("--periods", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    setup_django()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    with throwaway_database("bench_browse") as connection:
        print(
            f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        ok = run(args)
    print("RESULT:", "within target" if ok else "MISSES the target")
    return 0 if ok else 1


def run(args) -> bool:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from goals.demo import load_goals
    from goals.models import Goal, GoalLevel
    from goals.services.generate import generate_goals

    load_goals()
    started = time.perf_counter()
    tree = generate_goals(by=system_actor(), goals_per_period=args.goals, periods=args.periods)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    period = tree.periods[0]
    total = Goal.objects.count()
    print(f"generated {tree.created} goals in {time.perf_counter() - started:.1f} s; {total} goals in all")

    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(get_user_model().objects.create_user("bench"))
    in_period = Goal.objects.valid_in(period)
    unit_goal = in_period.filter(level=GoalLevel.UNIT).order_by("path").first()
    pages = {
        "home": ("/", {}),
        "tree": (f"/goals/?period={period.slug}", {}),
        "goal": (f"/goals/{unit_goal.pk}/", {}),
        "unit": (f"/units/gen-kontor-1/?period={period.slug}", {}),
        "search": ("/search/?q=verksamhetsmål 12", {}),
    }
    for depth in range(1, 6):
        node = in_period.filter(depth=depth).exclude(numchild=0).order_by("-numchild").first()
        if node is not None:
            pages[f"expand depth {depth}"] = (
                f"/goals/{node.pk}/children/?period={period.slug}",
                {"HTTP_HX_REQUEST": "true"},
            )

    ok = True
    print(f"{'page':<16} {'median ms':>9} {'max ms':>8} {'KiB':>7} {'queries':>7}  target")
    for name, (url, headers) in pages.items():
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(url, **headers)
                times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        median = statistics.median(times)
        kind = "expand" if name.startswith("expand") else name
        within = median <= TARGET_MS[kind]
        if kind == "expand":
            within = within and len(queries) <= 5
        if kind == "tree":
            within = within and len(response.content) < FIRST_RENDER_LIMIT
        ok = ok and within
        print(
            f"{name:<16} {median:9.1f} {max(times):8.1f} {len(response.content) / 1024:7.1f} "
            f"{len(queries):7d}  <= {TARGET_MS[kind]} ms{'' if within else '  MISSED'}"
        )
    return ok


if __name__ == "__main__":
    sys.exit(main())
