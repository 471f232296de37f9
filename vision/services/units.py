"""Writes to the organisation's units."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from vision.actors import write_service
from vision.models import Unit
from vision.services.common import check_administrator, delete_unless_referred_to, lock_stored
from vision.services.memberships import editor_rights_sync


def _check_may_change_units(by) -> None:
    check_administrator(
        by,
        _(
            "Only an administrator can change the units: the goals and rights of the whole group hang on them."
        ),
    )


@write_service
def unit_save(*, by, unit: Unit) -> Unit:
    """Add or change ``unit`` (a unit is never placed under itself or its own sub-units)."""
    _check_may_change_units(by)
    lock_stored(unit)
    unit.full_clean()
    unit.save()
    return unit


@write_service
def unit_delete(*, by, unit: Unit) -> None:
    """Delete ``unit`` with its memberships; one that owns goals or has sub-units is refused."""
    _check_may_change_units(by)
    if lock_stored(unit) is None:
        return
    members = list(get_user_model().objects.filter(unit_memberships__unit=unit).distinct())
    delete_unless_referred_to(unit)
    # The memberships went with the unit: an editor of no other unit loses the admin rights.
    for user in members:
        editor_rights_sync(user=user)
