"""Writes to measurements: a value of an indicator for a period label and a series (gender).

Recording is idempotent on (indicator, period, gender): the same value again
writes nothing, a new one replaces the old (and history keeps the old one). A write
bumps the cache versions of the indicator's goal's periods (goals/cache.py).
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from goals.cache import bump_for, spans_of
from goals.followup import rules
from goals.followup.choices import Gender, Source
from goals.followup.models import Indicator, Measurement
from goals.followup.services.indicators import check_may_follow_up
from vision.actors import write_service

REVERTED_FIELDS = ("period", "gender", "value", "status", "source", "comment")


@write_service
def measurement_record(
    *,
    indicator: Indicator,
    period: str,
    value,
    gender: str = Gender.TOTAL,
    comment: str = "",
    status: str = "",
    source: str = Source.MANUAL,
    by,
) -> tuple[Measurement, bool]:
    """Record the indicator's value for a period and series; returns (measurement, whether anything was written)."""
    check_may_follow_up(by, indicator.goal)
    period = (period or "").strip()
    year, position = rules.check_period_label(period)
    rules.check_gender(gender)
    value = rules.check_number(value)
    if source not in Source.values:
        raise ValidationError({"source": _("Unknown source.")})
    measurement = (
        Measurement.objects.select_for_update()
        .filter(indicator=indicator, period=period, gender=gender)
        .first()
    )
    wanted = {"value": value, "comment": comment or "", "status": status or "", "source": source}
    if measurement is not None and all(getattr(measurement, name) == v for name, v in wanted.items()):
        return measurement, False
    if measurement is None:
        measurement = Measurement(indicator=indicator, period=period, gender=gender)
    for name, new in wanted.items():
        setattr(measurement, name, new)
    measurement.year, measurement.position = year, position
    measurement.recorded_at = timezone.now()
    measurement.full_clean()
    measurement.save()
    bump_for(spans_of([indicator.goal]))
    return measurement, True


@write_service
def measurement_delete(*, measurement: Measurement, by) -> None:
    check_may_follow_up(by, measurement.indicator.goal)
    measurement.delete()
    bump_for(spans_of([measurement.indicator.goal]))


def measurement_revert_check(*, record, by) -> None:
    indicator = Indicator.objects.select_related("goal").filter(pk=record.indicator_id).first()
    if indicator is None:
        raise ValidationError(_("The indicator of that version no longer exists."))
    check_may_follow_up(by, indicator.goal)


@write_service
def measurement_revert(*, record, by) -> Measurement:
    """Put a measurement's value back as ``record`` had it."""
    measurement_revert_check(record=record, by=by)
    indicator = Indicator.objects.select_related("goal").get(pk=record.indicator_id)
    stored = Measurement.objects.filter(pk=record.id).first()
    if stored is not None and (stored.period, stored.gender) != (record.period, record.gender):
        measurement_delete(measurement=stored, by=by)
    measurement, _written = measurement_record(
        indicator=indicator,
        period=record.period,
        gender=record.gender,
        value=record.value,
        comment=record.comment,
        status=record.status,
        source=record.source,
        by=by,
    )
    return measurement
