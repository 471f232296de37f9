"""The versions public responses are cached under, and the periods read without a query.

goals/cache.py keeps a version per mandate period, bumped by every goal write and
by saving a unit or a period (the shared "every period" part). Follow-up data is
written by its own services, which bump nothing here: its version is read from
its history tables, where every write leaves a row.
"""

import functools

from django.apps import apps
from django.db import connection
from django.http import Http404

from goals import cache as goal_cache
from vision.models import MandatePeriod


def periods() -> list[MandatePeriod]:
    """Every mandate period, the one shown by default first; kept until a period or unit is saved."""
    return goal_cache.cached(
        ("public-periods", goal_cache.period_version(None)),
        lambda: list(MandatePeriod.objects.current_first()),
    )


def period_named(slug: str | None) -> MandatePeriod | None:
    """The period named by ``slug`` (404 for an unknown one), else the default one (None when there is none)."""
    known = periods()
    if not slug:
        return known[0] if known else None
    for period in known:
        if period.slug == slug:
            return period
    raise Http404


def of_period(period: MandatePeriod | None) -> str:
    return goal_cache.period_version(period.pk if period else None)


def of_all_periods() -> str:
    return ".".join([goal_cache.period_version(None)] + [goal_cache.period_version(p.pk) for p in periods()])


def of_followup() -> str:
    """Changes with every write to indicators, targets, measurements, rounds and assessments.

    One query: the highest history id of each follow-up model's history table.
    """
    tables = _followup_history_tables()
    if not tables:
        return "none"
    quote = connection.ops.quote_name
    columns = ", ".join(f"(SELECT MAX({quote('history_id')}) FROM {quote(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")  # table names from the models' own meta, quoted
        return ".".join(str(part) for part in cursor.fetchone())


@functools.cache
def _followup_history_tables() -> tuple[str, ...]:
    # Looked up once per process: simple-history's class accessor is slow enough to show in a profile.
    if not apps.is_installed("goals.followup"):
        return ()
    from goals.followup import models as followup

    return tuple(
        model.history.model._meta.db_table
        for name in ("Indicator", "Target", "Measurement", "FollowUpRound", "Assessment")
        if (model := getattr(followup, name, None)) is not None and hasattr(model, "history")
    )
