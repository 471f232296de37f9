"""Benchmark: the browsing, follow-up and admin pages and the API under gunicorn with production settings.

Run:  make bench                      (SQLite and PostgreSQL, 1,000 / 10,000 / 100,000 goals)
      .venv/bin/python -m tests.bench.bench_pages --sizes 1000 10000 --databases sqlite postgres

For each database and size: a fresh database is migrated and filled with
`generate_goals --goals N --periods 1`; prepare() adds three users (a plain reader,
an editor of one office, an administrator) and follow-up data sized with the goals
(indicators with targets and five years of values, an open round with assessments);
each page's SQL queries are counted in-process (Django's test client and
CaptureQueriesContext, with an empty cache and again with a warm one); then gunicorn
with production settings (DEBUG off, 2 sync workers) serves the app on loopback, each
user signs in once through the login form, and wrk (8 connections) drives each page for
a fixed time, sending the session cookie of the user that page is measured as (none for
the public site). Every size also runs a bare view doing one query
(tests/bench/bench_urls.py) before and after the pages, and each page's throughput is
given as a ratio to it, so the ratio holds on a noisy machine; the two bare runs' spread
says how much the machine moved meanwhile.

Prints the machine, commit and command, one markdown table and the targets met or missed,
and writes them to bench-results/pages.md (raw numbers in pages.json).
PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/vision_bench);
the database named there is dropped and re-created for each size.
"""

import argparse
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SETTINGS = "tests.bench.bench_settings"
LUA = Path(__file__).with_name("wrk_report.lua")
RESULTS = ROOT / "bench-results"
# The signed-in users, one session cookie each: a plain reader, an editor of one office and an
# administrator; the anonymous public pages send none.
BENCH_USER = "bench"
USERS = {"reader": BENCH_USER, "editor": "bench-editor", "admin": "bench-admin"}
EDITOR_UNIT = "gen-kontor-1"
SEARCH_TEXT = "klimat"
MIN_REQUESTS = 20
SLOW_SECONDS = 20
ROTATE = 20  # goal, expand and admin change pages rotate over this many goals, not one hot URL
INDICATORS_PER_GOAL = 5
MEASURED_YEARS = 5
EDITOR_ASSESSMENTS = 10  # the editor's own, saved through the service
ADMIN_PERIOD_PARAMETER = "valid_in"  # goals.admin.filters.ValidInPeriodFilter

# (key, label); the order of the table's rows.
PAGES = [
    ("bare", "bare view (1 query)"),
    ("start", "start page"),
    ("tree", "tree page"),
    ("expand", "expand a node"),
    ("goal", "goal page"),
    ("unit", "unit page"),
    ("search", "search"),
    ("api_goals", "API goal list"),
    ("api_tree", "API nested tree"),
    ("indicators", "indicator list"),
    ("goal_indicators", "goal page with 5 indicators"),
    ("followup_board", "follow-up dashboard"),
    ("followup_mine", "my follow-ups (editor)"),
    ("admin_list", "admin goal list (current period)"),
    ("admin_add", "admin add goal"),
    ("admin_change", "admin change goal"),
    ("public_start", "public start page (anonymous)"),
    ("public_tree", "public tree page (anonymous)"),
    ("public_goal", "public goal page (anonymous)"),
]
# The public site's pages, asked for without a session cookie.
ANONYMOUS = {"public_start", "public_tree", "public_goal"}
# Pages asked for as another user than the reader (USERS' keys).
SIGNED_IN_AS = {
    "followup_mine": "editor",
    "admin_list": "admin",
    "admin_add": "admin",
    "admin_change": "admin",
}
# The pages whose body is served from the cache once warm.
CACHED = {
    "start",
    "tree",
    "goal",
    "unit",
    "api_goals",
    "api_tree",
    "public_start",
    "public_tree",
    "public_goal",
}


