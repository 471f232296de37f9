"""The deadline hour of a follow-up round, on PostgreSQL: 40 editors save assessments through the
pages while 200 managers and officials browse, under gunicorn as deployed (a bounded load
generator, stdlib threads and http.client).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vision_bench \
        .venv/bin/python -m tests.bench.bench_deadline [--editors 40] [--readers 200] [--seconds 60]

It makes a throw-away database (test_<name>): 20 offices with 4 goals each, two editors per
office (so editors of one office meet on the same goals and some saves are refused as stale)
and the readers, each with a role in an office: half of them managers (editors of their office,
who look at "my follow-ups" but do not save), half officials (viewers). Then gunicorn with
gunicorn.conf.py, as docs/deployment.md runs it (WEB_CONCURRENCY sync workers, default 5 =
2 per core + 1; CONN_MAX_AGE=60; no worker recycling during the run), and for the given time:

- each editor loads "my follow-ups", thinks (writes) for 10-20 s, drawn at random, and saves one
  of its goals with the version it read (the form's plain POST; its redirect leads back to
  "my follow-ups", the next load);
- each reader opens a page, reads it for 5-15 s, drawn at random, and opens the next: the round's
  dashboard, "my follow-ups" (managers), a goal's page, the goal tree or the start page.

Every client starts at a random moment within its first think time, so they do not all knock at
once. It prints a markdown table (requests per second, p50/p95 per request type), errors (5xx,
unexpected statuses, refused connections) and lost updates: every save the server acknowledged
(302) must be in the assessment's history, and each assessment's version must equal the number
of acknowledged saves of it. It exits with status 1 when there are errors or lost updates.
"""

import argparse
import http.client
import os
import random
import re
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

from tests.bench.common import setup_django, throwaway_database

