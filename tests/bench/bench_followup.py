"""Benchmark: kolada_sync of 50 key figures × 20 years from an offline directory, and the
indicator list at 10,000 goals × 2 indicators each.

Run:  .venv/bin/python -m tests.bench.bench_followup [--kpis 50] [--years 20] [--goals 10000]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python -m tests.bench.bench_followup

Works in a throw-away test database (a temporary file on SQLite). The sync is timed
twice: the first run stores every value, the second finds them all unchanged and
must write nothing. The list page is fetched in-process (Django's test client) with
its query count, unfiltered and filtered by status, the median of --repeat requests.
"""

import argparse
import json
import statistics
import tempfile
import time
from io import StringIO
from pathlib import Path

from tests.bench.common import generate_period, setup_django, system_actor, throwaway_database


def write_snapshot(directory: Path, kpis: list[str], years: int) -> None:
    for number, kpi in enumerate(kpis):
        (directory / "kpi").mkdir(parents=True, exist_ok=True)
        meta = {
            "count": 1,
            "values": [{"id": kpi, "title": f"Nyckeltal {kpi}", "description": "Bench."}],
            "next_url": None,
        }
        (directory / "kpi" / f"{kpi}.json").write_text(json.dumps(meta))
        rows = [
            {
                "kpi": kpi,
                "period": 2005 + year,
                "municipality": "0581",
                "values": [
                    {
                        "gender": g,
                        "value": None if year == years - 1 else 50.0 + number + year / 10,
                        "status": "",
                    }
                    for g in ("T", "K", "M")
                ],
            }
            for year in range(years)
        ]
        pages = directory / "data" / "kpi" / kpi / "municipality"
        pages.mkdir(parents=True, exist_ok=True)
        half = years // 2
        next_url = f"https://api.kolada.se/v3/data/kpi/{kpi}/municipality/0581?page=2"
        (pages / "0581.json").write_text(json.dumps({"values": rows[:half], "next_url": next_url}))
        (pages / "0581__page=2.json").write_text(json.dumps({"values": rows[half:], "next_url": None}))


def bench_sync(kpis: int, years: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from goals.followup.models import Indicator, Measurement
    from goals.followup.services import indicator_save
    from goals.models import Goal, GoalLevel

    by = system_actor()
    goals = list(Goal.objects.filter(level=GoalLevel.UNIT).order_by("path")[:kpis])
    ids = [f"N{90000 + n:05d}" for n in range(kpis)]
    for goal, kpi in zip(goals, ids, strict=False):
        indicator_save(
            indicator=Indicator(goal=goal, title=f"Nyckeltal {kpi}", source="kolada", kolada_kpi=kpi), by=by
        )
    directory = Path(tempfile.mkdtemp())
    write_snapshot(directory, ids, years)
    for label in ("first sync (stores all)", "second sync (unchanged)"):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            call_command("kolada_sync", "--offline", str(directory), stdout=StringIO())
            seconds = time.perf_counter() - start
        print(
            f"  kolada_sync {kpis} KPIs × {years} years, {label}: {seconds:.2f} s, {len(queries)} queries, "
            f"{Measurement.objects.count()} measurements stored"
        )


def bench_list(per_goal: int, repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from goals.followup.models import Indicator, Measurement, Target
    from goals.models import Goal
    from tests.factories import UserFactory

    # Fixture data in bulk (the services would take minutes for 20,000 indicators); the
    # services are what the sync above and the tests exercise.
    goals = list(Goal.objects.exclude(level="vision").values_list("pk", flat=True))
    Indicator.objects.bulk_create(
        [
            Indicator(goal_id=pk, title=f"Indikator {n}", measure_unit="%")
            for pk in goals
            for n in range(per_goal)
        ],
        batch_size=2000,
    )
    indicators = list(Indicator.objects.filter(source="manual").values_list("pk", flat=True))
    Target.objects.bulk_create(
        [Target(indicator_id=pk, year=2024, value=50.0) for pk in indicators], batch_size=2000
    )
    from django.utils import timezone

    now = timezone.now()
    Measurement.objects.bulk_create(
        [
            Measurement(
                indicator_id=pk, period="2024", year=2024, position=123, value=40.0 + pk % 20, recorded_at=now
            )
            for pk in indicators
        ],
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(UserFactory(username="bench-followup"))
    print(f"  indicator list: {Indicator.objects.count()} indicators on {len(goals)} goals")
    for url in ("/indicators/", "/indicators/?status=near", "/indicators/?status=met&page=3"):
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        print(
            f"    {url:32} median {statistics.median(times) * 1000:7.1f} ms, {len(queries)} queries; "
            f"slowest {float(slowest['time']) * 1000:.0f} ms: {slowest['sql'][:90]}"
        )


def bench_goal_page(repeat: int) -> None:
    """The goal page of a unit goal, without indicators and with five (4 targets, 12 values each)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from goals.followup.models import Indicator
    from goals.followup.services import indicator_save, measurement_record, target_set
    from goals.models import Goal, GoalLevel
    from tests.factories import UserFactory

    goal = Goal.objects.filter(level=GoalLevel.UNIT).order_by("path").first()
    Indicator.objects.filter(goal=goal).delete()  # the list's bulk fixture rows
    client = Client()
    client.force_login(UserFactory(username="bench-goal-page"))
    by = system_actor()

    def measure(label: str) -> None:
        times = []
        for _ in range(repeat):
            cache.clear()  # the goal page's body is cached; the indicators never are
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(f"/goals/{goal.pk}/")
                times.append(time.perf_counter() - start)
            assert response.status_code == 200
        print(
            f"    goal page, {label:24} median {statistics.median(times) * 1000:7.1f} ms, {len(queries)} queries (cold cache)"
        )

    measure("no indicators")
    for n in range(5):
        indicator = indicator_save(
            indicator=Indicator(goal=goal, title=f"Nyckeltal {n}", measure_unit="%"), by=by
        )
        for year in range(2023, 2027):
            target_set(indicator=indicator, year=year, value=50.0 + n, by=by)
        for year in range(2015, 2027):
            measurement_record(indicator=indicator, period=str(year), value=40.0 + year % 7 + n, by=by)
    measure("with 5 indicators")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=50)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--goals", type=int, default=10_000)
    parser.add_argument("--per-goal", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django(DEBUG="1")
    with throwaway_database("bench_followup") as connection:
        print(f"database: {connection.vendor}")
        generate_period(args.goals)
        bench_sync(args.kpis, args.years)
        bench_list(args.per_goal, args.repeat)
        bench_goal_page(args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