@dataclass
class Targets:
    """Throughput as a multiple of the bare view (and p95) every page should reach at one size."""

    database: str
    goals: int
    ratio_default: float
    ratio: dict[str, float] = field(default_factory=dict)
    p95_ms: float | None = None

    @property
    def title(self) -> str:
        return f"{DATABASE_NAMES[self.database]}, {self.goals:,} goals"


DATABASE_NAMES = {"postgres": "PostgreSQL", "sqlite": "SQLite"}
TARGETS = [
    Targets(
        "postgres",
        10_000,
        ratio_default=0.5,
        ratio={**dict.fromkeys(CACHED, 0.7), "search": 0.35, "expand": 0.5},
        p95_ms=100,
    ),
    Targets("sqlite", 100_000, ratio_default=0.3),
]


@dataclass
class Run:
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    errors: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Result:
    database: str
    goals: int
    runs: dict[str, Run] = field(default_factory=dict)
    queries: dict[str, tuple[int, int]] = field(default_factory=dict)
    bare_rps: float = 0.0
    bare_before: float = 0.0  # req/s of the bare view's run before the pages, and after them
    bare_after: float = 0.0
    load: float = 0.0  # the machine's highest 1-minute load average seen during the load run
    seconds: dict[str, float] = field(default_factory=dict)  # time each part took


# --- in-process part: data preparation and query counts (run in a child process) ---


