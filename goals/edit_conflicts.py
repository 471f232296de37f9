"""Words for a refused save: what others changed in a goal since a form loaded it.

Read from the goal's history (django-simple-history), which records the
version of every saved state, so the editor sees who changed what meanwhile.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from goals.models import Goal

NOT_SHOWN = {"path", "depth", "numchild", "version", "external_id", "id"}
VALUE_CHARS = 80


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
