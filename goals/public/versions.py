"""The versions public responses are cached under, and the periods read without a query.

goals/cache.py keeps a version per mandate period, bumped by every goal write, by
every write to a goal's indicators, targets and measurements (its periods), by
publishing a follow-up round and by saving a unit or a period (the shared "every
period" part). So the period versions cover the follow-up data the public site
shows too, and reading them costs no query once the periods are cached.
"""

from goals import cache as goal_cache
from goals import catalog
from vision.models import MandatePeriod


def periods() -> list[MandatePeriod]:
    """Every mandate period, the one shown by default first (goals/catalog.py's, read once per change)."""
    return catalog.periods_current_first()


def period_named(slug: str | None) -> MandatePeriod | None:
    """The period named by ``slug`` (404 for an unknown one), else the default one (None when there is none)."""
    return catalog.period_named(slug) if slug else catalog.default_period()


def of_period(period: MandatePeriod | None) -> str:
    return goal_cache.period_version(period.pk if period else None)


def of_all_periods() -> str:
    return goal_cache.all_periods_version()
