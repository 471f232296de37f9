"""What follow-up data must satisfy, apart from who may write it (goals.permissions decides that)."""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from goals.followup.choices import Gender
from goals.followup.models.indicators import PERIOD_LABEL
from goals.followup.status import period_year_and_position

FIRST_YEAR, LAST_YEAR = 1950, 2100


def check_period_label(label: str, field: str = "period") -> tuple[int, int]:
    """(year, position) of a valid period label; a ValidationError on ``field`` otherwise."""
    try:
        PERIOD_LABEL(label)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    year, position = period_year_and_position(label)
    check_year(year, field)
    return year, position


def check_year(year: int, field: str = "year") -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                field: _("The year must lie between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )


def check_number(value, field: str = "value", *, required: bool = False) -> float | None:
    """A finite number as float; None is allowed (no value) unless ``required``."""
    if value is None:
        if required:
            raise ValidationError({field: _("A value is required.")})
        return None
    if isinstance(value, bool):
        raise ValidationError({field: _("Enter a number.")})
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not math.isfinite(number) or abs(number) > 1e15:
        raise ValidationError({field: _("Enter a finite number of reasonable size.")})
    return number


def check_gender(gender: str, field: str = "gender") -> None:
    if gender not in Gender.values:
        raise ValidationError({field: _("The series is T (total), K (women) or M (men).")})
