"""Writes to the mandate periods: at most one of them is the current period."""

from django.utils.translation import gettext as _

from vision.actors import write_service
from vision.models import MandatePeriod
from vision.services.common import check_administrator, delete_unless_referred_to, lock_stored


def _check_may_change_periods(by) -> None:
    check_administrator(
        by, _("Only an administrator can change the mandate periods: every unit’s goals are dated by them.")
    )


@write_service
def period_save(*, by, period: MandatePeriod) -> MandatePeriod:
    """Add or change ``period``; making it current un-marks the period that was, in the same transaction."""
    _check_may_change_periods(by)
    # Every period locked, not only this one: two saves each making another
    # period current would otherwise both find the old one still marked.
    others = list(MandatePeriod.objects.select_for_update().exclude(pk=period.pk).order_by("pk"))
    lock_stored(period)
    if period.is_current:
        for other in others:
            if other.is_current:
                other.is_current = False
                other.save(update_fields=["is_current"])
    period.full_clean()
    period.save()
    return period


@write_service
def period_delete(*, by, period: MandatePeriod) -> None:
    """Delete ``period``; one that goals are dated by is refused."""
    _check_may_change_periods(by)
    if lock_stored(period) is not None:
        delete_unless_referred_to(period)
