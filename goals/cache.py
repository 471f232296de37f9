"""Cached renderings of a period's goal tree and of a goal's page, and the versions they are kept under.

Entries are never deleted: their keys carry a version per mandate period, and
every write service that changes what a cached page shows bumps the versions of
the periods it touches, and again once its transaction commits (``bump_for``),
so the next read builds a new entry and the old one just expires. Besides the
goal writes these are the follow-up writes (an indicator, a target or a
measurement bumps its goal's periods; publishing a round bumps every period) and
the workshop writes (the periods of the goals a workshop supports). A timeless
goal (a vision) is in every period's tree; changing one bumps a version shared
by all periods, as does saving a unit or a period, whose names pages show.

Versions live in Django's cache like the entries. With Redis (``REDIS_URL``)
all app processes see a bump at once. The default local-memory cache is per
process: the process that made the change sees it at once, the other gunicorn
workers when their entries expire, which is why entries live only
``GOALS_CACHE_SECONDS`` (30 s by default with local memory, a day with a shared
cache).
"""

import contextlib
import hashlib
import itertools
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from vision.models import MandatePeriod

PREFIX = "goals:v"
EVERY_PERIOD = "all"
SHARED_CACHE_SECONDS = 24 * 60 * 60
LOCAL_CACHE_SECONDS = 30

# A fresh version starts from the clock, not from 1: a version evicted from the
# cache and started again must never meet an entry made under the old one.
_counter = itertools.count()

# The spans collected inside ``one_bump()``; None outside it.
_collected: ContextVar[set | None] = ContextVar("goal_cache_collected", default=None)


def cache_seconds() -> int:
    configured = getattr(settings, "GOALS_CACHE_SECONDS", None)
    if configured is not None:
        return int(configured)
    backend = settings.CACHES["default"]["BACKEND"]
    return LOCAL_CACHE_SECONDS if backend.endswith("LocMemCache") else SHARED_CACHE_SECONDS


def _key(period_id) -> str:
    return f"{PREFIX}:{period_id}"


def _fresh_version() -> int:
    return time.time_ns() // 1000 + next(_counter)


def _version_of(period_ids: list) -> str:
    """The versions of these periods joined, each started afresh where the cache has none."""
    keys = [_key(pid) for pid in period_ids]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _fresh_version(), timeout=None)
            found[key] = cache.get(key)
    return ".".join(str(found[key]) for key in keys)


def period_version(period_id: int | None) -> str:
    """The version part of a cache key for a period's tree (None: a timeless goal's)."""
    return _version_of([EVERY_PERIOD] if period_id is None else [EVERY_PERIOD, period_id])


def all_periods_version() -> str:
    """The versions of every period together, for what shows goals of all periods."""
    from goals import catalog  # which keeps its lists under this module's versions

    return _version_of([EVERY_PERIOD] + [period.pk for period in catalog.periods()])


def goal_version(goal) -> str:
    """The version part of a cache key for a goal's page with its red thread.

    Covers every period the goal is valid in (its sub-goals, links, history, indicators,
    assessments and workshops change there; an ancestor is valid there too, since a
    child's validity lies within its parent's) and the periods of its predecessor and
    successor, whose titles it shows. A timeless goal's page lists sub-goals of every
    period, so it covers them all. Costs no query: the periods come from the cache.
    """
    spans = {(goal.period_id, goal.until_period_id)}
    for other in (goal.predecessor if goal.predecessor_id else None, getattr(goal, "successor", None)):
        if other is not None:
            spans.add((other.period_id, other.until_period_id))
    return lineage_version(spans, timeless=goal.period_id is None)


def lineage_version(spans: set[tuple], *, timeless: bool) -> str:
    """``goal_version`` from the spans of a goal, its predecessor and its successor."""
    if timeless:
        periods = set(_period_starts())
    elif all(until_id is None or until_id == period_id for period_id, until_id in spans):
        periods = {period_id for period_id, _until_id in spans}
    else:
        periods = periods_of_spans(spans, starts=_period_starts())
    return _version_of([EVERY_PERIOD] + sorted(pid for pid in periods if pid is not None))


