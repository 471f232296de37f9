"""The browsing pages: start page, goal, unit and search."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from goals import cache as goal_cache
from goals import catalog, permissions
from goals import search as goal_search
from goals.history import history_of
from goals.models import Goal, GoalLevel
from goals.pages.listing import PAGE_SIZE, with_chains
from goals.pages.rollup import contributing_units, shows_rollup
from goals.pages.selection import existing_id, query_without_page, selected_period, selected_status
from goals.paths import parent_path
from vision.models import MandatePeriod, Unit
from vision.search_sources import search_other_sources

SEARCH_PAGE_SIZE = 20
ALL_PERIODS = "all"


def home(request):
    period = catalog.default_period()
    context = {
        "period": period,
        # Read only when the cached page body (goals/cache.py) is missing.
        "visions": SimpleLazyObject(lambda: list(Goal.objects.visions().active().order_by("path"))),
        "areas": SimpleLazyObject(lambda: home_areas(period)),
        "home_version": goal_cache.period_version(period.pk if period else None),
        "cache_seconds": goal_cache.cache_seconds(),
        "public_site": settings.PUBLIC_SITE,
    }
    return render(request, "goals/home.html", context)


def home_areas(period: MandatePeriod | None) -> list[tuple[Goal, list[Goal]]]:
    if period is None:
        return []
    area_goals = list(Goal.objects.valid_in(period).active().at_level(GoalLevel.AREA).with_context())
    council = Goal.objects.valid_in(period).active().children_of_any(area_goals).with_context()
    by_parent: dict[str, list[Goal]] = {}
    for goal in council:
        by_parent.setdefault(parent_path(goal.path), []).append(goal)
    return [(area, by_parent.get(area.path, [])) for area in area_goals]


def goal_detail(request, pk):
    head = Goal.objects.filter(pk=existing_id(pk)).lineage()
    if head is None:
        raise Http404
    lazy = SimpleLazyObject  # read only when the cached page body (goals/cache.py) is missing
    goal = lazy(
        lambda: Goal.objects.select_related("owner", "period", "until_period", "predecessor__period").get(
            pk=pk
        )
    )
    children = lazy(
        lambda: Paginator(children_current_first(goal), PAGE_SIZE).get_page(request.GET.get("page"))
    )
    context = {
        "goal": goal,
        "goal_id": pk,
        "goal_title": head["title"],
        "ancestors": lazy(lambda: Goal.objects.ancestors_of_each([goal])[goal.path]),
        "children": children,
        "children_page_number": request.GET.get("page", ""),
        "query": "",
        "rollup": lazy(lambda: contributing_units(goal) if shows_rollup(goal) else None),
        "edit_url": _edit_url(request.user, Goal(pk=pk, owner_id=head["owner_id"])),
        "contributes_to": lazy(lambda: list(Goal.objects.filter(incoming_links__source=goal).with_context())),
        "contributors": lazy(lambda: list(Goal.objects.filter(outgoing_links__target=goal).with_context())),
        "successor": lazy(lambda: Goal.objects.filter(predecessor_id=pk).select_related("period").first()),
        "history": lazy(lambda: history_of(goal)),
        "goal_version": goal_cache.lineage_version(head["spans"], timeless=head["timeless"]),
        "cache_seconds": goal_cache.cache_seconds(),
    }
    return render(request, "goals/detail.html", context)


def children_current_first(goal: Goal):
    """A goal's sub-goals grouped by period: the current period first, then the others newest first.

    A goal of one period has sub-goals of that period only (a child lies within its parent's
    validity), so tree order alone is that order, and the path index serves it page by page
    rather than sorting every sub-goal for each page.
    """
    children = Goal.objects.child_of(goal).with_context()
    if goal.period_id is not None and goal.until_period_id in (None, goal.period_id):
        return children.order_by("path")
    return children.order_by(
        F("period__is_current").desc(nulls_last=True), F("period__start").desc(nulls_last=True), "path"
    )


def _edit_url(user, goal: Goal) -> str:
    """The admin's change form for a goal the user may edit (the admin is for staff only), else ""."""
    if not (user.is_staff and permissions.can_edit_goal(user, goal)):
        return ""
    return reverse("admin:goals_goal_change", args=[goal.pk])


def unit_detail(request, slug):
    """A unit with its goals in a period; all but the page shell comes from the cache, built
    from the unit, its sub-units and one page of its goals."""
    known = catalog.unit_named(slug)
    period = selected_period(request)
    status = selected_status(request)
    unit = SimpleLazyObject(lambda: Unit.objects.select_related("parent").get(slug=slug))
    context = {
        "unit": unit,
        "unit_name": known.name,
        "unit_slug": slug,
        "period": period,
        "status": status,
        "periods": catalog.periods(),
        "subunits": SimpleLazyObject(lambda: list(unit.children.order_by("name"))),
        "page_version": goal_cache.period_version(period.pk if period else None),
        "page_number": request.GET.get("page", ""),
        "query": query_without_page(request),
        "cache_seconds": goal_cache.cache_seconds(),
    }
    if period is not None:

        def goals():
            return (
                Goal.objects.owned_by(unit)
                .valid_in(period)
                .with_status(status)
                .with_context()
                .order_by("path")
            )

        page = SimpleLazyObject(lambda: Paginator(goals(), PAGE_SIZE).get_page(request.GET.get("page")))
        context.update(page=page, listed=SimpleLazyObject(lambda: with_chains(page.object_list)))
    return render(request, "goals/unit.html", context)


def search(request):
    # No database stores a NUL character in text; a pasted one is no word either.
    text = request.GET.get("q", "").replace("\x00", "").strip()
    slug = request.GET.get("period", "")
    level = request.GET.get("level", "")
    if level not in GoalLevel.values:
        level = ""
    # The current period unless the searcher chose another, or every period ("all").
    if slug == ALL_PERIODS:
        period = None
    elif slug:
        period = catalog.catalog().by_slug.get(slug)
    else:
        period = catalog.default_period()
    context = {
        "q": text,
        "period": period,
        "all_periods": ALL_PERIODS,
        "level": level,
        "periods": catalog.periods(),
        "levels": GoalLevel.choices,
        "full_text": goal_search.uses_full_text(),
    }
    if slug and slug != ALL_PERIODS and period is None:
        # A stale bookmark or a mistyped address: say so, and offer the choice, rather than a bare 404.
        context.update(unknown_period=slug, q=text)
        return render(request, "goals/search.html", context, status=404)
    if text:
        found = goal_search.results(
            text, period=period, level=level, page_number=request.GET.get("page"), per_page=SEARCH_PAGE_SIZE
        )
        context.update(
            page=found.page(SEARCH_PAGE_SIZE),
            hits=found.hits,
            units=found.units,
            other_results=search_other_sources(text),
            query=query_without_page(request),
        )
    return render(request, "goals/search.html", context)
