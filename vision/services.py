"""Writes to the organisation: who holds which role in which unit."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from vision.models import Unit, UnitMembership, UnitRole

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
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = _permissions(EDITOR_PERMISSIONS, required=True) + _permissions(
        OPTIONAL_EDITOR_PERMISSIONS, required=False
    )
    group.permissions.add(*wanted)
    return group


@transaction.atomic
def membership_grant(*, user, unit: Unit, role: str) -> UnitMembership:
    """Give ``user`` the ``role`` in ``unit``; an editor also gets what the admin requires."""
    if role not in UnitRole.values:
        raise ValueError(f"Unknown role {role!r}; choose one of {UnitRole.values}")
    membership, _ = UnitMembership.objects.update_or_create(user=user, unit=unit, defaults={"role": role})
    editor_rights_sync(user=user)
    return membership


@transaction.atomic
def membership_revoke(*, user, unit: Unit) -> None:
    """Remove ``user``'s role in ``unit``."""
    UnitMembership.objects.filter(user=user, unit=unit).delete()
    editor_rights_sync(user=user)


@transaction.atomic
def editor_rights_sync(*, user) -> None:
    """Give or take the admin rights of an editor as the user's memberships now say.

    For memberships written elsewhere (the admin's membership pages).
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
