"""What the organisation's services share: who may write, and refusals in the services' terms."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from vision.actors import NotAllowed, is_administrator


def check_administrator(by, message: str) -> None:
    """Refuse anyone but an administrator (or the system actor), with ``message``."""
    if not is_administrator(by):
        raise NotAllowed(message)


def lock_stored(obj: models.Model) -> models.Model | None:
    """The stored row ``obj`` was read from, locked; None for an object not saved yet.

    An object whose row was deleted meanwhile (another administrator's delete, a
    revert from the history of a deleted object) is refused rather than saved,
    which would insert it again under its old id.
    """
    if obj.pk is None:
        return None
    stored = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first()
    if stored is None:
        raise ValidationError(
            _("“%(object)s” no longer exists: it was deleted meanwhile. Add it again if it is needed.")
            % {"object": obj},
            code="deleted",
        )
    return stored


def delete_unless_referred_to(obj: models.Model) -> None:
    """Delete ``obj``; a row that others still refer to is refused as a rule, not a database error."""
    try:
        obj.delete()
    except (ProtectedError, RestrictedError) as error:
        blocking = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
        kinds = sorted({str(other._meta.verbose_name_plural) for other in blocking})
        raise ValidationError(
            _("“%(object)s” cannot be deleted: %(records)s refer to it.")
            % {"object": obj, "records": ", ".join(kinds)},
            code="protected",
        ) from error
