"""The goal tree page and its expand fragment.

The tree is read level by level, never whole: the first render reads the
upper levels, and each expansion reads one node's children with their counts.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import F, Q, Window
from django.db.models.functions import Length, RowNumber, Substr
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from goals import cache as goal_cache
from goals import catalog
from goals.models import Goal, GoalLevel
from goals.pages.listing import PAGE_SIZE, with_chains
from goals.pages.selection import (
    existing_id,
    query_without_page,
    selected_ids,
    selected_period,
    selected_status,
)
from goals.paths import ancestor_paths, parent_path
from vision.models import MandatePeriod

CHILDREN_SHOWN = PAGE_SIZE  # per parent; the goal's own page lists the rest, page by page
FIRST_RENDER_DEPTH = 3  # vision, goal areas and council goals
OPEN_DEPTH = 2  # the vision and the goal areas start open


@dataclass
class Node:
    goal: Goal
    below: int = 0
    is_open: bool = False
    more: bool = False  # more children than the tree shows
    children: list["Node"] = field(default_factory=list)


def goal_tree(request):
    period = selected_period(request)
    status = selected_status(request)
    unit_slug = request.GET.get("unit", "")
    if unit_slug and not catalog.is_unit(unit_slug):
        unit_slug = "-"  # no unit has it: lists nothing, and keeps made-up names out of the cache keys
    level = request.GET.get("level", "")
    if level and level not in GoalLevel.values:
        level = ""
    context = {
        "period": period,
        "periods": catalog.periods(),
        "units": catalog.units(),
        "levels": GoalLevel.choices,
        "status": status,
        "unit_slug": unit_slug,
        "level": level,
        "is_list": bool(unit_slug or level or status == "retired"),
        "catalog_version": catalog.catalog().version,
        "cache_seconds": goal_cache.cache_seconds(),
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
        rows=SimpleLazyObject(
            lambda: tree_rows(
                tree_nodes(Goal.objects.valid_in(period).with_status(status), opened - closed, closed)
            )
        ),
        tree_version=goal_cache.period_version(period.pk),
        opened=sorted(opened - closed),
        closed=sorted(closed),
        children_query=urlencode({"period": period.slug, "status": status}),
    )
    return render(request, "goals/tree.html", context)


def tree_nodes(in_period, opened: set[int], closed: set[int]) -> list[Node]:
    """The upper levels, plus the branches down to explicitly opened goals.

    ``in_period`` holds the goals of one period the tree is made of (the public site
    passes its public ones). Each parent shows its first CHILDREN_SHOWN children (a
    goal with thousands of sub-goals links to its own page for the rest), and how many
    goals lie below is counted only for the goals shown.
    """
    upper = list(first_children_of_each(in_period.filter(depth__lte=FIRST_RENDER_DEPTH)).with_context())
    nodes = {goal.path: Node(goal) for goal in upper}
    open_paths: set[str] = set()
    if opened:
        for target in in_period.filter(pk__in=opened).only("path", "depth"):
            open_paths.update(ancestor_paths(target.path, inclusive=True))
        parents = [_stand_in(path) for path in open_paths if len(path) >= FIRST_RENDER_DEPTH * Goal.steplen]
        if parents:
            deep = first_children_of_each(in_period.children_of_any(parents)).with_context()
            nodes.update((goal.path, Node(goal)) for goal in deep)
    overflowing = {parent_path(path) for path, node in nodes.items() if node.goal.place > CHILDREN_SHOWN}
    shown = {path: node for path, node in nodes.items() if node.goal.place <= CHILDREN_SHOWN}
    counts = counts_below(in_period, [node.goal for node in shown.values()])
    roots = []
    for path in sorted(shown, reverse=True):
        node = shown[path]
        goal = node.goal
        node.below = counts.get(path, 0)
        node.more = path in overflowing
        node.is_open = goal.pk not in closed and (goal.depth <= OPEN_DEPTH or path in open_paths)
        node.children.reverse()
        parent = shown.get(parent_path(path))
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
    roots.reverse()
    return [root for root in roots if root.goal.depth == 1]


def first_children_of_each(goals):
    """Of these goals, the first CHILDREN_SHOWN + 1 under each parent, each with its ``place`` there.

    One window over each parent's children: the database numbers them, the page
    reads only as many as it shows (plus one, to know that more exist).
    """
    siblings = Window(RowNumber(), partition_by=[parent_path_of("path")], order_by=F("path").asc())
    return goals.annotate(place=siblings).filter(place__lte=CHILDREN_SHOWN + 1)


def parent_path_of(field: str):
    return Substr(field, 1, Length(field) - Goal.steplen)


def counts_below(in_period, goals: list[Goal]) -> dict[str, int]:
    """How many of ``in_period``'s goals lie below each of ``goals``, keyed by path, in one query.

    One grouped count per depth among the goals, joined by UNION ALL; each reads
    only the branches of the goals asked about.
    """
    by_depth: dict[int, list[Goal]] = {}
    # A goal without children in any period has nothing below it: fifty leaves under a wide
    # parent cost a scan of the parent's whole branch when asked about all the same.
    for goal in goals:
        if goal.numchild:
            by_depth.setdefault(goal.depth, []).append(goal)
    grouped = []
    for depth, group in sorted(by_depth.items()):
        within = Q(pk__in=[])
        for goal in group:
            within |= in_period.subtree_q(goal.path)
        grouped.append(in_period.filter(within, depth__gt=depth).prefix_counts(depth * Goal.steplen))
    if not grouped:
        return {}
    rows = grouped[0].union(*grouped[1:], all=True) if len(grouped) > 1 else grouped[0]
    return {row["prefix"]: row["n"] for row in rows}


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


def tree_rows(roots: list[Node], more_link: Callable[[Goal], str] | None = None) -> list[Row]:
    """Flatten the open part of the tree, so the template renders it in one loop, not by recursion.

    ``more_link(parent)`` is the list item leading to the children a parent has beyond
    those shown (by default on the intranet's goal page).
    """
    more_link = more_link or more_item
    rows: list[Row] = []

    def walk(node: Node) -> None:
        nests = node.is_open and bool(node.children)
        rows.append(Row(node, nests, below_label=below_label(node.below)))
        if nests:
            for child in node.children:
                walk(child)
            if node.more:
                rows[-1].closing += more_link(node.goal)
            rows[-1].closing += "</ul></li>"

    for root in roots:
        walk(root)
    for row in rows:
        row.closing = mark_safe(row.closing)
    return rows


def more_item(parent: Goal, url: str = "") -> str:
    """The list item leading to the rest of ``parent``'s children, on the goal's own page (``url``;
    the intranet's by default)."""
    url = url or reverse("goals:goal-detail", args=[parent.pk]) + "?page=2#children-h"
    label = _("More sub-goals of “%(goal)s” on its own page") % {"goal": parent.title}
    return format_html('<li class="node more"><a href="{}">{}</a></li>', url, label)


def below_label(count: int) -> str:
    if not count:
        return ""
    return ngettext("%(n)s goal below", "%(n)s goals below", count) % {"n": count}


@require_GET
def goal_children(request, pk):
    """The children of one goal, for htmx to put in place; a plain request gets the tree page.

    Kept in the cache under the period's version, so a node once opened opens again
    without a query. Built, it reads the goal, its first children (a link leads to
    the rest) and how many goals sit below each of them.
    """
    status = selected_status(request)
    slug = request.GET.get("period")
    period = catalog.period_named(slug) if slug else catalog.default_period()
    pk = existing_id(pk)
    if period is None:
        raise Http404
    if not request.headers.get("HX-Request"):
        if not Goal.objects.filter(pk=pk).exists():
            raise Http404
        query = urlencode({"period": period.slug, "status": status, "open": pk})
        return redirect(f"{reverse('goals:goal-tree')}?{query}#g{pk}")
    version = goal_cache.period_version(period.pk)
    html = goal_cache.cached(
        ("goal-children", pk, period.pk, status, version, get_language()),
        lambda: children_html(request, pk, period, status),
    )
    return HttpResponse(html)


def children_html(request, pk: int, period: MandatePeriod, status: str) -> str:
    try:
        parent = Goal.objects.only("path", "depth", "title").get(pk=pk)
    except Goal.DoesNotExist:
        raise Http404 from None
    rows = children_rows(Goal.objects.valid_in(period).with_status(status), parent)
    return render_to_string("goals/_nodes.html", {"rows": rows}, request=request)


def children_rows(in_period, parent: Goal, more_link: Callable[[Goal], str] | None = None) -> list[Row]:
    """``parent``'s first children among ``in_period``, with how many goals sit below each, and
    ``more_link(parent)`` after them when it has more: two queries however many it has."""
    children = list(in_period.children_of_any([parent]).with_context()[: CHILDREN_SHOWN + 1])
    shown = children[:CHILDREN_SHOWN]
    counts = counts_below(in_period, shown)
    rows = tree_rows([Node(goal, below=counts.get(goal.path, 0)) for goal in shown])
    if len(children) > CHILDREN_SHOWN:
        rows[-1].closing = mark_safe(rows[-1].closing + (more_link or more_item)(parent))
    return rows
