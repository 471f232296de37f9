"""An indicator's status in a year: its latest value that year against that year's target.

Pure functions of numbers, shared by the pages, the API and the SQL annotation
in querysets.py (whose expression must give the same answer; a test holds them
together). Higher is better: at or above the target is met; below it but within
the margin (a per cent of the target, 10 by default) is near; further below is
not met. Lower is better mirrors that. Without a value or a target: no data.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from goals.followup.choices import Direction


class Status(models.TextChoices):
    MET = "met", _("met")
    NEAR = "near", _("near")
    NOT_MET = "not_met", _("not met")
    NO_DATA = "no_data", _("no data")


# Shown beside the word (never the colour alone); the icons are aria-hidden.
ICONS = {Status.MET: "✔", Status.NEAR: "◐", Status.NOT_MET: "✖", Status.NO_DATA: "–"}

# Position of a period label within its year: months by their number, then the
# quarter, tertial and whole year ending that month, so the whole year sorts last.
_KIND_RANK = {"month": 0, "Q": 1, "T": 2, "year": 3}


def period_year_and_position(label: str) -> tuple[int, int]:
    """(year, position in the year) of a period label such as 2024, 2025-T1, 2025-Q3 or 2025-08."""
    year = int(label[:4])
    rest = label[5:]
    if not rest:
        return year, 12 * 10 + _KIND_RANK["year"]
    if rest[0] == "T":
        return year, int(rest[1]) * 4 * 10 + _KIND_RANK["T"]
    if rest[0] == "Q":
        return year, int(rest[1]) * 3 * 10 + _KIND_RANK["Q"]
    return year, int(rest) * 10 + _KIND_RANK["month"]


def near_bound(target: float, direction: str, margin: float) -> float:
    """The value beyond which a miss is no longer near (the same arithmetic as the SQL)."""
    slack = abs(target) * margin / 100
    return target - slack if direction == Direction.HIGHER else target + slack


def status_of(value: float | None, target: float | None, direction: str, margin: float) -> Status:
    if value is None or target is None:
        return Status.NO_DATA
    bound = near_bound(target, direction, margin)
    if direction == Direction.HIGHER:
        if value >= target:
            return Status.MET
        return Status.NEAR if value >= bound else Status.NOT_MET
    if value <= target:
        return Status.MET
    return Status.NEAR if value <= bound else Status.NOT_MET


@dataclass(frozen=True)
class YearStatus:
    year: int
    value: float | None
    period: str | None
    target: float | None
    status: Status


def status_by_year(
    values: Iterable[tuple[str, float | None]],
    targets: dict[int, float],
    direction: str,
    margin: float,
) -> dict[int, YearStatus]:
    """One status for every year that has a target or a measurement, from (period label, value) pairs.

    The year's value is its latest measured one (a missing value never hides an earlier one).
    """
    latest: dict[int, tuple[int, str, float]] = {}
    years = set(targets)
    for label, value in values:
        year, position = period_year_and_position(label)
        years.add(year)
        if value is not None and (year not in latest or position > latest[year][0]):
            latest[year] = (position, label, value)
    result = {}
    for year in sorted(years):
        _position, label, value = latest.get(year, (None, None, None))
        target = targets.get(year)
        result[year] = YearStatus(year, value, label, target, status_of(value, target, direction, margin))
    return result


def current_status(
    by_year: dict[int, YearStatus], first_year: int | None = None, last_year: int | None = None
):
    """The status of the latest year (within the bounds) that has a value; None when no year has one."""
    years = [
        year
        for year, entry in by_year.items()
        if entry.value is not None
        and (first_year is None or year >= first_year)
        and (last_year is None or year <= last_year)
    ]
    return by_year[max(years)] if years else None
