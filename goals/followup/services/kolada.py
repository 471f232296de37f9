"""Storing what Kolada answered for one key figure: the indicators' Kolada title and
description, and every value for the municipality, written only where it changed.

The goals whose indicators changed get one cache bump for the whole key figure (goals/cache.py)."""

from dataclasses import dataclass

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from goals.cache import bump_for, spans_of
from goals.followup.choices import Source
from goals.followup.kolada.client import KpiData
from goals.followup.models import Indicator, Measurement
from goals.followup.services.indicators import check_may_follow_up
from goals.followup.status import period_year_and_position
from vision.actors import write_service

CHANGED_FIELDS = ["value", "status", "source", "recorded_at"]


@dataclass
class KoladaApplied:
    indicators: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0


@write_service
def kolada_apply(*, data: KpiData, by, indicators=None) -> KoladaApplied:
    """Store ``data`` on every Kolada-fed indicator of its key figure (or on ``indicators``).

    Idempotent: values equal to the stored ones write nothing, not even history.
    """
    if indicators is None:
        indicators = Indicator.objects.from_kolada([data.kpi]).select_related("goal")
    indicators = list(indicators)
    result = KoladaApplied(indicators=len(indicators))
    now = timezone.now()
    for indicator in indicators:
        check_may_follow_up(by, indicator.goal)
    touched = {}  # goal id -> goal, of the indicators something was written to
    for indicator in indicators:
        if (indicator.kolada_title, indicator.kolada_description) != (data.title, data.description):
            indicator.kolada_title, indicator.kolada_description = data.title, data.description
            indicator.save(update_fields=["kolada_title", "kolada_description"])
            touched[indicator.goal_id] = indicator.goal
    # When it was last fetched is bookkeeping, not a change anyone made: no history row each night.
    Indicator.objects.filter(pk__in=[i.pk for i in indicators]).update(kolada_synced_at=now)
    stored = {
        (m.indicator_id, m.period, m.gender): m
        for m in Measurement.objects.filter(indicator__in=[i.pk for i in indicators])
    }
    new, changed = [], []
    for indicator in indicators:
        for item in data.values:
            period = str(item.period)
            current = stored.get((indicator.pk, period, item.gender))
            if current is None:
                year, position = period_year_and_position(period)
                new.append(
                    Measurement(
                        indicator=indicator,
                        period=period,
                        year=year,
                        position=position,
                        gender=item.gender,
                        value=item.value,
                        status=item.status,
                        source=Source.KOLADA,
                        recorded_at=now,
                    )
                )
                touched[indicator.goal_id] = indicator.goal
            elif (current.value, current.status, current.source) != (item.value, item.status, Source.KOLADA):
                current.value, current.status, current.source, current.recorded_at = (
                    item.value,
                    item.status,
                    Source.KOLADA,
                    now,
                )
                changed.append(current)
                touched[indicator.goal_id] = indicator.goal
            else:
                result.unchanged += 1
    if new:
        bulk_create_with_history(new, Measurement, batch_size=500, default_user=by)
    if changed:
        bulk_update_with_history(changed, Measurement, CHANGED_FIELDS, batch_size=500, default_user=by)
    result.added, result.changed = len(new), len(changed)
    bump_for(spans_of(touched.values()))
    return result
