"""The follow-up pages: the period's indicators with their status, and one indicator."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from goals import cache as goal_cache
from goals import catalog
from goals.followup.models import Indicator
from goals.followup.pages.series import period_years, series_of
from goals.followup.status import ICONS, Status
from goals.pages.selection import query_without_page, selected_period

PAGE_SIZE = 50


def indicator_list(request):
    """The period's indicators with their status, from the cache: indicator, target and
    measurement writes bump their goal's periods (goals/cache.py), like goal writes."""
    period = selected_period(request)
    unit = catalog.catalog().units_by_slug.get(request.GET.get("unit", ""))
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    context = {
        "period": period,
        "periods": catalog.periods(),
        "unit": unit,
        "units": catalog.units(),
        "status": status,
        "statuses": [(s.value, s.label, ICONS[s]) for s in Status],
        "page": SimpleLazyObject(lambda: indicator_page(request, period, unit, status)),
        "page_number": request.GET.get("page", ""),
        "query": query_without_page(request),
        "list_version": goal_cache.period_version(period.pk if period else None),
        "cache_seconds": goal_cache.cache_seconds(),
    }
    return render(request, "followup/indicator_list.html", context)


def indicator_page(request, period, unit, status: str):
    first_year, last_year = period_years(period)
    listed = Indicator.objects.none()
    if period is not None:
        listed = Indicator.objects.valid_in(period)
        if unit is not None:
            listed = listed.filter(goal__owner__slug=unit.slug)
    # The page's ids first, then their status and context for those alone: computing the
    # status of every indicator in the period only to show fifty was most of the page's time.
    ordered = listed.order_by("goal__path", "title", "pk").values_list("pk", flat=True)
    if status:
        statuses = listed.current_statuses(first_year, last_year)
        ordered = [pk for pk in ordered if statuses[pk] == status]
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    rows = (
        Indicator.objects.filter(pk__in=ids)
        .with_current_status(first_year, last_year)
        .select_related("goal__owner")
    )
    by_id = {indicator.pk: indicator for indicator in rows} if ids else {}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    return page


def indicator_detail(request, pk: int):
    indicator = get_object_or_404(
        Indicator.objects.select_related("goal__owner", "goal__period", "goal__until_period").with_series(),
        pk=pk,
    )
    goal = indicator.goal
    first_year = goal.period.start.year if goal.period else None
    last_year = goal.last_period.end.year if goal.period else None
    series = series_of(indicator, first_year=first_year, last_year=last_year)
    context = {
        "indicator": indicator,
        "goal": goal,
        "series": series,
        "measurements": list(indicator.measurements.all()),
        "targets": list(indicator.targets.all()),
    }
    return render(request, "followup/indicator_detail.html", context)
