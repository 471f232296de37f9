"""A goal's history (django-simple-history) told in words: the changes listed on the
goal page, and what others changed since a form loaded it, for a refused save.

Both tell a change the same way (``changes_between``): the field by its name for
people, old and new values with choices by their labels and related objects by
their names, bookkeeping fields left out, and a move in the tree as one change.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from goals.models import Goal
from goals.paths import parent_path

# Bookkeeping of the tree and of saves, which says nothing to a reader; a
# change of path is told as a move.
HIDDEN = {"id", "path", "depth", "numchild", "version", "external_id"}
VALUE_CHARS = 80
HISTORY_LENGTH = 20
EMPTY = "–"


@dataclass
class Change:
    """One change between two history records of a goal, as a reader sees it."""

    label: str
    old: str = ""
    new: str = ""
    is_move: bool = False

    def __str__(self) -> str:
        if self.is_move:
            if self.new:
                return _("moved in the tree, now under “%(parent)s”") % {"parent": self.new}
            return _("moved in the tree")
        return _("%(field)s: “%(old)s” → “%(new)s”") % {"field": self.label, "old": self.old, "new": self.new}


@dataclass
class HistoryEntry:
    record: object
    kind: str
    changes: list[Change]


def changes_between(goal: Goal, pairs: list[tuple]) -> list[list[Change]]:
    """For each (newer, older) pair of ``goal``'s history records, what changed from older to newer.

    A pair without an older record, or whose newer one is no update, changed
    nothing that can be told. Related objects are named with one query per
    related model for all pairs together; a move names the goal's parent where
    the newer record is the goal as it stands now.
    """
    deltas = []
    for newer, older in pairs:
        if older is None or newer.history_type != "~":
            deltas.append([])
            continue
        deltas.append(newer.diff_against(older, excluded_fields=HIDDEN - {"path"}).changes)
    names = _related_names(change for delta in deltas for change in delta)
    told = []
    for (newer, _older), delta in zip(pairs, deltas, strict=True):
        changes, moved = [], False
        for change in delta:
            if change.field == "path":
                moved = True
                continue
            field = Goal._meta.get_field(change.field)
            changes.append(
                Change(
                    str(field.verbose_name),
                    _shown(field, change.old, names),
                    _shown(field, change.new, names),
                )
            )
        if moved:
            # Every save raises the version, a move too: the record holding the goal's
            # version is the goal as it stands now, under its parent of today.
            under = _current_parent_title(goal) if newer.version == goal.version else ""
            changes.append(Change(_("place in the tree"), new=under, is_move=True))
        told.append(changes)
    return told


def _related_names(changes) -> dict:
    """The names of the related objects these changes name, per related model and primary key."""
    wanted = defaultdict(set)
    for change in changes:
        if change.field in HIDDEN:
            continue
        field = Goal._meta.get_field(change.field)
        if field.is_relation:
            wanted[field.related_model].update(
                value for value in (change.old, change.new) if value is not None
            )
    return {
        model: {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=pks)}
        for model, pks in wanted.items()
    }


def _shown(field, value, names: dict) -> str:
    if value in (None, ""):
        return EMPTY
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    elif field.is_relation:
        value = names.get(field.related_model, {}).get(value, value)
    elif isinstance(value, bool):
        value = _("yes") if value else _("no")
    else:
        value = formats.localize(value)
    return Truncator(str(value)).chars(VALUE_CHARS)


def _current_parent_title(goal: Goal) -> str:
    parent = (
        Goal.objects.filter(path=parent_path(goal.path)).only("title").first() if goal.depth > 1 else None
    )
    return parent.title if parent is not None else EMPTY


def history_of(goal: Goal) -> list[HistoryEntry]:
    """The latest changes, newest first, each with what changed from the record before."""
    records = list(
        goal.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : HISTORY_LENGTH + 1
        ]
    )
    # A goal bulk-inserted (generate_goals, import) may have no history record at all.
    pairs = list(zip(records, [*records[1:], None], strict=False))[:HISTORY_LENGTH]
    return [
        HistoryEntry(newer, newer.history_type, changes)
        for (newer, _older), changes in zip(pairs, changes_between(goal, pairs), strict=True)
    ]


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
        [changes] = changes_between(goal, [(later[-1], baseline)])
        if changes:
            lines.append(_("Changed meanwhile: %(changes)s.") % {"changes": "; ".join(map(str, changes))})
    lines.append(advice)
    return " ".join(lines)


def _user_name(user) -> str:
    if user is None:
        return _("an unknown user")
    return user.get_full_name() or user.get_username()
