"""The public pages: start, goal tree (with search and its expand fragment), goal, open data.

Each view names the version its content depends on and hands the building to
goals.public.http.cached_response, which answers from the cache when it can.
"""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from goals import search as goal_search
from goals.pages.selection import selected_ids, selected_status
from goals.public import followup, reads, versions
from goals.public.http import cached_response, page_query, public_view

SEARCH_PAGE_SIZE = 20
TREE_PARAMS = ("period", "status", "open", "close", "q", "page")


def lang_query(request) -> str:
    """The query that keeps a link in the page's language."""
    return "?lang=en" if request.LANGUAGE_CODE == "en" else ""


def page_context(request, **context) -> dict:
    """What every public template needs: the language, its switch and the query that keeps it."""
    english = request.LANGUAGE_CODE == "en"
    return {
        "lang_query": lang_query(request),
        "lang_param": "&lang=en" if english else "",
        # Goal texts are Swedish whatever the page's language: marked so for screen readers.
        "sv_text": mark_safe(' lang="sv"') if english else "",
        "switch_url": request.path + _question(page_query(request, lang="sv" if english else "en")),
        "switch_language": "sv" if english else "en",
        **context,
    }


def _question(query: str) -> str:
    return f"?{query}" if query else ""


@public_view()
def home(request):
    period = versions.period_named(None)

    def build():
        return render(
            request,
            "public/home.html",
            page_context(
                request, period=period, visions=reads.home_visions(), areas=reads.home_areas(period)
            ),
        )

    return cached_response(request, versions.of_period(period), build)


@public_view(params=TREE_PARAMS)
def goal_tree(request):
    period = versions.period_named(request.GET.get("period"))

    def build():
        status = selected_status(request)
        text = request.GET.get("q", "").strip()
        context = page_context(request, period=period, periods=versions.periods(), status=status, q=text)
        if period is not None and text:
            goals = goal_search.with_headlines(goal_search.goals_matching(text, period=period).public(), text)
            # count() leaves the headlines out; only the page's rows get them.
            page = Paginator(goals, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
            context.update(
                page=page,
                hits=goal_search.hits(page.object_list, text),
                page_query=page_query(request, page=None),
            )
        elif period is not None:
            opened, closed = selected_ids(request, "open"), selected_ids(request, "close")
            context.update(
                rows=reads.tree_rows(period, status, opened - closed, closed, lang_query(request)),
                opened=sorted(opened - closed),
                closed=sorted(closed),
                children_query=page_query(
                    request, open=None, close=None, q=None, page=None, period=period.slug
                ),
            )
        return render(request, "public/tree.html", context)

    return cached_response(request, versions.of_period(period), build)


@public_view(params=("period", "status"))
def goal_children(request, pk):
    """The public children of one goal, for htmx to put in place; a plain request gets the tree opened there."""
    period = versions.period_named(request.GET.get("period"))
    if period is None or not request.headers.get("HX-Request"):
        query = page_query(request, open=pk)
        return redirect(f"{reverse('public:goal-tree')}?{query}#g{pk}")

    def build():
        rows = reads.child_rows(period, selected_status(request), pk, lang_query(request))
        return render(request, "public/_nodes.html", page_context(request, rows=rows))

    # The fragment and the redirect share a URL: caches must tell them apart.
    return cached_response(request, versions.of_period(period) + ":fragment", build, vary=("HX-Request",))


@public_view()
def goal_detail(request, pk):
    def build():
        goal = reads.public_goal(pk)
        return render(
            request,
            "public/goal.html",
            page_context(
                request,
                page=reads.goal_page(goal),
                indicators_shown=followup.indicators_available(),
                indicators=followup.indicators(reads.public_goals().filter(pk=goal.pk)),
                rounds_shown=followup.rounds_available(),
                rounds=followup.published_rounds(reads.public_goals().filter(pk=goal.pk)),
            ),
        )

    return cached_response(request, versions.of_all_periods(), build)


@public_view()
def data(request):
    def build():
        return render(
            request,
            "public/data.html",
            page_context(
                request,
                periods=versions.periods(),
                current=versions.period_named(None),
                catalog_url=reverse("public:catalog"),
            ),
        )

    return cached_response(request, versions.of_all_periods(), build)
