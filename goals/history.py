"""A goal's history (django-simple-history) told in words: the changes listed on the
goal page, and what others changed since a form loaded it, for a refused save."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from goals.models import Goal, GoalLevel, GoalStatus
from vision.models import MandatePeriod, Unit

NOT_SHOWN = {"path", "depth", "numchild", "version", "external_id", "id"}
VALUE_CHARS = 80
HISTORY_LENGTH = 20
HIDDEN_HISTORY_FIELDS = {"path", "depth", "numchild", "version", "external_id"}


def conflict_message(goal: Goal, loaded_version: int) -> str:
    """Explain that ``goal`` moved on from ``loaded_version`` and what changed meanwhile."""
    history = goal.history.order_by("history_date", "history_id")
    baseline = history.filter(version__lte=loaded_version).last()
    later = list(history.filter(version__gt=loaded_version).select_related("history_user"))
    intro = _(
        "Someone else saved this goal while you were editing it, so your changes were not saved "
        "(you loaded version %(loaded)d, it is now at version %(current)d)."
    ) % {"loaded": loaded_version, "current": goal.version}
    advice = _("Reload the goal to see the current text, then make your changes again.")
    if not later:
        return f"{intro} {advice}"
    who = ", ".join(sorted({_user_name(record.history_user) for record in later}))
    when = date_format(timezone.localtime(later[-1].history_date), "SHORT_DATETIME_FORMAT")
    lines = [intro, _("Changed by %(who)s, last at %(when)s.") % {"who": who, "when": when}]
    if baseline is not None:
        changes = later[-1].diff_against(baseline, excluded_fields=NOT_SHOWN).changes
        described = [_describe(change) for change in changes]
        if later[-1].path != baseline.path:
            parent = Goal.objects.get_parent(goal)
            described.append(
                _("moved in the tree, now under “%(parent)s”") % {"parent": parent.title if parent else "–"}
            )
        if described:
            lines.append(_("Changed meanwhile: %(changes)s.") % {"changes": "; ".join(described)})
    lines.append(advice)
    return " ".join(lines)


def _user_name(user) -> str:
    if user is None:
        return _("an unknown user")
    return user.get_full_name() or user.get_username()


def _describe(change) -> str:
    field = Goal._meta.get_field(change.field)
    return f"{field.verbose_name}: “{_shown(field, change.old)}” → “{_shown(field, change.new)}”"


def _shown(field, value) -> str:
    if value in (None, ""):
        return "–"
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    elif field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        value = related if related is not None else value
    return Truncator(str(value)).chars(VALUE_CHARS)


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    record: object
    kind: str
    changes: list[Change]


def history_of(goal: Goal) -> list[HistoryEntry]:
    """The latest changes, newest first, each with what changed from the record before."""
    records = list(
        goal.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : HISTORY_LENGTH + 1
        ]
    )
    units, periods = set(), set()
    pairs = []
    # A goal bulk-inserted (generate_goals, import) may have no history record at all.
    for newer, older in zip(records, (records[1:] + [None]) if records else [], strict=True):
        changes = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            for change in delta.changes:
                if change.field in HIDDEN_HISTORY_FIELDS:
                    continue
                changes.append(change)
                if change.field == "owner":
                    units.update({change.old, change.new})
                if change.field in {"period", "until_period"}:
                    periods.update({change.old, change.new})
            if any(change.field == "path" for change in delta.changes):
                changes.append(Change("path", None, None))
        pairs.append((newer, changes))
    unit_names = dict(Unit.objects.filter(pk__in=units - {None}).values_list("pk", "name")) if units else {}
    period_names = (
        dict(MandatePeriod.objects.filter(pk__in=periods - {None}).values_list("pk", "name"))
        if periods
        else {}
    )
    entries = []
    for record, changes in pairs[:HISTORY_LENGTH]:
        shown = []
        for change in changes:
            names = unit_names if change.field == "owner" else period_names
            old, new = change.old, change.new
            if change.field in {"owner", "period", "until_period"}:
                old, new = names.get(old, old), names.get(new, new)
            shown.append(
                Change(
                    field_label(change.field),
                    display_value(change.field, old),
                    display_value(change.field, new),
                )
            )
        entries.append(HistoryEntry(record, record.history_type, shown))
    return entries


def field_label(name: str) -> str:
    if name == "path":
        return _("place in the tree")
    return Goal._meta.get_field(name).verbose_name


def display_value(name: str, value):
    if name == "status" and value in GoalStatus.values:
        return GoalStatus(value).label
    if name == "level" and value in GoalLevel.values:
        return GoalLevel(value).label
    return value