ROOT = Path(__file__).resolve().parents[2]
FORM = re.compile(r'action="(/followup/\d+/goals/(\d+)/assess/)".*?name="version" value="(\d+)"', re.S)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERIOD = "2023-2026"
GOALS_PER_OFFICE = 4
# Seconds between a client's requests, drawn uniformly: an editor writing between loading the
# page and saving, a reader reading a page before opening the next (--editor-think, --reader-think).
EDITOR_THINK = (10.0, 20.0)
READER_THINK = (5.0, 15.0)
# What a reader opens next, with its weight; "mine" only for managers.
READER_PAGES = {"dashboard GET": 3, "mine GET": 2, "goal GET": 3, "tree GET": 2, "start GET": 1}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def signed_in(user) -> str:
    """A session for ``user`` (no sign-in round trips during the run)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def seed(editors: int, readers: int):
    """The tree, the round, and a session for each editor and reader."""
    import datetime

    from django.conf import settings

    from goals.followup.services import round_open
    from goals.models import Goal
    from goals.services import goal_create
    from tests.factories import PeriodFactory, UnitFactory, UserFactory
    from vision.actors import system_actor
    from vision.models import UnitRole
    from vision.services import membership_grant

    # Nobody signs in with a password here (sessions are made directly): a cheap hasher spares
    # the set-up hashing 240 passwords the production way.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    by = system_actor()
    period = PeriodFactory(
        slug=PERIOD,
        name="2023–2026",
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2026, 12, 31),
        is_current=True,
    )
    council = UnitFactory(slug="kf", name="Kommunfullmäktige", kind="council")
    vision = goal_create(parent=None, by=by, title="Vision", level="vision")
    area = goal_create(parent=vision, by=by, title="Område", level="area", owner=council, period=period)
    council_goal = goal_create(
        parent=area, by=by, title="KF-mål", level="council", owner=council, period=period
    )
    offices = [
        UnitFactory(slug=f"kontor-{n}", name=f"Kontor {n}", kind="office")
        for n in range(max(1, (editors + 1) // 2))
    ]
    goal_ids = [council_goal.pk]
    for office in offices:
        for g in range(GOALS_PER_OFFICE):
            goal = goal_create(
                parent=council_goal,
                by=by,
                title=f"{office.name} mål {g}",
                level="unit",
                owner=office,
                period=period,
            )
            goal_ids.append(goal.pk)
    round_ = round_open(
        period=period,
        year=2026,
        kind="delar",
        opens=datetime.date(2026, 8, 1),
        due=datetime.date(2026, 9, 30),
        by=by,
    )
    editor_cookies = []
    for n in range(editors):
        user = UserFactory(username=f"redaktor{n}", is_staff=True)
        membership_grant(by=by, user=user, unit=offices[n // 2], role=UnitRole.EDITOR)
        editor_cookies.append(signed_in(user))
    reader_sessions = []  # (cookie, is manager)
    for n in range(readers):
        manager = n % 2 == 0
        user = UserFactory(username=f"{'chef' if manager else 'tjansteperson'}{n}")
        role = UnitRole.EDITOR if manager else UnitRole.VIEWER
        membership_grant(by=by, user=user, unit=offices[n % len(offices)], role=role)
        reader_sessions.append((signed_in(user), manager))
    assert Goal.objects.count() == 3 + GOALS_PER_OFFICE * len(offices)
    return round_, goal_ids, editor_cookies, reader_sessions


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.statuses = defaultdict(lambda: defaultdict(int))
        self.errors = []
        self.acknowledged = defaultdict(list)  # goal id -> analysis texts of saves answered 302

    def add(self, kind, status, seconds):
        with self.lock:
            self.times[kind].append(seconds)
            self.statuses[kind][status] += 1

    def error(self, message):
        with self.lock:
            self.errors.append(message)


def request(conn, method, path, cookie, body=None, csrf=None):
    headers = {
        "Cookie": f"sessionid={cookie}" + (f"; csrftoken={csrf}" if csrf else ""),
        "Host": "127.0.0.1",
    }
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = "http://127.0.0.1/"
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response, data.decode(), time.perf_counter() - start


class Client(threading.Thread):
    """A person at a browser: one connection, a think time between requests, until ``stop_at``."""

    def __init__(self, port, stop_at, stats, seed, pause):
        super().__init__(daemon=True)
        self.port, self.stop_at, self.stats, self.pause = port, stop_at, stats, pause
        self.rng = random.Random(seed)
        self.conn = None

    def connect(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def think(self, bounds=None) -> bool:
        """Wait a random time within ``bounds`` (the think time); False once the run is over."""
        pause = self.rng.uniform(*(bounds or self.pause))
        if time.time() + pause >= self.stop_at:
            return False
        time.sleep(pause)
        return True

    def get(self, kind, path, cookie):
        response, html, seconds = request(self.conn, "GET", path, cookie)
        self.stats.add(kind, response.status, seconds)
        if response.status != 200:
            self.stats.error(f"{kind} {path}: {response.status}")
            return None, html
        return response, html


class Editor(Client):
    def __init__(self, port, stop_at, stats, pause, round_id, cookie, name):
        super().__init__(port, stop_at, stats, name, pause)
        self.round_id, self.cookie, self.name = round_id, cookie, name
        self.saves = 0

    def run(self):
        self.connect()
        # Arrive at some moment of the first think time.
        if not self.think((0, self.pause[1])):
            return
        going = True
        while going and time.time() < self.stop_at:
            try:
                going = self.load_and_save()
            except (OSError, http.client.HTTPException) as error:
                self.stats.error(f"{self.name}: {type(error).__name__}: {error}")
                self.connect()

    def load_and_save(self) -> bool:
        """Load "my follow-ups", think, save one goal; False once the run is over."""
        response, html = self.get("mine GET", f"/followup/{self.round_id}/mine/", self.cookie)
        if response is None:
            return self.think()
        cookie_token = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
        form_token = CSRF.search(html).group(1)
        action, goal_id, version = self.rng.choice(FORM.findall(html))
        if not self.think():
            return False
        self.saves += 1
        analysis = f"{self.name}-{self.saves}"
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": form_token,
                "status": self.rng.choice(["met", "partly", "not_met"]),
                "analysis": analysis,
                "next_steps": "",
                "version": version,
            }
        )
        csrf = cookie_token.group(1) if cookie_token else None
        response, html, seconds = request(self.conn, "POST", action, self.cookie, body=body, csrf=csrf)
        self.stats.add("save POST", response.status, seconds)
        if response.status == 302:
            with self.stats.lock:
                self.stats.acknowledged[int(goal_id)].append(analysis)
        elif response.status != 409:  # 409: refused as stale, which the check below allows
            self.stats.error(f"{self.name} save {response.status}: {html[:200]}")
        return True


class Reader(Client):
    def __init__(self, port, stop_at, stats, pause, round_id, goal_ids, cookie, manager, seed):
        super().__init__(port, stop_at, stats, seed, pause)
        self.cookie, self.goal_ids = cookie, goal_ids
        self.paths = {
            "dashboard GET": lambda: f"/followup/{round_id}/",
            "mine GET": lambda: f"/followup/{round_id}/mine/",
            "goal GET": lambda: f"/goals/{self.rng.choice(goal_ids)}/",
            "tree GET": lambda: f"/goals/?period={PERIOD}",
            "start GET": lambda: "/",
        }
        pages = {kind: weight for kind, weight in READER_PAGES.items() if manager or kind != "mine GET"}
        self.kinds, self.weights = list(pages), list(pages.values())

    def run(self):
        self.connect()
        if not self.think((0, self.pause[1])):
            return
        while True:
            kind = self.rng.choices(self.kinds, self.weights)[0]
            try:
                self.get(kind, self.paths[kind](), self.cookie)
            except (OSError, http.client.HTTPException) as error:
                self.stats.error(f"reader {kind}: {type(error).__name__}: {error}")
                self.connect()
            if not self.think():
                return


def lost_updates(round_, stats) -> list[str]:
    from goals.followup.models import Assessment

    problems = []
    stored = {a.goal_id: a for a in Assessment.objects.filter(round=round_)}
    for goal_id, texts in stats.acknowledged.items():
        assessment = stored.get(goal_id)
        if assessment is None:
            problems.append(f"goal {goal_id}: {len(texts)} acknowledged saves, no assessment")
            continue
        history = list(assessment.history.values_list("analysis", flat=True))
        missing = set(texts) - set(history)
        if missing or assessment.version != len(texts):
            problems.append(
                f"goal {goal_id}: version {assessment.version}, {len(texts)} acknowledged, missing {sorted(missing)[:3]}"
            )
    return problems


def start_gunicorn(database_url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn as docs/deployment.md runs it; REDIS_URL, when set, passes through."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECRET_KEY=os.environ["SECRET_KEY"],  # the sessions made in seed() are signed with it
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        CONN_MAX_AGE=os.environ.get("CONN_MAX_AGE", "60"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        # No worker recycling during a minute's run: a recycled worker imports Django afresh.
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_LOG_LEVEL="warning",
        PYTHONPATH=str(ROOT),
    )
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "vision.wsgi"]
    if threads > 1:
        command += ["--threads", str(threads)]  # gunicorn then runs gthread workers
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(300):
        if server.poll() is not None:
            sys.exit("gunicorn exited at start-up")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not listen within 60 s")


def percentile(times, share):
    return statistics.quantiles(times, n=100)[share - 1] if len(times) >= 20 else max(times)


def gunicorn_pids(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {master, *(int(pid) for pid in children)}


def backends(database: str) -> set[int]:
    """The PostgreSQL backends serving ``database`` (on this machine), by their process title."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and f" {database} " in (entry / "cmdline").read_text():
                found.add(int(entry.name))
        except OSError:
            pass
    return found