def prepare() -> None:
    """Create the bench users and the follow-up data, choose the URLs, count each page's queries; print JSON."""
    from tests.bench.common import setup_django

    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from goals.models import Goal
    from tests.bench.common import system_actor
    from vision.models import MandatePeriod, Unit, UnitRole
    from vision.services import membership_grant

    password = os.environ["BENCH_PASSWORD"]
    user_model = get_user_model()
    users = {}
    for role, username in USERS.items():
        user = user_model.objects.filter(username=username).first() or user_model(username=username)
        user.set_password(password)
        if role == "admin":
            user.is_staff = user.is_superuser = True
        user.save()
        users[role] = user
    by = system_actor()
    membership_grant(
        by=by, user=users["editor"], unit=Unit.objects.get(slug=EDITOR_UNIT), role=UnitRole.EDITOR
    )

    period = MandatePeriod.objects.current()
    in_period = Goal.objects.valid_in(period)
    # generate_goals records no decisions; the public site shows decided goals only. A direct
    # update (not a service per goal): it only sizes the data set the public pages read.
    in_period.filter(decided_on__isnull=True).update(decided_by="Kommunfullmäktige", decided_on="2023-01-31")
    expand_ids = list(in_period.filter(depth=4, numchild__gt=0).order_by("path").values_list("pk", flat=True))
    goal_ids = list(in_period.filter(depth=5).order_by("path").values_list("pk", flat=True))
    step = max(1, len(goal_ids) // ROTATE)
    plain_goals = goal_ids[::step][:ROTATE]
    # Other goals than the goal page's: that row keeps measuring a goal without indicators.
    indicator_goals = goal_ids[step // 2 :: step][:ROTATE]
    started = time.perf_counter()
    round_id = prepare_followup(period, goal_ids, plain_goals, indicator_goals, users["editor"], by)
    followup_seconds = time.perf_counter() - started
    # Fresh statistics, as autovacuum would have after a bulk load: without them PostgreSQL
    # estimated the full-text match wrongly and scanned every goal (search 200 ms, not 19 ms).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    q = urllib.parse.urlencode
    paths = {
        "bare": ["/bench/bare/"],
        "start": ["/"],
        "tree": [f"/goals/?{q({'period': period.slug})}"],
        "expand": [
            f"/goals/{pk}/children/?{q({'period': period.slug, 'status': 'active'})}"
            for pk in expand_ids[::step][:ROTATE]
        ],
        "goal": [f"/goals/{pk}/" for pk in plain_goals],
        "unit": [f"/units/{EDITOR_UNIT}/?{q({'period': period.slug})}"],
        "search": [f"/search/?{q({'q': SEARCH_TEXT})}"],
        "api_goals": [f"/api/goals/?{q({'period': period.slug})}"],
        "api_tree": [f"/api/tree/?{q({'period': period.slug})}"],
        "indicators": [f"/indicators/?{q({'period': period.slug})}"],
        "goal_indicators": [f"/goals/{pk}/" for pk in indicator_goals],
        "followup_board": [f"/followup/{round_id}/"],
        "followup_mine": [f"/followup/{round_id}/mine/"],
        "admin_list": [f"/admin/goals/goal/?{q({ADMIN_PERIOD_PARAMETER: period.pk})}"],
        "admin_add": ["/admin/goals/goal/add/"],
        "admin_change": [f"/admin/goals/goal/{pk}/change/" for pk in plain_goals],
        "public_start": ["/public/"],
        "public_tree": [f"/public/goals/?{q({'period': period.slug})}"],
        "public_goal": [f"/public/goals/{pk}/" for pk in plain_goals],
    }
    clients = {None: Client()}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    queries = {}
    for key, urls in paths.items():
        counts = []
        cache.clear()
        for _ in range(2):  # an empty cache, then a warm one
            with CaptureQueriesContext(connection) as captured:
                response = clients[role_of(key)].get(urls[0], headers=htmx_header(key))
            if response.status_code != 200:
                raise SystemExit(f"{urls[0]} answered {response.status_code}, not 200")
            counts.append(len(captured))
        queries[key] = counts
    prepared = {
        "paths": paths,
        "queries": queries,
        "goals": in_period.count(),
        "followup_seconds": round(followup_seconds, 1),
    }
    print("PREPARED " + json.dumps(prepared))


def prepare_followup(period, goal_ids, plain_goals, indicator_goals, editor, by) -> int:
    """Indicators, targets, measurements and an open round with assessments, sized with the goals.

    The goals of the row "goal page with 5 indicators" get them through the services, and the
    editor's first goals an assessment; about one in ten other depth-5 goals gets one indicator
    and about one in five of the round's goals an assessment, both in bulk. Returns the round's id.
    """
    import datetime

    from django.utils import timezone

    from goals import permissions
    from goals.followup import rules
    from goals.followup.models import Assessment, Indicator, Measurement, Target
    from goals.followup.models.rounds import AssessmentStatus, RoundKind
    from goals.followup.rollup import round_goals
    from goals.followup.services import (
        assessment_save,
        indicator_save,
        measurement_record,
        round_open,
        target_set,
    )
    from goals.models import Goal

    today = timezone.localdate()
    year = min(max(today.year, period.start.year), period.end.year)
    years = range(year - MEASURED_YEARS + 1, year + 1)
    for goal in Goal.objects.filter(pk__in=indicator_goals):
        for n in range(INDICATORS_PER_GOAL):
            indicator = indicator_save(
                indicator=Indicator(goal=goal, title=f"Nyckeltal {n + 1}", measure_unit="%"), by=by
            )
            target_set(indicator=indicator, year=period.end.year, value=60.0 + n, by=by)
            for measured in years:
                measurement_record(
                    indicator=indicator, period=str(measured), value=40.0 + measured % 7 + n, by=by
                )

    # In bulk: the 700 service calls above took 3-25 ms each here (2-20 s, by the machine's load),
    # so 100,000 goals' share (2,500 indicators with a target and five values each: 17,500 calls,
    # and 20,000 assessments) would take 2-15 minutes through the services; these rows only size
    # what the pages read.
    skip = set(plain_goals) | set(indicator_goals)
    sized = [pk for pk in goal_ids[5::10] if pk not in skip]
    Indicator.objects.bulk_create(
        [Indicator(goal_id=pk, title="Andel nöjda invånare", measure_unit="%") for pk in sized],
        batch_size=2000,
    )
    bulk_ids = list(Indicator.objects.filter(goal_id__in=sized).values_list("pk", flat=True))
    Target.objects.bulk_create(
        [Target(indicator_id=pk, year=period.end.year, value=60.0) for pk in bulk_ids], batch_size=2000
    )
    now = timezone.now()
    positions = {measured: rules.check_period_label(str(measured))[1] for measured in years}
    Measurement.objects.bulk_create(
        [
            Measurement(
                indicator_id=pk,
                period=str(measured),
                year=measured,
                position=positions[measured],
                value=40.0 + (pk + measured) % 30,
                recorded_at=now,
            )
            for pk in bulk_ids
            for measured in years
        ],
        batch_size=5000,
    )

    round_ = round_open(
        period=period,
        year=year,
        kind=RoundKind.HELAR,
        opens=today - datetime.timedelta(days=14),
        due=today + datetime.timedelta(days=30),
        by=by,
    )
    statuses = [AssessmentStatus.MET, AssessmentStatus.PARTLY, AssessmentStatus.NOT_MET]
    own = list(
        permissions.editable_goals(editor, round_goals(round_))
        .order_by("path")
        .values_list("pk", flat=True)[:EDITOR_ASSESSMENTS]
    )
    for n, goal in enumerate(Goal.objects.filter(pk__in=own).order_by("path")):
        assessment_save(
            round=round_, goal=goal, status=statuses[n % 3], analysis="Enligt plan.", version=0, by=editor
        )
    every_fifth = round_goals(round_).order_by("path").values_list("pk", flat=True)[::5]
    assessed = [pk for pk in every_fifth if pk not in set(own)]
    Assessment.objects.bulk_create(
        [
            Assessment(round=round_, goal_id=pk, status=statuses[n % 3], analysis="Enligt plan.")
            for n, pk in enumerate(assessed)
        ],
        batch_size=2000,
    )
    return round_.pk


def role_of(key: str) -> str | None:
    """Whose session cookie a page is asked for with; None: anonymous."""
    if key in ANONYMOUS:
        return None
    return SIGNED_IN_AS.get(key, "reader")


def htmx_header(key: str) -> dict[str, str]:
    """Expanding a node is an htmx request; without the header the view redirects to the tree."""
    return {"HX-Request": "true"} if key == "expand" else {}


# --- orchestration ---


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    parser.add_argument("--seconds", type=int, default=5, help="Load time per page.")
    parser.add_argument(
        "--small-seconds",
        type=int,
        default=3,
        help="Load time per page below 10,000 goals (no target is checked there; keeps make bench short).",
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="Default: a free port on 127.0.0.1.")
    parser.add_argument(
        "--extras",
        action="store_true",
        help="Also run the other benchmarks (media, carry-over, wide branch, ...).",
    )
    parser.add_argument("--command", help="The command to name in the results (make bench passes its own).")
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk (make bench installs it)", file=sys.stderr)
        return 2

    began = utc_now()
    env = base_env()
    # DEBUG off: templates name the hashed static files from the manifest collectstatic writes.
    manage(dict(env, DATABASE_URL="sqlite:///:memory:"), "collectstatic", "--noinput", "-v", "0")
    results = []
    started = time.perf_counter()
    for database in args.databases:
        for size in args.sizes:
            results.append(bench_one(database, size, env, args))
    header = header_lines(args, began, utc_now())
    table = markdown_table(results)
    spread = spread_lines(results)
    notes = target_notes(results)
    RESULTS.mkdir(exist_ok=True)
    report = "\n\n".join([header, table, spread, notes])
    (RESULTS / "pages.md").write_text(report + "\n")
    (RESULTS / "pages.json").write_text(json.dumps([raw(r) for r in results], indent=2))
    print()
    print(report)
    print(
        f"\n(pages benchmark took {time.perf_counter() - started:.0f} s; results in bench-results/pages.md)"
    )
    if args.extras:
        started = time.perf_counter()
        run_extras(env)
        print(f"\n(the other benchmarks took {time.perf_counter() - started:.0f} s)")
    return 0


def utc_now() -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime())


def base_env() -> dict[str, str]:
    # REDIS_URL passes through: set, the pages' cache is Redis, as on several app servers.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        BENCH_PASSWORD=secrets.token_urlsafe(16),
        # Persistent database connections, as docs/deployment.md sets them: without, every
        # request on PostgreSQL paid for a new backend process (the bare view: 92 req/s).
        CONN_MAX_AGE=os.environ.get("CONN_MAX_AGE", "60"),
        # No worker recycling during a run: each recycled worker imports Django afresh, which
        # stalled the queue for 1-2 s and made the p95 of the fastest pages (measured: 1.2-1.5 s).
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_LOG_LEVEL="warning",
        # Loopback runs never hit the lock-out, but a failed sign-in must not linger.
        AXES_FAILURE_LIMIT="1000",
        PUBLIC_SITE="1",
        PYTHONPATH=str(ROOT),
    )
    return env


