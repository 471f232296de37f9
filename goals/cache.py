"""Cached renderings of a period's goal tree and of a goal's red thread.

Entries are never deleted: their keys carry a version per mandate period, and
every goal write service bumps the versions of the periods it touches, and again
once its transaction commits (``bump_for``), so the next read builds a new
entry and the old one just expires. A timeless goal (a vision) is in every
period's tree; changing one bumps a version shared by all periods.

Versions live in Django's cache like the entries. With Redis (``REDIS_URL``)
all app processes see a bump at once. The default local-memory cache is per
process: the process that made the change sees it at once, the other gunicorn
workers when their entries expire, which is why entries live only
``GOALS_CACHE_SECONDS`` (30 s by default with local memory, a day with a shared
cache).
"""

import hashlib
import itertools
import time
from collections.abc import Callable, Iterable

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


def goal_version(goal) -> str:
    """The version part of a cache key for a goal's page with its red thread.

    Covers every period the goal is valid in (its sub-goals, links and history change
    there; an ancestor is valid there too, since a child's validity lies within its
    parent's) and the periods of its predecessor and successor, whose titles it shows.
    """
    spans = {(goal.period_id, goal.until_period_id)}
    for other in (goal.predecessor if goal.predecessor_id else None, getattr(goal, "successor", None)):
        if other is not None:
            spans.add((other.period_id, other.until_period_id))
    return _version_of([EVERY_PERIOD] + sorted(pid for pid in periods_of_spans(spans) if pid is not None))


def bump_period_versions(period_ids: Iterable) -> None:
    """Start new versions for these periods (None or EVERY_PERIOD: for every period)."""
    for period_id in {EVERY_PERIOD if pid is None else pid for pid in period_ids}:
        key = _key(period_id)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, _fresh_version(), timeout=None)


def cached(parts: tuple, build: Callable):
    """``build()``'s value, kept under a key made of ``parts`` (which include a version)."""
    key = "goals:c:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, cache_seconds())
    return value


def bump_every_period(**kwargs) -> None:
    """Receiver for a saved or deleted unit or period, whose name cached pages show."""
    bump_period_versions([None])


def periods_of_spans(spans: Iterable[tuple]) -> set:
    """The periods that goals valid over these (period_id, until_period_id) spans appear in."""
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
        starts = dict(
            MandatePeriod.objects.filter(pk__in={pid for pair in ranges for pid in pair}).values_list(
                "pk", "start"
            )
        )
        for period_id, until_id in ranges:
            affected.update(
                MandatePeriod.objects.filter(
                    start__gte=starts.get(period_id), start__lte=starts.get(until_id)
                ).values_list("pk", flat=True)
            )
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
    periods = periods_of_spans(set(spans))
    if periods:
        bump_period_versions(periods)
        transaction.on_commit(lambda: bump_period_versions(periods))