def cpu_seconds(pids) -> float:
    """CPU time the processes have used so far (user and system), from /proc."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class BackendClock(threading.Thread):
    """CPU time of the PostgreSQL backends serving ``database``, sampled each second, since
    they closed their connections (CONN_MAX_AGE) and took their time along when read at the end."""

    def __init__(self, database: str):
        super().__init__(daemon=True)
        self.database = database
        self.first, self.last = {}, {}
        self.done = threading.Event()
        self.sample(first=True)

    def sample(self, first=False):
        for pid in backends(self.database):
            seconds = cpu_seconds([pid])
            self.first.setdefault(pid, seconds if first else 0.0)
            self.last[pid] = max(seconds, self.last.get(pid, 0.0))

    def run(self):
        while not self.done.wait(1.0):
            self.sample()

    def stop(self) -> float:
        self.done.set()
        self.sample()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def report(options, stats, problems, elapsed, loads, cpu) -> None:
    total = sum(len(t) for t in stats.times.values())
    workers = (
        f"{options.workers} sync workers"
        if options.threads <= 1
        else (f"{options.workers} workers × {options.threads} threads (gthread)")
    )
    print(
        f"\n**Deadline hour** (PostgreSQL, {os.cpu_count()} cores): {options.editors} editors "
        f"(think {options.editor_think[0]:g}-{options.editor_think[1]:g} s between load and save), "
        f"{options.readers} readers (think {options.reader_think[0]:g}-{options.reader_think[1]:g} s between pages), "
        f"{elapsed:.0f} s; gunicorn {workers}, CONN_MAX_AGE={os.environ.get('CONN_MAX_AGE', '60')}, "
        f"cache {'Redis' if os.environ.get('REDIS_URL') else 'local memory'}; "
        f"load average {loads[0]} before, {loads[1]} after.\n"
    )
    print("| request | n | req/s | p50 ms | p95 ms | max ms | statuses |")
    print("|---|--:|--:|--:|--:|--:|---|")
    everything = []
    for kind, times in sorted(stats.times.items()):
        everything += times
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(stats.statuses[kind].items()))
        print(
            f"| {kind} | {len(times)} | {len(times) / elapsed:.1f} | {statistics.median(times) * 1000:.0f} "
            f"| {percentile(times, 95) * 1000:.0f} | {max(times) * 1000:.0f} | {statuses} |"
        )
    if everything:
        print(
            f"| **all** | {total} | {total / elapsed:.1f} | {statistics.median(everything) * 1000:.0f} "
            f"| {percentile(everything, 95) * 1000:.0f} | {max(everything) * 1000:.0f} | |"
        )
    acknowledged = sum(len(t) for t in stats.acknowledged.values())
    print(
        "\nCPU used during the run, in cores (CPU seconds / wall seconds) and ms a request: "
        + "; ".join(
            f"{name} {seconds / elapsed:.2f} ({seconds / max(total, 1) * 1000:.0f} ms)"
            for name, seconds in zip(("gunicorn", "PostgreSQL", "load generator"), cpu, strict=True)
        )
        + "."
    )
    print(
        f"Saves acknowledged: {acknowledged} on {len(stats.acknowledged)} goals; "
        f"errors: {len(stats.errors)}; lost updates: {len(problems)}."
    )
    for line in stats.errors[:5] + problems[:5]:
        print(f"- {line}")


def seconds_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    bounds = (float(low), float(high or low))
    if not 0 <= bounds[0] <= bounds[1]:
        raise argparse.ArgumentTypeError("MIN-MAX in seconds, MIN <= MAX")
    return bounds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=40)
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
    )
    parser.add_argument("--threads", type=int, default=1, help="more than 1: gthread workers")
    parser.add_argument("--editor-think", type=seconds_range, default=EDITOR_THINK, metavar="MIN-MAX")
    parser.add_argument("--reader-think", type=seconds_range, default=READER_THINK, metavar="MIN-MAX")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench_deadline needs PostgreSQL: set DATABASE_URL=postgres://...")
    setup_django(DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost", SECRET_KEY=secrets.token_urlsafe(50))
    from django.db import connection

    with throwaway_database("deadline"):
        round_, goal_ids, editor_cookies, reader_sessions = seed(options.editors, options.readers)
        url = (
            urllib.parse.urlparse(os.environ["DATABASE_URL"])
            ._replace(path="/" + connection.settings_dict["NAME"])
            .geturl()
        )
        connection.close()
        port = free_port()
        server = start_gunicorn(url, port, options.workers, options.threads)
        try:
            # Warm every worker up (imports, templates, the first connection) before the clock starts.
            warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            cookie = editor_cookies[0] if editor_cookies else reader_sessions[0][0]
            for _ in range(options.workers * 3):
                for path in (
                    f"/followup/{round_.pk}/",
                    f"/followup/{round_.pk}/mine/",
                    "/",
                    f"/goals/{goal_ids[0]}/",
                ):
                    request(warm, "GET", path, cookie)
            warm.close()
            database = connection.settings_dict["NAME"]
            cpu_before = (cpu_seconds(gunicorn_pids(server.pid)), own_cpu())
            postgres = BackendClock(database)
            postgres.start()
            stats = Stats()
            loads = [Path("/proc/loadavg").read_text().split()[0]]
            stop_at = time.time() + options.seconds
            clients = [
                Editor(port, stop_at, stats, options.editor_think, round_.pk, cookie, f"e{n}")
                for n, cookie in enumerate(editor_cookies)
            ]
            clients += [
                Reader(
                    port, stop_at, stats, options.reader_think, round_.pk, goal_ids, cookie, manager, f"r{n}"
                )
                for n, (cookie, manager) in enumerate(reader_sessions)
            ]
            started = time.perf_counter()
            for client in clients:
                client.start()
            for client in clients:
                client.join()
            elapsed = time.perf_counter() - started
            loads.append(Path("/proc/loadavg").read_text().split()[0])
            cpu = (
                cpu_seconds(gunicorn_pids(server.pid)) - cpu_before[0],
                postgres.stop(),
                own_cpu() - cpu_before[1],
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        problems = lost_updates(round_, stats)
        report(options, stats, problems, elapsed, loads, cpu)
        if stats.errors or problems:
            sys.exit(1)


if __name__ == "__main__":
    main()
