"""Profile pages in-process with pyinstrument, signed in as the bench user.

Run against a database filled by generate_goals, e.g.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vision_bench \\
      .venv/bin/python -m tests.bench.profile_page --time-all
    ... -m tests.bench.profile_page "/api/tree/?period=2023-2026" --repeat 5

--time-all times one request of every benchmarked page (empty cache, then warm);
with a URL, the request is repeated and pyinstrument's text report printed (an
HTML report is written to bench-results/profile.html).
"""

import argparse
import time
from pathlib import Path

from tests.bench.common import setup_django

PAGES = {
    "start page": "/",
    "tree page": "/goals/?period={period}",
    "expand a node": "/goals/{expand}/children/?period={period}&status=active",
    "goal page": "/goals/{goal}/",
    "unit page": "/units/gen-kontor-1/?period={period}",
    "search": "/search/?q=klimat",
    "API goal list": "/api/goals/?period={period}",
    "API nested tree": "/api/tree/?period={period}",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--time-all", action="store_true")
    parser.add_argument("--warm", action="store_true", help="Profile with a warm cache.")
    args = parser.parse_args()
    setup_django(
        "tests.bench.bench_settings",
        DEBUG="0",
        SECRET_KEY="profile-" + "x" * 50,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
    )
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from goals.models import Goal
    from vision.models import MandatePeriod

    user, _ = get_user_model().objects.get_or_create(username="bench")
    client = Client(headers={"HX-Request": "true"})
    client.force_login(user)
    period = MandatePeriod.objects.current()
    in_period = Goal.objects.valid_in(period)
    names = {
        "period": period.slug,
        "expand": in_period.filter(depth=4, numchild__gt=0).order_by("path").values_list("pk", flat=True)[0],
        "goal": in_period.filter(depth=5).order_by("path").values_list("pk", flat=True)[0],
    }
    if args.time_all or not args.url:
        for label, pattern in PAGES.items():
            url = pattern.format(**names)
            cache.clear()
            client.get(url)  # the first request in a process compiles templates; not counted
            timings = []
            for _ in range(2):
                cache.clear()
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            started = time.perf_counter()
            client.get(url)
            warm = (time.perf_counter() - started) * 1000
            print(f"{label:16} {min(timings):8.1f} ms empty cache  {warm:8.1f} ms warm   {url}")
        return

    from pyinstrument import Profiler

    url = args.url.format(**names)
    client.get(url)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.repeat):
        if not args.warm:
            cache.clear()
        response = client.get(url)
    profiler.stop()
    assert response.status_code == 200, response.status_code
    print(profiler.output_text(unicode=False, color=False))
    out = Path(__file__).resolve().parents[2] / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "profile.html").write_text(profiler.output_html())


if __name__ == "__main__":
    main()
