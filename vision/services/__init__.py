"""Writes to the frame everything hangs on: mandate periods, units and memberships.

Every service takes the acting user (``by=``), checks that they are an
administrator and the model's rules (``full_clean``), and runs in one
transaction with its history rows recorded as that user.
"""

from vision.services.memberships import (
    EDITOR_PERMISSIONS,
    EDITORS_GROUP,
    editors_group,
    membership_delete,
    membership_grant,
    membership_revoke,
    membership_save,
)
from vision.services.periods import period_delete, period_save
from vision.services.units import unit_delete, unit_save

__all__ = [
    "EDITORS_GROUP",
    "EDITOR_PERMISSIONS",
    "editors_group",
    "membership_delete",
    "membership_grant",
    "membership_revoke",
    "membership_save",
    "period_delete",
    "period_save",
    "unit_delete",
    "unit_save",
]