def _period_starts() -> dict:
    """Every period's start by id, as goals/catalog.py keeps them (read again once a period is saved)."""
    from goals import catalog  # which keeps its lists under this module's versions

    return {period.pk: period.start for period in catalog.periods()}


def bump_period_versions(period_ids: Iterable) -> None:
    """Start new versions for these periods (None or EVERY_PERIOD: for every period)."""
    for period_id in {EVERY_PERIOD if pid is None else pid for pid in period_ids}:
        key = _key(period_id)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, _fresh_version(), timeout=None)


def round_version(round_id: int) -> str:
    """The version of a follow-up round's assessments, which its live pages (the dashboard) show.

    Apart from the periods': saving an assessment changes no goal page until the round is
    published, which bumps every period.
    """
    return _version_of([f"round-{round_id}"])


def bump_round(round_id: int) -> None:
    """Bump a round's version now, and again once the transaction commits (see ``bump_for``)."""
    key = [f"round-{round_id}"]
    bump_period_versions(key)
    transaction.on_commit(lambda: bump_period_versions(key))


def cached(parts: tuple, build: Callable):
    """``build()``'s value, kept under a key made of ``parts`` (which include a version)."""
    key = "goals:c:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, cache_seconds())
    return value


def bump_every_period(**kwargs) -> None:
    """Receiver for a saved or deleted unit or period, whose name cached pages show.

    Through ``bump_for``, so the bump is repeated after commit like a goal write's: the
    lists of periods and units (goals/catalog.py) are kept under the shared version too.
    """
    bump_for({(None, None)})


def periods_of_spans(spans: Iterable[tuple], starts: dict | None = None) -> set:
    """The periods that goals valid over these (period_id, until_period_id) spans appear in.

    ``starts`` (every period's start by id) saves the query that reads them.
    """
    affected: set = set()
    ranges = []
    for period_id, until_id in spans:
        if period_id is None:
            affected.add(None)
        elif until_id is None or until_id == period_id:
            affected.add(period_id)
        else:
            ranges.append((period_id, until_id))
    if ranges:
        if starts is None:
            starts = dict(MandatePeriod.objects.order_by().values_list("pk", "start"))
        for period_id, until_id in ranges:
            first, last = starts.get(period_id), starts.get(until_id)
            if first is not None and last is not None:
                affected.update(pk for pk, start in starts.items() if first <= start <= last)
            affected.update({period_id, until_id})
    return affected


def spans_of(goals: Iterable) -> set[tuple]:
    return {(goal.period_id, goal.until_period_id) for goal in goals}


def branch_spans(goal) -> set[tuple]:
    """The spans of a goal and everything below it (a move or retirement changes them all)."""
    from goals.models import Goal

    return set(
        Goal.objects.descendant_of(goal, inclusive=True)
        .order_by()
        .values_list("period_id", "until_period_id")
        .distinct()
    )


def bump_for(spans: Iterable[tuple]) -> None:
    """Bump the periods of these goal spans now, and again once the transaction commits.

    Now, so that the writer's own transaction (and a test's, which never commits)
    reads fresh entries; after commit, because another reader between the first
    bump and the commit may have cached the old state under the new version.
    """
    collected = _collected.get()
    if collected is not None:
        collected.update(spans)
        return
    periods = periods_of_spans(set(spans))
    if periods:
        bump_period_versions(periods)
        transaction.on_commit(lambda: bump_period_versions(periods))


@contextlib.contextmanager
def one_bump():
    """Bump once, on leaving, for everything ``bump_for`` is given inside (a batch of row writes).

    Nested, the outermost one bumps. Nothing is bumped when the block raises: its
    transaction is rolled back.
    """
    if _collected.get() is not None:
        yield
        return
    spans: set = set()
    token = _collected.set(spans)
    try:
        yield
    finally:
        _collected.reset(token)
    bump_for(spans)
