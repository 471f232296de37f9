"""Benchmark: the browsing pages and the API under gunicorn with production settings.

Run:  make bench                      (SQLite and PostgreSQL, 1,000 / 10,000 / 100,000 goals)
      .venv/bin/python -m tests.bench.bench_pages --sizes 1000 10000 --databases sqlite postgres

For each database and size: a fresh database is migrated and filled with
`generate_goals --goals N --periods 1`; a bench user is created; each page's SQL
queries are counted in-process (Django's test client and CaptureQueriesContext,
with an empty cache and again with a warm one); then gunicorn with production
settings (DEBUG off, 2 sync workers) serves the app on loopback, the bench user
signs in once through the login form, and wrk (8 connections) drives each page
for a fixed time, sending the session cookie. Every size also runs a bare view
doing one query (tests/bench/bench_urls.py) before and after the pages, and each
page's throughput is given as a ratio to it, so the ratio holds on a noisy machine.

Prints one markdown table and writes it, with the raw numbers, to bench-results/.
PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/vision_bench);
the database named there is dropped and re-created for each size.
"""

import argparse
import json
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
BENCH_USER = "bench"
SEARCH_TEXT = "klimat"
MIN_REQUESTS = 20
SLOW_SECONDS = 20
ROTATE = 20  # goal and expand pages rotate over this many goals, not one hot URL

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
    ("public_start", "public start page (anonymous)"),
    ("public_tree", "public tree page (anonymous)"),
    ("public_goal", "public goal page (anonymous)"),
]
# The public site's pages, asked for without the session cookie.
ANONYMOUS = {"public_start", "public_tree", "public_goal"}
# The targets, checked at 10,000 goals on PostgreSQL.
TARGET_RATIO = {"goal": 0.5, "tree": 0.5, "public_start": 0.8, "public_tree": 0.8, "public_goal": 0.8}
TARGET_RATIO_DEFAULT = 0.25
TARGET_P95_MS = 200


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
    load: float = 0.0  # the machine's highest 1-minute load average seen during the load run


# --- in-process part: data preparation and query counts (run in a child process) ---


