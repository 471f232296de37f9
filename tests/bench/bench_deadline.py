"""The deadline hour of a follow-up round, on PostgreSQL: 40 editors save assessments at once
through the pages (a bounded load generator, stdlib only), with a few readers on the dashboard.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vision_bench \
        .venv/bin/python -m tests.bench.bench_deadline [--editors 40] [--readers 4] [--seconds 60]

It makes a throw-away database (test_<name>), 20 offices with 4 goals each and two editors per
office (so editors of one office meet on the same goals and some saves are refused as stale),
runs gunicorn on it and, for the given time, has each editor load "my follow-ups" and save one
of its goals with the version it read (the form's plain POST). It reports requests per second,
p50/p95 per request type, errors (5xx, refused connections) and lost updates: every save the
server acknowledged (302) must be in the assessment's history, and each assessment's version
must equal the number of acknowledged saves of it.
"""

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict

from tests.bench.common import setup_django, throwaway_database

FORM = re.compile(r'action="(/followup/\d+/goals/(\d+)/assess/)".*?name="version" value="(\d+)"', re.S)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(editors: int):
    """The tree, the round, the editors and a session for each (no sign-in round trips)."""
    import datetime

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from goals.followup.services import round_open
    from goals.models import Goal
    from goals.services import goal_create
    from tests.factories import PeriodFactory, UnitFactory, UserFactory
    from vision.actors import system_actor
    from vision.models import UnitRole
    from vision.services import membership_grant

    by = system_actor()
    period = PeriodFactory(
        slug="2023-2026",
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
        UnitFactory(slug=f"kontor-{n}", name=f"Kontor {n}", kind="office") for n in range((editors + 1) // 2)
    ]
    for office in offices:
        for g in range(4):
            goal_create(
                parent=council_goal,
                by=by,
                title=f"{office.name} mål {g}",
                level="unit",
                owner=office,
                period=period,
            )
    round_ = round_open(
        period=period,
        year=2026,
        kind="delar",
        opens=datetime.date(2026, 8, 1),
        due=datetime.date(2026, 9, 30),
        by=by,
    )
    cookies = []
    for n in range(editors):
        user = UserFactory(username=f"redaktor{n}", is_staff=True)
        membership_grant(by=by, user=user, unit=offices[n // 2], role=UnitRole.EDITOR)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(session.session_key)
    reader = UserFactory(username="lasare")
    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(reader.pk), settings.AUTHENTICATION_BACKENDS[1]
    session[HASH_SESSION_KEY] = reader.get_session_auth_hash()
    session.create()
    assert Goal.objects.count() == 3 + 4 * len(offices)
    return round_, cookies, session.session_key


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


def request(conn, method, path, cookie, body=None, csrf=None):
    headers = {
        "Cookie": f"sessionid={cookie}" + (f"; csrftoken={csrf[0]}" if csrf else ""),
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


def editor_loop(port, round_id, cookie, name, stop_at, stats):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    rng = random.Random(name)
    saves = 0
    while time.time() < stop_at:
        try:
            response, html, seconds = request(conn, "GET", f"/followup/{round_id}/mine/", cookie)
            stats.add("mine GET", response.status, seconds)
            if response.status != 200:
                stats.errors.append(f"{name} mine {response.status}")
                continue
            set_cookie = response.getheader("Set-Cookie") or ""
            cookie_token = re.search(r"csrftoken=([^;]+)", set_cookie)
            form_token = CSRF.search(html).group(1)
            forms = FORM.findall(html)
            action, goal_id, version = rng.choice(forms)
            saves += 1
            analysis = f"{name}-{saves}"
            body = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": form_token,
                    "status": rng.choice(["met", "partly", "not_met"]),
                    "analysis": analysis,
                    "next_steps": "",
                    "version": version,
                }
            )
            csrf = (cookie_token.group(1),) if cookie_token else None
            response, html, seconds = request(conn, "POST", action, cookie, body=body, csrf=csrf)
            stats.add("save POST", response.status, seconds)
            if response.status == 302:
                with stats.lock:
                    stats.acknowledged[int(goal_id)].append(analysis)
            elif response.status != 409:
                stats.errors.append(f"{name} save {response.status}: {html[:200]}")
        except (OSError, http.client.HTTPException) as error:
            stats.errors.append(f"{name}: {type(error).__name__}: {error}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def reader_loop(port, round_id, cookie, stop_at, stats):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.time() < stop_at:
        try:
            response, _html, seconds = request(conn, "GET", f"/followup/{round_id}/", cookie)
            stats.add("dashboard GET", response.status, seconds)
            if response.status != 200:
                stats.errors.append(f"dashboard {response.status}")
        except (OSError, http.client.HTTPException) as error:
            stats.errors.append(f"reader: {type(error).__name__}: {error}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=40)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench_deadline needs PostgreSQL: set DATABASE_URL=postgres://...")
    setup_django(DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost", SECRET_KEY="bench-deadline-" + "x" * 40)
    from django.db import connection

    with throwaway_database("deadline"):
        round_, cookies, reader_cookie = seed(options.editors)
        url = (
            urllib.parse.urlparse(os.environ["DATABASE_URL"])
            ._replace(path="/" + connection.settings_dict["NAME"])
            .geturl()
        )
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECRET_KEY": "bench-deadline-" + "x" * 40,
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "vision.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(options.workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(options.threads),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            # Warm every worker up (imports, the first connection) before the clock starts.
            warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            for _ in range(options.workers * 2):
                request(warm, "GET", f"/followup/{round_.pk}/", reader_cookie)
            warm.close()
            stats = Stats()
            stop_at = time.time() + options.seconds
            threads = [
                threading.Thread(target=editor_loop, args=(port, round_.pk, cookie, f"e{n}", stop_at, stats))
                for n, cookie in enumerate(cookies)
            ]
            threads += [
                threading.Thread(target=reader_loop, args=(port, round_.pk, reader_cookie, stop_at, stats))
                for _ in range(options.readers)
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
        problems = lost_updates(round_, stats)
        total = sum(len(t) for t in stats.times.values())
        print(
            f"deadline hour: {options.editors} editors, {options.readers} readers, {elapsed:.0f} s, gunicorn {options.workers}x{options.threads} threads"
        )
        print("| request | n | req/s | p50 ms | p95 ms | statuses |")
        print("|---|---|---|---|---|---|")
        for kind, times in sorted(stats.times.items()):
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
            statuses = ", ".join(f"{code}: {n}" for code, n in sorted(stats.statuses[kind].items()))
            print(
                f"| {kind} | {len(times)} | {len(times) / elapsed:.1f} | {statistics.median(times) * 1000:.0f} | {p95 * 1000:.0f} | {statuses} |"
            )
        print(f"total {total} requests, {total / elapsed:.1f} req/s")
        print(
            f"acknowledged saves: {sum(len(t) for t in stats.acknowledged.values())} on {len(stats.acknowledged)} goals"
        )
        print(f"errors: {len(stats.errors)}" + (": " + "; ".join(stats.errors[:5]) if stats.errors else ""))
        print(f"lost updates: {len(problems)}" + (": " + "; ".join(problems[:5]) if problems else ""))
        if stats.errors or problems:
            sys.exit(1)


if __name__ == "__main__":
    main()
