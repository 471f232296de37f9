"""Pages for keeping units' goals linked to the vision across periods.

The re-linking queue (an editor's goals flagged by a carry-over), comparing
two periods, and a period's coverage. Views validate and call one service.
"""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from goals import permissions, services
from goals.exchange.cells import neutralised
from goals.models import Goal
from goals.pages.selection import existing_id, selected_period
from goals.paths import parent_path
from goals.reports import periods as period_reports
from vision.actors import NotAllowed
from vision.models import MandatePeriod, Unit


def _editor_or_403(request) -> None:
    if not permissions.is_editor(request.user):
        raise PermissionDenied(_("Only editors of a unit can re-link goals."))


def _newest_with_work(goals) -> MandatePeriod | None:
    # A carry-over flags goals of the period it filled: the newest such period is where the work waits.
    latest = goals.needing_relinking().order_by("-period__start").values_list("period", flat=True).first()
    if latest is not None:
        return MandatePeriod.objects.get(pk=latest)
    return MandatePeriod.objects.current_first().first()


def _with_context(user, goals: list[Goal], period) -> list[dict]:
    """For each goal: where it sits now, what it was linked to before, and a suggested new parent."""
    parents = Goal.objects.filter(path__in={parent_path(goal.path) for goal in goals}).select_related("owner")
    parent_by_path = {parent.path: parent for parent in parents}
    old_parent_paths = {parent_path(goal.predecessor.path) for goal in goals if goal.predecessor_id}
    old_parents = Goal.objects.filter(path__in=old_parent_paths).select_related(
        "owner", "successor__owner", "successor__period", "successor__until_period"
    )
    old_by_path = {parent.path: parent for parent in old_parents}
    items = []
    for goal in goals:
        old_parent = old_by_path.get(parent_path(goal.predecessor.path)) if goal.predecessor_id else None
        suggestion = getattr(old_parent, "successor", None) if old_parent else None
        if suggestion is not None and not (
            suggestion.is_active
            and suggestion.is_valid_in(period)
            and permissions.fits_under(user, goal, suggestion)
        ):
            suggestion = None
        items.append(
            {
                "goal": goal,
                "parent": parent_by_path.get(parent_path(goal.path)),
                "old_parent": old_parent,
                "suggestion": suggestion,
            }
        )
    return items


@require_GET
def relinking_queue(request):
    _editor_or_403(request)
    editable = permissions.editable_goals(request.user).active()
    period = selected_period(request, default=lambda: _newest_with_work(editable))
    goals = []
    if period is not None:
        goals = list(
            editable.valid_in(period)
            .needing_relinking()
            .select_related("owner", "predecessor")
            .order_by("owner__name", "path")
        )
    units: dict[Unit, list] = {}
    for item in _with_context(request.user, goals, period):
        units.setdefault(item["goal"].owner, []).append(item)
    context = {"period": period, "periods": MandatePeriod.objects.all(), "units": units, "total": len(goals)}
    return render(request, "goals/linking/queue.html", context)


@require_http_methods(["GET", "POST"])
def relink_goal(request, pk):
    _editor_or_403(request)
    goal = get_object_or_404(
        permissions.editable_goals(request.user).select_related(
            "owner", "period", "until_period", "predecessor"
        ),
        pk=existing_id(pk),
    )
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "keep":
                services.goal_update(goal=goal, needs_relinking=False, by=request.user)
                messages.success(
                    request, _("“%(goal)s” stays where it is and is marked as linked.") % {"goal": goal.title}
                )
            else:
                raw = request.POST.get("parent", "")
                parents = Goal.objects.select_related("owner", "period", "until_period")
                # Bounded before the query: 4400 digits exceed int()'s limit (a 500).
                parent = parents.filter(pk=raw).first() if raw.isdigit() and len(raw) <= 19 else None
                if parent is None:
                    raise ValidationError(_("Choose the goal to link it to."), code="no_parent")
                services.goal_move(goal=goal, target=parent, position="last-child", by=request.user)
                messages.success(
                    request,
                    _("“%(goal)s” is now linked to “%(parent)s”.")
                    % {"goal": goal.title, "parent": parent.title},
                )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        except NotAllowed as refusal:
            error = str(refusal)
        else:
            return HttpResponseRedirect(reverse("goals:goals-relinking") + f"?period={goal.period.slug}")
    item = _with_context(request.user, [goal], goal.period)[0]
    context = {
        **item,
        "candidates": permissions.parent_choices(request.user, goal, goal.period),
        "error": error,
    }
    return render(request, "goals/linking/relink.html", context, status=400 if error else 200)


