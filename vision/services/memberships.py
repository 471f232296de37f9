"""Writes to the memberships: who holds which role in which unit, and the admin rights an editor needs."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext as _

from vision.actors import write_service
from vision.models import Unit, UnitMembership, UnitRole
from vision.services.common import check_administrator, lock_stored

EDITORS_GROUP = "Unit editors"
# What an editor needs in the admin; which goals they may touch is decided per
# unit by goals.permissions. Named by string: vision does not import the apps above it.
EDITOR_PERMISSIONS = (
    "goals.view_goal",
    "goals.add_goal",
    "goals.change_goal",
    "goals.delete_goal",
    "goals.view_goallink",
    "goals.add_goallink",
    "goals.change_goallink",
    "goals.delete_goallink",
)
# Granted as well once the app that defines them is migrated (workshops are recorded by unit editors).
OPTIONAL_EDITOR_PERMISSIONS = (
    "dialogue.view_workshop",
    "dialogue.add_workshop",
    "dialogue.change_workshop",
)


def _check_may_change_memberships(by) -> None:
    check_administrator(by, _("Only an administrator can give or take roles in the units."))


@write_service
def membership_grant(*, by, user, unit: Unit, role: str) -> UnitMembership:
    """Give ``user`` the ``role`` in ``unit`` (replacing the role they had there)."""
    _check_may_change_memberships(by)
    membership = UnitMembership.objects.select_for_update().filter(user=user, unit=unit).first()
    if membership is None:
        membership = UnitMembership(user=user, unit=unit)
    if membership.pk is None or membership.role != role:
        membership.role = role
        membership.full_clean()
        membership.save()
    editor_rights_sync(user=user)
    return membership


@write_service
def membership_revoke(*, by, user, unit: Unit) -> None:
    """Take ``user``'s role in ``unit`` away (nothing to do when they hold none)."""
    _check_may_change_memberships(by)
    for membership in UnitMembership.objects.select_for_update().filter(user=user, unit=unit):
        membership.delete()
    editor_rights_sync(user=user)


@write_service
def membership_save(*, by, membership: UnitMembership) -> UnitMembership:
    """Add or change ``membership`` as a whole, as the admin's forms do (its user or unit may change too)."""
    _check_may_change_memberships(by)
    stored = lock_stored(membership)
    membership.full_clean()
    membership.save()
    for user in {membership.user, stored.user if stored else membership.user}:
        editor_rights_sync(user=user)
    return membership


@write_service
def membership_delete(*, by, membership: UnitMembership) -> None:
    """Delete ``membership`` (the role its user held as stored; nothing to do when already gone)."""
    _check_may_change_memberships(by)
    stored = UnitMembership.objects.select_for_update().filter(pk=membership.pk).first()
    if stored is None:
        return
    stored.delete()
    editor_rights_sync(user=stored.user)


def _permissions(names, *, required: bool) -> list[Permission]:
    query = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    if required and len(found) != len(names):
        have = {f"{p.content_type.app_label}.{p.codename}" for p in found}
        raise LookupError(f"Missing permissions {sorted(set(names) - have)}: run migrate first.")
    return found


def editors_group() -> Group:
    """The group holding the model permissions every unit editor needs, kept up to date."""
    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = _permissions(EDITOR_PERMISSIONS, required=True) + _permissions(
        OPTIONAL_EDITOR_PERMISSIONS, required=False
    )
    group.permissions.add(*wanted)
    return group


def editor_rights_sync(*, user) -> None:
    """Give or take the admin rights of an editor as the user's memberships now say.

    A step of the membership and unit services, inside their transaction: staff
    status and groups belong to the account, not to the organisation's records.
    """
    if UnitMembership.objects.filter(user=user, role=UnitRole.EDITOR).exists():
        user.groups.add(editors_group())
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        return
    group = Group.objects.filter(name=EDITORS_GROUP).first()
    if group is not None:
        user.groups.remove(group)
    # Staff status came with the editor role unless the account has other rights.
    has_other_rights = user.groups.exists() or user.user_permissions.exists()
    if user.is_staff and not user.is_superuser and not has_other_rights:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