def prepare() -> None:
    """Create the bench user, choose the URLs, count each page's queries; print JSON."""
    from tests.bench.common import setup_django

    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from goals.models import Goal
    from vision.models import MandatePeriod

    # Fresh statistics, as autovacuum would have after a bulk load: without them PostgreSQL
    # estimated the full-text match wrongly and scanned every goal (search 200 ms, not 19 ms).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    password = os.environ["BENCH_PASSWORD"]
    user_model = get_user_model()
    user = user_model.objects.filter(username=BENCH_USER).first() or user_model(username=BENCH_USER)
    user.set_password(password)
    user.save()

    period = MandatePeriod.objects.current()
    in_period = Goal.objects.valid_in(period)
    # generate_goals records no decisions; the public site shows decided goals only. A direct
    # update (not a service per goal): it only sizes the data set the public pages read.
    in_period.filter(decided_on__isnull=True).update(decided_by="Kommunfullmäktige", decided_on="2023-01-31")
    expand_ids = list(in_period.filter(depth=4, numchild__gt=0).order_by("path").values_list("pk", flat=True))
    goal_ids = list(in_period.filter(depth=5).order_by("path").values_list("pk", flat=True))
    step = max(1, len(goal_ids) // ROTATE)
    q = urllib.parse.urlencode
    paths = {
        "bare": ["/bench/bare/"],
        "start": ["/"],
        "tree": [f"/goals/?{q({'period': period.slug})}"],
        "expand": [
            f"/goals/{pk}/children/?{q({'period': period.slug, 'status': 'active'})}"
            for pk in expand_ids[::step][:ROTATE]
        ],
        "goal": [f"/goals/{pk}/" for pk in goal_ids[::step][:ROTATE]],
        "unit": [f"/units/gen-kontor-1/?{q({'period': period.slug})}"],
        "search": [f"/search/?{q({'q': SEARCH_TEXT})}"],
        "api_goals": [f"/api/goals/?{q({'period': period.slug})}"],
        "api_tree": [f"/api/tree/?{q({'period': period.slug})}"],
        "public_start": ["/public/"],
        "public_tree": [f"/public/goals/?{q({'period': period.slug})}"],
        "public_goal": [f"/public/goals/{pk}/" for pk in goal_ids[::step][:ROTATE]],
    }
    signed_in = Client()
    signed_in.force_login(user)
    anonymous = Client()
    queries = {}
    for key, urls in paths.items():
        counts = []
        cache.clear()
        for _ in range(2):  # an empty cache, then a warm one
            with CaptureQueriesContext(connection) as captured:
                client = anonymous if key in ANONYMOUS else signed_in
                response = client.get(urls[0], headers=htmx_header(key))
            if response.status_code != 200:
                raise SystemExit(f"{urls[0]} answered {response.status_code}, not 200")
            counts.append(len(captured))
        queries[key] = counts
    print("PREPARED " + json.dumps({"paths": paths, "queries": queries, "goals": in_period.count()}))


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
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="Default: a free port on 127.0.0.1.")
    parser.add_argument("--extras", action="store_true", help="Also run the media and carry-over benchmarks.")
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk (make bench installs it)", file=sys.stderr)
        return 2

    env = base_env()
    # DEBUG off: templates name the hashed static files from the manifest collectstatic writes.
    manage(dict(env, DATABASE_URL="sqlite:///:memory:"), "collectstatic", "--noinput", "-v", "0")
    results = []
    started = time.perf_counter()
    for database in args.databases:
        for size in args.sizes:
            results.append(bench_one(database, size, env, args))
    table = markdown_table(results)
    notes = target_notes(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pages.md").write_text(table + "\n" + notes + "\n")
    (RESULTS / "pages.json").write_text(json.dumps([raw(r) for r in results], indent=2))
    print()
    print(table)
    print()
    print(notes)
    print(f"\n(pages benchmark took {time.perf_counter() - started:.0f} s; results in bench-results/)")
    if args.extras:
        run_extras(env)
    return 0


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
    t = time.perf_counter()
    manage(env, "migrate", "--noinput")
    print(f"   migrated in {time.perf_counter() - t:.1f} s", flush=True)
    print("   " + manage(env, "generate_goals", "--goals", str(size), "--periods", "1").strip(), flush=True)
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
    result = Result(database, size, queries={k: tuple(v) for k, v in prepared["queries"].items()})
    result.load = os.getloadavg()[0]

    port = args.port or free_port()
    server = start_gunicorn(env, port, args.workers)
    try:
        base_url = f"http://127.0.0.1:{port}"
        cookie = sign_in(base_url, env["BENCH_PASSWORD"])

        def headers(key: str) -> list[str]:
            session = [] if key in ANONYMOUS else [f"Cookie: {cookie}"]
            return session + [f"{k}: {v}" for k, v in htmx_header(key).items()]

        for key, paths in prepared["paths"].items():
            for path in paths[:3]:
                check_ok(base_url + path, headers(key))
        bare_runs = [wrk(base_url, prepared["paths"]["bare"], headers("bare"), args)]
        for key, _label in PAGES[1:]:
            result.runs[key] = wrk(base_url, prepared["paths"][key], headers(key), args)
            result.load = max(result.load, os.getloadavg()[0])
            print(
                f"   {key:10} {result.runs[key].rps:7.1f} req/s  p95 {result.runs[key].p95_ms:6.1f} ms",
                flush=True,
            )
        bare_runs.append(wrk(base_url, prepared["paths"]["bare"], headers("bare"), args))
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    result.runs["bare"] = Run(
        requests=sum(r.requests for r in bare_runs),
        seconds=sum(r.seconds for r in bare_runs),
        p50_ms=statistics.mean(r.p50_ms for r in bare_runs),
        p95_ms=max(r.p95_ms for r in bare_runs),
        errors=sum(r.errors for r in bare_runs),
    )
    result.bare_rps = result.runs["bare"].rps
    result.load = max(result.load, os.getloadavg()[0])
    print(
        f"   bare view {result.bare_rps:.1f} req/s (before {bare_runs[0].rps:.0f}, after {bare_runs[1].rps:.0f})"
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


def sign_in(base_url: str, password: str) -> str:
    """Sign in through the login form once, as a browser would; return the Cookie header."""
    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(base_url + "/accounts/login/") as response:
        page = response.read().decode()
        cookies = cookies_of(response.headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"username": BENCH_USER, "password": password, "csrfmiddlewaretoken": token}
    )
    request = urllib.request.Request(
        base_url + "/accounts/login/",
        data=body.encode(),
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Referer": base_url + "/"},
    )
    try:
        opener.open(request)
        raise SystemExit("signing in did not redirect: wrong password or a changed login form")
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


def wrk(base_url: str, paths: list[str], headers: list[str], args) -> Run:
    """Warm up for a second (filling the caches), then measure for ``args.seconds``; a page so
    slow that fewer than MIN_REQUESTS complete is measured again for up to SLOW_SECONDS."""
    wrk_once(base_url, paths, headers, args, seconds=1)
    run = wrk_once(base_url, paths, headers, args, seconds=args.seconds)
    if run.requests < MIN_REQUESTS and args.seconds < SLOW_SECONDS:
        run = wrk_once(base_url, paths, headers, args, seconds=SLOW_SECONDS)
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


def target_notes(results: list[Result]) -> str:
    loads = ", ".join(f"{r.database} {r.goals:,}: {r.load:.1f}" for r in results)
    lines = [f"Highest 1-minute load average seen in each load run (2 cores): {loads}."]
    at_target = [r for r in results if r.database == "postgres" and r.goals == 10_000]
    for result in at_target:
        misses = []
        for key, label in PAGES[1:]:
            run = result.runs[key]
            wanted = TARGET_RATIO.get(key, TARGET_RATIO_DEFAULT)
            ratio = run.rps / result.bare_rps
            if ratio < wanted:
                misses.append(f"{label}: {ratio:.2f}× bare (target {wanted}×)")
            if run.p95_ms >= TARGET_P95_MS:
                misses.append(f"{label}: p95 {run.p95_ms:.0f} ms (target < {TARGET_P95_MS} ms)")
        lines.append(
            "Targets at 10,000 goals on PostgreSQL: "
            + ("all met." if not misses else "missed: " + "; ".join(misses) + ".")
        )
    for database in sorted({r.database for r in results}):
        sizes = sorted((r for r in results if r.database == database), key=lambda r: r.goals)
        if len(sizes) < 2:
            continue
        small, large = sizes[0], sizes[-1]
        grows = [
            f"{label} {small.queries[key][0]}→{large.queries[key][0]}"
            for key, label in PAGES
            if large.queries[key][0] > small.queries[key][0]
        ]
        lines.append(
            f"Queries on {database}, {small.goals:,} → {large.goals:,} goals (cold cache): "
            + ("none grows." if not grows else "grow: " + ", ".join(grows) + ".")
        )
    return "\n".join(lines)


def raw(result: Result) -> dict:
    return {
        "database": result.database,
        "goals": result.goals,
        "bare_rps": result.bare_rps,
        "load": result.load,
        "queries": result.queries,
        "runs": {key: vars(run) | {"rps": run.rps} for key, run in result.runs.items()},
    }


def run_extras(env: dict) -> None:
    """The other issues' benchmarks: media streaming (dialogue) and carry-over (linking).

    The media benchmark brings its own SQLite database and gunicorn, so it runs once;
    carry-over runs on SQLite and on PostgreSQL.
    """
    bench_dir = Path(__file__).parent
    child = {k: v for k, v in env.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    child["DEBUG"] = "1"
    pg_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vision_bench")
    runs = [(p.stem, "its own SQLite", None) for p in sorted(bench_dir.glob("bench_media*.py"))]
    if not runs:
        print("\nMedia benchmark: missing (no tests/bench/bench_media*.py).")
    if (bench_dir / "bench_carry_over.py").exists():
        runs += [("bench_carry_over", "SQLite", None), ("bench_carry_over", "PostgreSQL", pg_url)]
    else:
        print("\nCarry-over benchmark: missing (no tests/bench/bench_carry_over.py).")
    for module, label, url in runs:
        print(f"\n== {module} on {label}: python -m tests.bench.{module}", flush=True)
        run_env = dict(child, DATABASE_URL=url) if url else child
        done = subprocess.run([PYTHON, "-m", f"tests.bench.{module}"], cwd=ROOT, env=run_env, check=False)
        if done.returncode:
            print(f"   ({module} exited with status {done.returncode})")


if __name__ == "__main__":
    sys.exit(main())
