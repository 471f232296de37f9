"""The mandate periods and units as the pages offer them, read once per change, not per request.

Every page names a period and most offer the periods and units to filter by: three
queries a request for lists that change a few times a year. Saving a period or a
unit bumps goals/cache.py's shared version (goals/apps.py connects the signals), so
each process keeps what it read under the version it read it at and reads again
once the version has moved. A request pays one cache lookup, which the cached page
parts read anyway, and no unpickling.

The instances are shared between requests: read them, never change them.
"""

from dataclasses import dataclass, field

from django.http import Http404

from goals import cache as goal_cache
from vision.models import MandatePeriod, Unit


@dataclass(frozen=True)
class UnitChoice:
    slug: str
    name: str


@dataclass(frozen=True)
class Catalog:
    version: str
    periods: tuple[MandatePeriod, ...]  # oldest first, as MandatePeriod orders them
    default_period: MandatePeriod | None  # the current one, else the latest
    units: tuple[UnitChoice, ...]  # by name
    by_slug: dict[str, MandatePeriod] = field(default_factory=dict)
    units_by_slug: dict[str, UnitChoice] = field(default_factory=dict)


_latest: Catalog | None = None


def catalog() -> Catalog:
    global _latest
    version = goal_cache.period_version(None)
    latest = _latest
    if latest is None or latest.version != version:
        latest = _latest = _read(version)
    return latest


def _read(version: str) -> Catalog:
    periods = tuple(MandatePeriod.objects.all())
    default = max(periods, key=lambda p: (p.is_current, p.start), default=None)
    units = tuple(
        UnitChoice(slug, name) for slug, name in Unit.objects.order_by("name").values_list("slug", "name")
    )
    return Catalog(version, periods, default, units, {p.slug: p for p in periods}, {u.slug: u for u in units})


def periods() -> tuple[MandatePeriod, ...]:
    return catalog().periods


def periods_current_first() -> list[MandatePeriod]:
    """The periods as MandatePeriod.objects.current_first() orders them."""
    return sorted(periods(), key=lambda p: (p.is_current, p.start), reverse=True)


def default_period() -> MandatePeriod | None:
    return catalog().default_period


def period_named(slug: str) -> MandatePeriod:
    """The period with this slug; 404 for an unknown one."""
    try:
        return catalog().by_slug[slug]
    except KeyError:
        raise Http404 from None


def units() -> tuple[UnitChoice, ...]:
    return catalog().units


def is_unit(slug: str) -> bool:
    return slug in catalog().units_by_slug


def unit_named(slug: str) -> UnitChoice:
    """The unit with this slug; 404 for an unknown one."""
    try:
        return catalog().units_by_slug[slug]
    except KeyError:
        raise Http404 from None
