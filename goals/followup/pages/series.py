"""What the pages show of one indicator: its status per year, its current status, its chart."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from goals.followup.models import Indicator
from goals.followup.pages.charts import SMALL, Size, line_chart
from goals.followup.status import YearStatus, current_status, status_by_year


@dataclass
class Series:
    indicator: Indicator
    years: list[YearStatus]
    current: YearStatus | None
    chart: str


def period_years(period) -> tuple[int | None, int | None]:
    return (period.start.year, period.end.year) if period is not None else (None, None)


def series_of(indicator: Indicator, *, first_year=None, last_year=None, small=False) -> Series:
    """From the indicator's prefetched targets and measurements (with_series): no query."""
    own = [m for m in indicator.measurements.all() if m.gender == indicator.gender]
    targets = {t.year: t.value for t in indicator.targets.all()}
    by_year = status_by_year(
        ((m.period, m.value) for m in own), targets, indicator.direction, indicator.near_margin
    )
    values = [(m.period, m.value) for m in own if m.value is not None]
    title = _("%(indicator)s: measured values and targets") % {"indicator": indicator.title}
    description = _("%(count)s values from %(first)s to %(last)s; the same numbers are in the table.") % {
        "count": len(values),
        "first": values[0][0] if values else "–",
        "last": values[-1][0] if values else "–",
    }
    chart = line_chart(
        values,
        sorted(targets.items()),
        title=title,
        description=description,
        chart_id=f"chart-{indicator.pk}",
        size=SMALL if small else Size(),
    )
    return Series(
        indicator=indicator,
        years=list(by_year.values()),
        current=current_status(by_year, first_year, last_year),
        chart=chart,
    )
