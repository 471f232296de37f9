"""The goal tree page and its expand fragment.

The tree is read level by level, never whole: the first render reads the
upper levels, and each expansion reads one node's children with their counts.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from goals import cache as goal_cache
from goals.models import Goal, GoalLevel
from goals.pages.listing import PAGE_SIZE, with_chains
from goals.pages.selection import query_without_page, selected_ids, selected_period, selected_status
from goals.paths import ancestor_paths, parent_path
from vision.models import MandatePeriod, Unit

FIRST_RENDER_DEPTH = 3  # vision, goal areas and council goals
OPEN_DEPTH = 2  # the vision and the goal areas start open


@dataclass
class Node:
    goal: Goal
    below: int = 0
    is_open: bool = False
    children: list["Node"] = field(default_factory=list)


def goal_tree(request):
    period = selected_period(request)
    status = selected_status(request)
    unit_slug = request.GET.get("unit", "")
    level = request.GET.get("level", "")
    if level and level not in GoalLevel.values:
        level = ""
    context = {
        "period": period,
        "periods": MandatePeriod.objects.all(),
        "units": Unit.objects.only("slug", "name").order_by("name"),
        "levels": GoalLevel.choices,
        "status": status,
        "unit_slug": unit_slug,
        "level": level,
        "is_list": bool(unit_slug or level or status == "retired"),
    }
    if period is None:
        return render(request, "goals/tree.html", context)
    if context["is_list"]:
        goals = Goal.objects.valid_in(period).with_status(status).with_context().order_by("path")
        if unit_slug:
            goals = goals.filter(owner__slug=unit_slug)
        if level:
            goals = goals.at_level(level)
        page = Paginator(goals, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page=page, listed=with_chains(page.object_list), query=query_without_page(request))
        return render(request, "goals/tree.html", context)
    opened, closed = selected_ids(request, "open"), selected_ids(request, "close")
    context.update(
        # Read only when the cached fragment (goals/cache.py) is missing.
        rows=SimpleLazyObject(lambda: tree_rows(tree_nodes(period, status, opened - closed, closed))),
        tree_version=goal_cache.period_version(period.pk),
        cache_seconds=goal_cache.cache_seconds(),
        opened=sorted(opened - closed),
        closed=sorted(closed),
        children_query=urlencode({"period": period.slug, "status": status}),
    )
    return render(request, "goals/tree.html", context)


def tree_nodes(period: MandatePeriod, status: str, opened: set[int], closed: set[int]) -> list[Node]:
    """The upper levels, plus the branches down to explicitly opened goals."""
    in_period = Goal.objects.valid_in(period).with_status(status)
    upper = list(in_period.filter(depth__lte=FIRST_RENDER_DEPTH).with_context())
    deep_counts = in_period.filter(depth__gt=FIRST_RENDER_DEPTH).count_by_prefix(
        FIRST_RENDER_DEPTH * Goal.steplen
    )
    nodes = {goal.path: Node(goal, below=deep_counts.get(goal.path, 0)) for goal in upper}
    open_paths: set[str] = set()
    if opened:
        for target in in_period.filter(pk__in=opened).only("path", "depth"):
            open_paths.update(ancestor_paths(target.path, inclusive=True))
        parents = [_stand_in(path) for path in open_paths if len(path) >= FIRST_RENDER_DEPTH * Goal.steplen]
        if parents:
            counts = in_period.count_below_children_of(parents)
            deep = in_period.children_of_any(parents).with_context()
            nodes.update((goal.path, Node(goal, below=counts.get(goal.path, 0))) for goal in deep)
    roots = []
    for path in sorted(nodes, reverse=True):
        node = nodes[path]
        goal = node.goal
        node.is_open = goal.pk not in closed and (goal.depth <= OPEN_DEPTH or path in open_paths)
        node.children.reverse()
        parent = nodes.get(parent_path(path))
        if parent is None:
            roots.append(node)
            continue
        parent.children.append(node)
        if goal.depth <= FIRST_RENDER_DEPTH:
            parent.below += 1 + node.below
    roots.reverse()
    return [root for root in roots if root.goal.depth == 1]


def _stand_in(path: str, pk: int | None = None) -> Goal:
    """A goal known only by its place in the tree, enough to read what lies below it."""
    return Goal(pk=pk, path=path, depth=len(path) // Goal.steplen)


@dataclass
class Row:
    """One goal of the rendered tree, in document order, with the lists it closes."""

    node: Node
    nests: bool
    closing: str = ""
    below_label: str = ""


def tree_rows(roots: list[Node]) -> list[Row]:
    """Flatten the open part of the tree, so the template renders it in one loop, not by recursion."""
    rows: list[Row] = []

    def walk(node: Node) -> None:
        nests = node.is_open and bool(node.children)
        rows.append(Row(node, nests, below_label=below_label(node.below)))
        if nests:
            for child in node.children:
                walk(child)
            rows[-1].closing += "</ul></li>"

    for root in roots:
        walk(root)
    for row in rows:
        row.closing = mark_safe(row.closing)
    return rows


def below_label(count: int) -> str:
    if not count:
        return ""
    return ngettext("%(n)s goal below", "%(n)s goals below", count) % {"n": count}


@require_GET
def goal_children(request, pk):
    """The children of one goal, for htmx to put in place; a plain request gets the tree page.

    Three queries: the period together with the goal's path, the children,
    and how many goals sit below each child.
    """
    status = selected_status(request)
    slug = request.GET.get("period")
    # selected_period's choice, read together with the goal's path in one query.
    periods = MandatePeriod.objects.filter(slug=slug) if slug else MandatePeriod.objects.current_first()
    period = periods.annotate(goal_path=Subquery(Goal.objects.filter(pk=pk).values("path")[:1])).first()
    if period is None or period.goal_path is None:
        raise Http404
    if not request.headers.get("HX-Request"):
        query = urlencode({"period": period.slug, "status": status, "open": pk})
        return redirect(f"{reverse('goals:goal-tree')}?{query}#g{pk}")
    parent = _stand_in(period.goal_path, pk=pk)
    in_period = Goal.objects.valid_in(period).with_status(status)
    children = list(in_period.children_of_any([parent]).with_context())
    counts = in_period.count_below_children_of([parent]) if children else {}
    nodes = [Node(goal, below=counts.get(goal.path, 0)) for goal in children]
    return render(request, "goals/_nodes.html", {"rows": tree_rows(nodes)})
