"""Who may write dialogue material, lectures and workshops: the one place these rights are decided.

Administrators (and the system actor commands run as) may do anything. The
material and the lecture speak for the whole municipal group, so only
administrators manage them. A workshop belongs to its unit: the unit's members
(editors and viewers alike) record and correct its workshops. Every write
service asks these functions itself, so no caller can forget them.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from vision.actors import NotAllowed, is_administrator
from vision.models import Unit, UnitRole


def can_manage_media(user) -> bool:
    """Whether the user may upload, change, revert or delete dialogue material and lectures."""
    return is_administrator(user)


def require_media_rights(user) -> None:
    if not can_manage_media(user):
        raise NotAllowed(_("Only an administrator can manage the dialogue material and lectures."))


def units_for_workshops(user) -> QuerySet[Unit]:
    """Units whose workshops the user may record: any membership or editor rights."""
    if is_administrator(user):
        return Unit.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    editable = Unit.objects.editable_by(user).values("pk")
    return Unit.objects.filter(
        Q(pk__in=editable)
        | Q(memberships__user=user, memberships__role__in=[UnitRole.EDITOR, UnitRole.VIEWER])
    ).distinct()


def can_record_workshop(user, unit: Unit | int | None) -> bool:
    """Whether the user may record, change, revert or delete a workshop of ``unit`` (a unit or its id)."""
    if is_administrator(user):
        return True
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    return unit_id is not None and units_for_workshops(user).filter(pk=unit_id).exists()


def require_workshop_rights(user, unit: Unit | int | None) -> None:
    if not can_record_workshop(user, unit):
        raise NotAllowed(_("Only a member or editor of the unit can record its workshops."))