def fresh_database(database: str, size: int, workdir: Path) -> str:
    if database == "sqlite":
        return f"sqlite:///{workdir / f'bench-{size}.sqlite3'}"
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vision_bench")
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def manage(env: dict, *argv: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def bench_one(database: str, size: int, base: dict, args) -> Result:
    workdir = Path(tempfile.mkdtemp(prefix="vision-bench-"))
    env = dict(base, DATABASE_URL=fresh_database(database, size, workdir))
    print(f"== {database}, {size:,} goals", flush=True)
    seconds = {}
    t = time.perf_counter()
    manage(env, "migrate", "--noinput")
    seconds["migrate"] = time.perf_counter() - t
    t = time.perf_counter()
    generated = manage(env, "generate_goals", "--goals", str(size), "--periods", "1").strip()
    seconds["generate"] = time.perf_counter() - t
    print(f"   migrated in {seconds['migrate']:.1f} s; {generated} ({seconds['generate']:.1f} s)", flush=True)
    t = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", "tests.bench.bench_pages", "--prepare"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((row for row in done.stdout.splitlines() if row.startswith("PREPARED ")), None)
    if done.returncode or line is None:
        raise SystemExit(f"preparing failed:\n{done.stdout}\n{done.stderr}")
    prepared = json.loads(line.removeprefix("PREPARED "))
    seconds["prepare"] = time.perf_counter() - t
    print(
        f"   prepared in {seconds['prepare']:.1f} s (follow-up data {prepared['followup_seconds']:.1f} s)",
        flush=True,
    )
    result = Result(database, size, queries={k: tuple(v) for k, v in prepared["queries"].items()})
    result.load = os.getloadavg()[0]

    t = time.perf_counter()
    port = args.port or free_port()
    server = start_gunicorn(env, port, args.workers)
    try:
        base_url = f"http://127.0.0.1:{port}"
        cookies = {
            role: sign_in(base_url, username, env["BENCH_PASSWORD"]) for role, username in USERS.items()
        }

        def headers(key: str) -> list[str]:
            role = role_of(key)
            session = [f"Cookie: {cookies[role]}"] if role else []
            return session + [f"{k}: {v}" for k, v in htmx_header(key).items()]

        for key, paths in prepared["paths"].items():
            for path in paths:
                check_ok(base_url + path, headers(key))
        seconds_per_page = min(args.seconds, args.small_seconds) if size < 10_000 else args.seconds
        bare_runs = [wrk(base_url, prepared["paths"]["bare"], headers("bare"), args, seconds_per_page)]
        for key, _label in PAGES[1:]:
            result.runs[key] = wrk(base_url, prepared["paths"][key], headers(key), args, seconds_per_page)
            result.load = max(result.load, os.getloadavg()[0])
            print(
                f"   {key:15} {result.runs[key].rps:7.1f} req/s  p95 {result.runs[key].p95_ms:6.1f} ms",
                flush=True,
            )
        bare_runs.append(wrk(base_url, prepared["paths"]["bare"], headers("bare"), args, seconds_per_page))
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    seconds["load"] = time.perf_counter() - t
    result.seconds = seconds
    result.runs["bare"] = Run(
        requests=sum(r.requests for r in bare_runs),
        seconds=sum(r.seconds for r in bare_runs),
        p50_ms=statistics.mean(r.p50_ms for r in bare_runs),
        p95_ms=max(r.p95_ms for r in bare_runs),
        errors=sum(r.errors for r in bare_runs),
    )
    result.bare_rps = result.runs["bare"].rps
    result.bare_before, result.bare_after = bare_runs[0].rps, bare_runs[1].rps
    result.load = max(result.load, os.getloadavg()[0])
    print(
        f"   bare view {result.bare_rps:.1f} req/s (before {result.bare_before:.0f}, after {result.bare_after:.0f});"
        f" load run {seconds['load']:.0f} s",
        flush=True,
    )
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    server_env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers))
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "vision.wsgi"],
        cwd=ROOT,
        env=server_env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited at start-up")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base_url: str, username: str, password: str) -> str:
    """Sign in through the login form once, as a browser would; return the Cookie header."""
    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(base_url + "/accounts/login/") as response:
        page = response.read().decode()
        cookies = cookies_of(response.headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(
        base_url + "/accounts/login/",
        data=body.encode(),
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Referer": base_url + "/"},
    )
    try:
        opener.open(request)
        raise SystemExit(f"signing in as {username} did not redirect: wrong password or a changed login form")
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise SystemExit(f"signing in answered {error.code}") from error
        cookies.update(cookies_of(error.headers))
    if "sessionid" not in cookies:
        raise SystemExit("signing in set no session cookie")
    return f"sessionid={cookies['sessionid']}"


def cookies_of(headers) -> dict[str, str]:
    found = {}
    for header in headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def check_ok(url: str, headers: list[str]) -> None:
    request = urllib.request.Request(url, headers=dict(h.split(": ", 1) for h in headers))
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{url} answered {error.code}, not 200") from error


def drain(base_url: str) -> None:
    """Wait until the workers have answered what wrk left queued when it stopped.

    wrk closes its connections at the end of a run, but requests already accepted
    are still served; the next page's measurement must not pay for them.
    """
    with urllib.request.urlopen(base_url + "/healthz", timeout=300) as response:
        response.read()


def wrk(base_url: str, paths: list[str], headers: list[str], args, seconds: int) -> Run:
    """Warm up for a second (filling the caches), then measure for ``seconds``; a page so
    slow that fewer than MIN_REQUESTS complete is measured again, as long as that rate needs
    for them (and half as long again), at most SLOW_SECONDS."""
    wrk_once(base_url, paths, headers, args, seconds=1)
    run = wrk_once(base_url, paths, headers, args, seconds=seconds)
    if run.requests < MIN_REQUESTS and seconds < SLOW_SECONDS:
        needed = math.ceil(1.5 * MIN_REQUESTS / run.rps) if run.rps else SLOW_SECONDS
        run = wrk_once(base_url, paths, headers, args, seconds=min(SLOW_SECONDS, max(needed, seconds + 1)))
    return run


def wrk_once(base_url: str, paths: list[str], headers: list[str], args, seconds: int) -> Run:
    command = [
        "wrk",
        "-t1",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
    ]
    for header in headers:
        command += ["-H", header]
    command += [base_url, "--", *paths]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    drain(base_url)
    line = next(row for row in done.stdout.splitlines() if row.startswith("WRK-JSON "))
    data = json.loads(line.removeprefix("WRK-JSON "))
    errors = sum(
        data[k] for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return Run(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        errors=errors,
    )


# --- reporting ---


def markdown_table(results: list[Result]) -> str:
    rows = [
        "| database | goals | page | median ms | p95 ms | req/s | × bare | SQL queries (cold / warm cache) |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        for key, label in PAGES:
            run = result.runs[key]
            cold, warm = result.queries[key]
            queries = str(cold) if cold == warm else f"{cold} / {warm}"
            errors = f" ({run.errors} errors)" if run.errors else ""
            rows.append(
                f"| {result.database} | {result.goals:,} | {label} | {run.p50_ms:.1f} | {run.p95_ms:.1f} | "
                f"{run.rps:.1f}{errors} | {run.rps / result.bare_rps:.2f} | {queries} |"
            )
    return "\n".join(rows)


def header_lines(args, began: str, ended: str) -> str:
    """What the table was measured on and how, to print above it (and paste with it)."""
    command = args.command or "python -m tests.bench.bench_pages " + " ".join(sys.argv[1:])
    return "\n".join(
        [
            f"**Machine**: {machine()}.",
            f"**Commit**: {commit()}; run {began}–{ended[-5:]} UTC.",
            f"**Command**: `{command}`",
        ]
    )


def machine() -> str:
    import platform

    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as info:
        for row in info:
            if row.startswith("model name"):
                cpu = " ".join(row.split(":", 1)[1].split())
                break
    memory = ""
    with open("/proc/meminfo") as info:
        for row in info:
            if row.startswith("MemTotal:"):
                memory = f", {int(row.split()[1]) / 1024 / 1024:.0f} GiB memory"
    system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.platform())
    parts = [f"{cpu}, {os.cpu_count()} cores{memory}", system, f"Python {platform.python_version()}"]
    postgres = postgres_version()
    if postgres:
        parts.append(f"PostgreSQL {postgres} (same host)")
    return ", ".join(parts)


def postgres_version() -> str:
    import psycopg

    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vision_bench")
    admin_url = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
    try:
        with psycopg.connect(admin_url, connect_timeout=5) as conn:
            return conn.execute("SHOW server_version").fetchone()[0].split()[0]
    except psycopg.Error:
        return ""


def commit() -> str:
    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    sha = git("rev-parse", "--short", "HEAD") or "unknown commit"
    changed = git("status", "--porcelain", "--untracked-files=no")
    return sha + (" with uncommitted changes" if changed else "")


def spread_lines(results: list[Result]) -> str:
    """The bare view's run before the pages and after: how much the machine moved under the table."""
    loads = ", ".join(f"{r.database} {r.goals:,}: {r.load:.1f}" for r in results)
    lines = [
        f"Highest 1-minute load average seen in each load run ({os.cpu_count()} cores): {loads}.",
        "Bare view before / after the pages (req/s), spread min–max and as % of their mean: "
        + "; ".join(
            f"{r.database} {r.goals:,}: {r.bare_before:.0f} / {r.bare_after:.0f}, "
            f"{min(r.bare_before, r.bare_after):.0f}–{max(r.bare_before, r.bare_after):.0f} "
            f"({spread_percent(r):.0f} %)"
            for r in results
        )
        + ".",
        "Time per part (s; migrate, generate_goals, prepare incl. follow-up data, load run): "
        + "; ".join(
            f"{r.database} {r.goals:,}: "
            + " / ".join(
                f"{r.seconds.get(part, 0):.0f}" for part in ("migrate", "generate", "prepare", "load")
            )
            for r in results
        )
        + ".",
    ]
    return "\n".join(lines)


def spread_percent(result: Result) -> float:
    runs = (result.bare_before, result.bare_after)
    mean = statistics.mean(runs)
    return (max(runs) - min(runs)) / mean * 100 if mean else 0.0


def target_notes(results: list[Result]) -> str:
    """Per page, each target set's verdict (met / missed), then whether any page's queries grow."""
    lines = []
    found = [
        (targets, result)
        for targets in TARGETS
        for result in results
        if (result.database, result.goals) == (targets.database, targets.goals)
    ]
    if found:
        header = "| page | " + " | ".join(
            f"{t.title}: × bare" + (f" / p95 < {t.p95_ms:.0f} ms" if t.p95_ms else "") for t, _ in found
        )
        lines += [header + " |", "|---|" + "---|" * len(found)]
    missed = {t.title: [] for t, _ in found}
    for key, label in PAGES[1:] if found else []:
        cells = []
        for targets, result in found:
            run = result.runs[key]
            wanted = targets.ratio.get(key, targets.ratio_default)
            ratio = run.rps / result.bare_rps
            cell = f"{ratio:.2f} (≥ {wanted})"
            ok = ratio >= wanted
            if targets.p95_ms:
                cell += f" / {run.p95_ms:.0f} ms"
                ok = ok and run.p95_ms < targets.p95_ms
            if not ok:
                missed[targets.title].append(label)
            cells.append(cell + (" met" if ok else " **missed**"))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if found:
        lines.append("")
    for targets in TARGETS:
        if targets.title not in missed:
            lines.append(f"Targets on {targets.title}: not checked (that size was not run).")
            continue
        misses = missed[targets.title]
        lines.append(
            f"Targets on {targets.title}: "
            + (
                f"all {len(PAGES) - 1} met."
                if not misses
                else f"{len(misses)} missed: " + "; ".join(misses) + "."
            )
        )
    for database in sorted({r.database for r in results}):
        sizes = sorted((r for r in results if r.database == database), key=lambda r: r.goals)
        if len(sizes) < 2:
            continue
        small, large = sizes[0], sizes[-1]
        grows = [
            f"{label} {'/'.join(map(str, small.queries[key]))}→{'/'.join(map(str, large.queries[key]))}"
            for key, label in PAGES
            if any(b > a for a, b in zip(small.queries[key], large.queries[key], strict=True))
        ]
        lines.append(
            f"Queries on {database}, {small.goals:,} → {large.goals:,} goals (cold and warm cache): "
            + ("none grows." if not grows else "grow: " + ", ".join(grows) + ".")
        )
    return "\n".join(lines)


def raw(result: Result) -> dict:
    return {
        "database": result.database,
        "goals": result.goals,
        "bare_rps": result.bare_rps,
        "bare before / after": [result.bare_before, result.bare_after],
        "bare_spread_percent": spread_percent(result),
        "load": result.load,
        "seconds": result.seconds,
        "queries": result.queries,
        "runs": {key: vars(run) | {"rps": run.rps} for key, run in result.runs.items()},
    }


def run_extras(env: dict) -> None:
    """The other benchmarks: media streaming (dialogue), carry-over (linking), one committee goal
    with 50,000 children, the follow-up round's deadline hour and the follow-up pages and sync.

    The media benchmark brings its own SQLite database and gunicorn, so it runs once; carry-over
    runs on SQLite and on PostgreSQL; the others on PostgreSQL, each in a throw-away test_<name>
    database next to the bench one. Each prints its own table.
    """
    bench_dir = Path(__file__).parent
    child = {k: v for k, v in env.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    child["DEBUG"] = "1"
    # These choose their own DEBUG (off, as served): only the media and carry-over ones ran with it on.
    own_debug = {k: v for k, v in child.items() if k != "DEBUG"}
    pg_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vision_bench")
    runs = [(p.stem, "its own SQLite", None, child) for p in sorted(bench_dir.glob("bench_media*.py"))]
    if not runs:
        print("\nMedia benchmark: missing (no tests/bench/bench_media*.py).")
    if (bench_dir / "bench_carry_over.py").exists():
        runs += [
            ("bench_carry_over", "SQLite", None, child),
            ("bench_carry_over", "PostgreSQL", pg_url, child),
        ]
    else:
        print("\nCarry-over benchmark: missing (no tests/bench/bench_carry_over.py).")
    for module in ("bench_wide_branch", "bench_deadline", "bench_followup"):
        if (bench_dir / f"{module}.py").exists():
            runs.append((module, "PostgreSQL", pg_url, own_debug))
        else:
            print(f"\n{module}: missing (no tests/bench/{module}.py).")
    for module, label, url, run_env in runs:
        print(f"\n== {module} on {label}: python -m tests.bench.{module}", flush=True)
        started = time.perf_counter()
        run_env = dict(run_env, DATABASE_URL=url) if url else run_env
        done = subprocess.run([PYTHON, "-m", f"tests.bench.{module}"], cwd=ROOT, env=run_env, check=False)
        status = f"exited with status {done.returncode}, " if done.returncode else ""
        print(f"   ({module} {status}took {time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
