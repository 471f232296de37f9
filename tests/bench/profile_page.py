"""Profile pages in-process with pyinstrument, signed in as bench_pages' users.

Run against a database filled by generate_goals, e.g.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vision_bench \\
      .venv/bin/python -m tests.bench.profile_page --time-all
    ... -m tests.bench.profile_page "/api/tree/?period=2023-2026" --repeat 5

--time-all times one request of every benchmarked page (empty cache, then warm), each
as the user bench_pages asks for it with (the follow-up and admin pages need the users
and data its prepare() makes: run make bench once on the database, or they are skipped);
with a URL, the request is repeated and pyinstrument's text report printed (an
HTML report is written to bench-results/profile.html).
"""

import argparse
import time
from pathlib import Path

from tests.bench.common import setup_django

# label: (URL pattern, who asks: a USERS role of bench_pages, or None for anonymous). The
# follow-up and admin pages need the data and users bench_pages' prepare() makes.
PAGES = {
    "start page": ("/", "reader"),
    "tree page": ("/goals/?period={period}", "reader"),
    "expand a node": ("/goals/{expand}/children/?period={period}&status=active", "reader"),
    "goal page": ("/goals/{goal}/", "reader"),
    "unit page": ("/units/gen-kontor-1/?period={period}", "reader"),
    "search": ("/search/?q=klimat", "reader"),
    "API goal list": ("/api/goals/?period={period}", "reader"),
    "API nested tree": ("/api/tree/?period={period}", "reader"),
    "indicator list": ("/indicators/?period={period}", "reader"),
    "goal page with 5 indicators": ("/goals/{indicator_goal}/", "reader"),
    "follow-up dashboard": ("/followup/{round}/", "reader"),
    "my follow-ups": ("/followup/{round}/mine/", "editor"),
    "admin goal list": ("/admin/goals/goal/?valid_in={period_pk}", "admin"),
    "admin add goal": ("/admin/goals/goal/add/", "admin"),
    "admin change goal": ("/admin/goals/goal/{goal}/change/", "admin"),
    "public start page": ("/public/", None),
    "public tree page": ("/public/goals/?period={period}", None),
    "public goal page": ("/public/goals/{goal}/", None),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--time-all", action="store_true")
    parser.add_argument("--warm", action="store_true", help="Profile with a warm cache.")
    parser.add_argument(
        "--user", choices=["reader", "editor", "admin"], default="reader", help="Who asks for the URL."
    )
    args = parser.parse_args()
    setup_django(
        "tests.bench.bench_settings",
        DEBUG="0",
        SECRET_KEY="profile-" + "x" * 50,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        PUBLIC_SITE="1",
    )
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db.models import Count
    from django.test import Client

    from goals.followup.models import FollowUpRound
    from goals.models import Goal
    from tests.bench.bench_pages import USERS
    from vision.models import MandatePeriod

    clients = {None: Client()}
    for role, username in USERS.items():
        user = get_user_model().objects.filter(username=username).first()
        if user is None and role == "reader":
            user = get_user_model().objects.create(username=username)
        if user is not None:
            clients[role] = Client()
            clients[role].force_login(user)
    period = MandatePeriod.objects.current()
    in_period = Goal.objects.valid_in(period)
    followed = FollowUpRound.objects.filter(period=period).order_by("-pk").first()
    indicator_goal = (
        in_period.annotate(n=Count("indicators"))
        .filter(n__gte=5)
        .order_by("path")
        .values_list("pk", flat=True)
        .first()
    )
    names = {
        "period": period.slug,
        "period_pk": period.pk,
        "expand": in_period.filter(depth=4, numchild__gt=0).order_by("path").values_list("pk", flat=True)[0],
        "goal": in_period.filter(depth=5).order_by("path").values_list("pk", flat=True)[0],
        "indicator_goal": indicator_goal,
        "round": followed.pk if followed else None,
    }

    def get(label: str, url: str):
        role = PAGES[label][1] if label in PAGES else args.user
        headers = {"HX-Request": "true"} if "/children/" in url else {}
        return clients[role].get(url, headers=headers)

    if args.time_all or not args.url:
        for label, (pattern, role) in PAGES.items():
            if role not in clients or any(
                names[name] is None for name in ("indicator_goal", "round") if f"{{{name}}}" in pattern
            ):
                print(f"{label:24} skipped: run bench_pages' prepare() on this database first")
                continue
            url = pattern.format(**names)
            cache.clear()
            get(label, url)  # the first request in a process compiles templates; not counted
            timings = []
            for _ in range(2):
                cache.clear()
                started = time.perf_counter()
                response = get(label, url)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            started = time.perf_counter()
            get(label, url)
            warm = (time.perf_counter() - started) * 1000
            print(f"{label:24} {min(timings):8.1f} ms empty cache  {warm:8.1f} ms warm   {url}")
        return

    from pyinstrument import Profiler

    url = args.url.format(**names)
    get(url, url)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.repeat):
        if not args.warm:
            cache.clear()
        response = get(url, url)
    profiler.stop()
    assert response.status_code == 200, response.status_code
    print(profiler.output_text(unicode=False, color=False))
    out = Path(__file__).resolve().parents[2] / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "profile.html").write_text(profiler.output_html())


if __name__ == "__main__":
    main()
