"""Who is acting: every write service takes the acting user (``by=``).

Commands and the demo loader act as the system actor: a named account with full
rights that cannot sign in (inactive, no usable password), so history says
"system" rather than nobody.
"""

import functools
from contextlib import contextmanager
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from simple_history.models import HistoricalRecords

SYSTEM_USERNAME = "system"


class NotAllowed(PermissionDenied):
    """A refusal on rights, in every app, with the message to show the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


def system_actor():
    """The account commands act as, made on first use."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_superuser": True, "is_staff": False, "is_active": False, "first_name": "System"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_system_actor(user) -> bool:
    return getattr(user, "username", None) == SYSTEM_USERNAME and not user.is_active and user.is_superuser


def is_administrator(user) -> bool:
    """Full rights: an active superuser, or the system actor."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser and (user.is_active or is_system_actor(user))


@contextmanager
def recorded_as(by):
    """Have django-simple-history name ``by`` on every history row written inside.

    Without it a command's writes (no request) would be recorded as by nobody,
    and rows that a queryset deletes or a bulk write creates would miss the user.
    """
    context = HistoricalRecords.context
    had_request = hasattr(context, "request")
    before = getattr(context, "request", None)
    context.request = SimpleNamespace(user=by)
    try:
        yield
    finally:
        if had_request:
            context.request = before
        else:
            del context.request


def write_service(function):
    """A write service: keyword-only, one transaction, its history rows recorded as ``by``."""

    @functools.wraps(function)
    def wrapper(*args, by, **kwargs):
        if args:
            raise TypeError(f"{function.__name__} takes keyword arguments only")
        if by is None:
            raise TypeError(f"{function.__name__} needs the acting user: by=")
        with transaction.atomic(), recorded_as(by):
            return function(by=by, **kwargs)

    return wrapper
