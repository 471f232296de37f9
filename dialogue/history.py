"""Reads on the dialogue records' history (django-simple-history)."""

from django.db.models import QuerySet
from simple_history.models import HistoricalChanges

from goals.models import Goal


def file_name(value) -> str:
    """The stored name of a file field's value, whether a historical record holds it as a file or text."""
    return getattr(value, "name", value) or ""


def version_goals(record: HistoricalChanges) -> QuerySet[Goal]:
    """The goals a workshop named in one of its historical versions (those that still exist)."""
    return Goal.objects.filter(pk__in=record.goals.values("goal_id")).order_by("path")