@require_GET
def compare_periods(request):
    periods = list(MandatePeriod.objects.all())
    by_slug = {period.slug: period for period in periods}
    default_from, default_to = (None, None)
    if not (request.GET.get("from") and request.GET.get("to")):
        default_from, default_to = period_reports.default_periods(periods)
    earlier = by_slug.get(request.GET.get("from")) if request.GET.get("from") else default_from
    later = by_slug.get(request.GET.get("to")) if request.GET.get("to") else default_to
    error = None
    comparisons, selected = {}, None
    if (request.GET.get("from") and earlier is None) or (request.GET.get("to") and later is None):
        error = _("Choose two periods that exist.")
    elif earlier is not None and later is not None:
        if earlier.start >= later.start:
            error = _("The first period must come before the second.")
        else:
            comparisons = period_reports.compare_periods(earlier, later)
            unit_slug = request.GET.get("unit")
            if unit_slug:
                selected = next((c for c in comparisons.values() if c.unit.slug == unit_slug), None)
    context = {
        "periods": periods,
        "earlier": earlier,
        "later": later,
        "comparisons": comparisons.values(),
        "totals": period_reports.totals(comparisons.values()),
        "selected": selected,
        "unit_slug": request.GET.get("unit", ""),
        "error": error,
    }
    return render(request, "goals/linking/compare.html", context, status=400 if error else 200)


@require_GET
def current_coverage(request):
    period = selected_period(request)
    if period is None:
        return render(request, "goals/linking/coverage.html", {"period": None, "rows": []})
    return redirect("goals:period-coverage", slug=period.slug)


@require_GET
def period_coverage(request, slug):
    period = get_object_or_404(MandatePeriod, slug=slug)
    sort = request.GET.get("sort", "unit")
    if sort not in period_reports.COVERAGE_SORTS:
        sort = "unit"
    descending = request.GET.get("dir") == "desc"
    rows = period_reports.sort_coverage(period_reports.period_coverage(period), sort, descending)
    if request.GET.get("format") == "csv":
        return _coverage_csv(period, rows)
    context = {
        "period": period,
        "periods": MandatePeriod.objects.all(),
        "rows": rows,
        "sort": sort,
        "descending": descending,
        "columns": [
            ("unit", _("Unit")),
            ("kind", _("Kind")),
            ("goals", _("Goals")),
            ("linked", _("Linked to the vision")),
            ("share", _("Share linked (%)")),
            ("relinking", _("Need re-linking")),
            ("not_linked", _("Not linked")),
        ],
        "without_linked": [row for row in rows if row.linked == 0],
        "with_relinking": [row for row in rows if row.needs_relinking],
    }
    return render(request, "goals/linking/coverage.html", context)


def _coverage_csv(period: MandatePeriod, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"coverage-{period.slug}.csv")
    response.write("\ufeff")  # Excel reads Swedish letters correctly only with the byte order mark
    writer = csv.writer(response)
    header = [
        _("Unit"),
        _("Slug"),
        _("Kind"),
        _("Goals"),
        _("Linked to the vision"),
        _("Share linked (%)"),
        _("Need re-linking"),
        _("Not linked"),
    ]
    writer.writerow([neutralised(str(name)) for name in header])
    for row in rows:
        values = [
            row.unit.name,
            row.unit.slug,
            str(row.unit.get_kind_display()),
            row.goals,
            row.linked,
            row.share,
            row.needs_relinking,
            row.not_linked,
        ]
        writer.writerow([neutralised(value) for value in values])
    return response
