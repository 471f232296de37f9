"""Follow-up on other apps' pages: ``{% load followup %}{% goal_indicators goal %}`` on the goal page."""

from django import template
from django.utils.formats import get_format

from goals.followup.models import Indicator
from goals.followup.pages.series import series_of
from goals.followup.status import ICONS, Status

register = template.Library()


@register.inclusion_tag("followup/_goal_indicators.html")
def goal_indicators(goal):
    """The goal's indicators with status and a small chart: one query, three when it has any."""
    indicators = list(Indicator.objects.of_goal(goal).with_series().order_by("title", "pk"))
    first_year = goal.period.start.year if goal.period_id else None
    last_year = goal.last_period.end.year if goal.period_id else None
    return {
        "goal": goal,
        "series": [series_of(i, first_year=first_year, last_year=last_year, small=True) for i in indicators],
    }


@register.inclusion_tag("followup/_status.html")
def indicator_status(status):
    status = Status(status or Status.NO_DATA)
    return {"status": status, "icon": ICONS[status]}


@register.filter
def number(value):
    """A measured number with the language's decimal sign, or an en dash for none."""
    if value is None:
        return "–"
    return f"{value:.10g}".replace(".", get_format("DECIMAL_SEPARATOR"))
