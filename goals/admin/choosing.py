"""Choosing a goal in the admin: a search field, not a list of every goal.

A <select> of every goal is half a megabyte at 10,000 goals and names "Klimat
och miljö" once per period with nothing to tell them apart. The admin's goal
choosers (the parent on the goal form, the targets of contribution links)
search instead, a bounded page at a time, and every label names the goal's
level, period and owner.
"""

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import get_select2_language
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from goals import permissions, rules
from goals.models import Goal, GoalLevel
from vision.models import MandatePeriod

PAGE_SIZE = 20
SIBLING_POSITIONS = {"left", "right", "first-sibling", "last-sibling", "sorted-sibling"}


def period_span(goal: Goal) -> str:
    """The periods a goal is valid in, as a reader names them: "2023–2026", or "2023–2026 to 2027–2030"."""
    if goal.period_id is None:
        return _("every period")
    if goal.until_period_id and goal.until_period_id != goal.period_id:
        return _("%(first)s to %(last)s") % {"first": goal.period, "last": goal.until_period}
    return str(goal.period)


def goal_label(goal: Goal) -> str:
    """A goal as a chooser shows it: title, then level, period and owner."""
    return _("%(title)s (%(level)s, %(periods)s, %(owner)s)") % {
        "title": goal.title,
        "level": goal.get_level_display(),
        "periods": period_span(goal),
        "owner": goal.owner or "–",
    }


def labelled(queryset):
    return queryset.select_related("owner", "period", "until_period")


class GoalSearchSelect(forms.Select):
    """A select that renders only the chosen goal and searches the rest on the server.

    Without JavaScript it still submits the chosen goal unchanged.
    """

    def __init__(self, url_name: str, attrs=None):
        super().__init__(attrs)
        self.url_name = url_name
        self.i18n_name = get_select2_language()

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        classes = attrs.get("class", "")
        attrs.update(
            {
                "class": (classes + " goal-search").strip(),
                "data-ajax--url": reverse(self.url_name),
                "data-ajax--cache": "true",
                "data-ajax--delay": 250,
                "data-theme": "admin-autocomplete",
                "data-allow-clear": "true" if not self.is_required else "false",
                "data-placeholder": "",
                "lang": self.i18n_name,
            }
        )
        return attrs

    def optgroups(self, name, value, attrs=None):
        chosen = [str(v) for v in value if str(v).isdigit()]
        options = [self.create_option(name, "", self.empty_label(), not chosen, 0)]
        for index, goal in enumerate(labelled(Goal.objects.filter(pk__in=chosen)), start=1):
            options.append(self.create_option(name, goal.pk, goal_label(goal), True, index))
        return [(None, options, 0)]

    def empty_label(self) -> str:
        field = getattr(self.choices, "field", None)
        return getattr(field, "empty_label", None) or "---------"

    @property
    def media(self):
        extra = "" if settings.DEBUG else ".min"
        i18n = (f"admin/js/vendor/select2/i18n/{self.i18n_name}.js",) if self.i18n_name else ()
        return forms.Media(
            js=(
                f"admin/js/vendor/jquery/jquery{extra}.js",
                f"admin/js/vendor/select2/select2.full{extra}.js",
                *i18n,
                "admin/js/jquery.init.js",
                "js/admin-goal-search.js",
            ),
            css={"screen": (f"admin/css/vendor/select2/select2{extra}.css", "admin/css/autocomplete.css")},
        )


def _period(value) -> MandatePeriod | None:
    if value and str(value).isdigit():
        return MandatePeriod.objects.filter(pk=value).first()
    return None


def _goal(value) -> Goal | None:
    if value and str(value).isdigit():
        return Goal.objects.filter(pk=value).only("path", "depth").first()
    return None


def search_term_q(term: str) -> Q:
    q = Q()
    for word in term.split():
        q &= Q(title__icontains=word) | Q(case_number__icontains=word)
    return q


def parent_search(user, params) -> "QuerySet[Goal]":  # noqa: F821
    """The goals ``user`` may put a goal under, as the form says it now reads (level, periods, position).

    Only what the rights and the rules allow is offered; the form checks the
    chosen one again, so this is a convenience, never the gate.
    """
    queryset = Goal.objects.active().exclude(level=GoalLevel.ACTIVITY)
    goal = _goal(params.get("goal"))
    if goal is not None:
        queryset = queryset.not_descendant_of(goal, inclusive=True)
    for name in ("period", "until_period"):
        period = _period(params.get(name))
        if period is not None:
            queryset = queryset.valid_in(period)
    level = params.get("level")
    sibling = params.get("position") in SIBLING_POSITIONS
    unit_ids = permissions.editable_unit_ids(user)
    if level in rules.HIERARCHY:
        queryset = queryset.filter(level__in={level} if sibling else rules.parent_levels(level))
    elif unit_ids is not None:
        writable = permissions.writable_levels(user)
        queryset = queryset.filter(level__in=set().union(*(rules.parent_levels(lv) for lv in writable)))
    if unit_ids is not None:
        queryset = queryset.filter(Q(owner_id__in=unit_ids) | Q(level__in=permissions.STEERING_LEVELS))
    return queryset.filter(search_term_q(params.get("term", "")))


def link_target_search(user, params) -> "QuerySet[Goal]":  # noqa: F821
    """The goals a contribution link may point at: any active goal; the link rules decide on saving."""
    return Goal.objects.active().filter(search_term_q(params.get("term", "")))


def search_response(queryset, page_number) -> JsonResponse:
    """One page of matches in select2's format, newest period first, in tree order within it."""
    ordered = labelled(queryset).order_by(F("period__start").desc(nulls_first=True), "path")
    paginator = Paginator(ordered, PAGE_SIZE)
    page = paginator.get_page(page_number)
    return JsonResponse(
        {
            "results": [{"id": str(goal.pk), "text": goal_label(goal)} for goal in page.object_list],
            "pagination": {"more": page.has_next()},
        }
    )
