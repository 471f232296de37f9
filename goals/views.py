"""The browsing pages: start page, goal tree, goal, unit and search.

The tree is read level by level, never whole: the first render reads the
upper levels, and each expansion reads one node's children with their counts.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from goals import cache as goal_cache
from goals import search as goal_search
from goals.models import Goal, GoalLevel, GoalStatus
from vision.models import MandatePeriod, Unit

FIRST_RENDER_DEPTH = 3  # vision, goal areas and council goals
OPEN_DEPTH = 2  # the vision and the goal areas start open
MAX_OPEN = 50
PAGE_SIZE = 50
SEARCH_PAGE_SIZE = 20
HISTORY_LENGTH = 20
STATUSES = ("active", "all", "retired")
HIDDEN_HISTORY_FIELDS = {"path", "depth", "numchild", "version", "external_id"}


@dataclass
class Node:
    goal: Goal
    below: int = 0
    is_open: bool = False
    children: list["Node"] = field(default_factory=list)


@dataclass
class Listed:
    goal: Goal
    chain: list[Goal]


def selected_period(request) -> MandatePeriod | None:
    slug = request.GET.get("period")
    if slug:
        return get_object_or_404(MandatePeriod, slug=slug)
    return MandatePeriod.objects.current() or MandatePeriod.objects.order_by("-start").first()


def selected_status(request) -> str:
    status = request.GET.get("status", "active")
    return status if status in STATUSES else "active"


def selected_ids(request, name: str) -> set[int]:
    ids = {int(value) for value in request.GET.getlist(name) if value.isdigit()}
    return set(sorted(ids)[:MAX_OPEN])


def with_chains(goals) -> list[Listed]:
    """Pair each goal with its chain of ancestors, read in one query for all."""
    goals = list(goals)
    ancestors = Goal.objects.ancestors_of_each(goals)
    return [
        Listed(
            goal,
            [
                ancestors[goal.path[:end]]
                for end in range(Goal.steplen, len(goal.path), Goal.steplen)
                if goal.path[:end] in ancestors
            ],
        )
        for goal in goals
    ]


def home(request):
    period = MandatePeriod.objects.current()
    context = {
        "period": period,
        # Read only when the cached page body (goals/cache.py) is missing.
        "visions": SimpleLazyObject(lambda: list(Goal.objects.visions().active().order_by("path"))),
        "areas": SimpleLazyObject(lambda: home_areas(period)),
        "home_version": goal_cache.period_version(period.pk if period else None),
        "cache_seconds": goal_cache.cache_seconds(),
    }
    return render(request, "goals/home.html", context)


def home_areas(period: MandatePeriod | None) -> list[tuple[Goal, list[Goal]]]:
    if period is None:
        return []
    area_goals = list(Goal.objects.valid_in(period).active().at_level(GoalLevel.AREA).with_context())
    council = Goal.objects.valid_in(period).active().children_of_any(area_goals).with_context()
    by_parent: dict[str, list[Goal]] = {}
    for goal in council:
        by_parent.setdefault(goal.path[: -Goal.steplen], []).append(goal)
    return [(area, by_parent.get(area.path, [])) for area in area_goals]


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
            for end in range(Goal.steplen, len(target.path) + 1, Goal.steplen):
                open_paths.add(target.path[:end])
        parents = [
            Goal(path=path, depth=len(path) // Goal.steplen)
            for path in open_paths
            if len(path) >= FIRST_RENDER_DEPTH * Goal.steplen
        ]
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
        parent = nodes.get(path[: -Goal.steplen])
        if parent is None:
            roots.append(node)
            continue
        parent.children.append(node)
        if goal.depth <= FIRST_RENDER_DEPTH:
            parent.below += 1 + node.below
    roots.reverse()
    return [root for root in roots if root.goal.depth == 1]


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
    periods = (
        MandatePeriod.objects.filter(slug=slug) if slug else MandatePeriod.objects.filter(is_current=True)
    )
    period = periods.annotate(goal_path=Subquery(Goal.objects.filter(pk=pk).values("path")[:1])).first()
    if period is None or period.goal_path is None:
        raise Http404
    if not request.headers.get("HX-Request"):
        query = urlencode({"period": period.slug, "status": status, "open": pk})
        return redirect(f"{reverse('goal-tree')}?{query}#g{pk}")
    parent = Goal(pk=pk, path=period.goal_path, depth=len(period.goal_path) // Goal.steplen)
    in_period = Goal.objects.valid_in(period).with_status(status)
    children = list(in_period.children_of_any([parent]).with_context())
    counts = in_period.count_below_children_of([parent]) if children else {}
    nodes = [Node(goal, below=counts.get(goal.path, 0)) for goal in children]
    return render(request, "goals/_nodes.html", {"rows": tree_rows(nodes)})


def goal_detail(request, pk):
    goal = get_object_or_404(
        Goal.objects.select_related(
            "owner", "period", "until_period", "predecessor__period", "successor__period"
        ),
        pk=pk,
    )
    lazy = SimpleLazyObject  # read only when the cached page body (goals/cache.py) is missing
    context = {
        "goal": goal,
        "ancestors": lazy(lambda: list(Goal.objects.ancestor_of(goal))),
        "children": lazy(lambda: list(Goal.objects.child_of(goal).with_context())),
        "contributes_to": lazy(lambda: list(Goal.objects.filter(incoming_links__source=goal).with_context())),
        "contributors": lazy(lambda: list(Goal.objects.filter(outgoing_links__target=goal).with_context())),
        "successor": getattr(goal, "successor", None),
        "history": lazy(lambda: history_of(goal)),
        "goal_version": goal_cache.goal_version(goal),
        "cache_seconds": goal_cache.cache_seconds(),
    }
    return render(request, "goals/detail.html", context)


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    record: object
    kind: str
    changes: list[Change]


def history_of(goal: Goal) -> list[HistoryEntry]:
    """The latest changes, newest first, each with what changed from the record before."""
    records = list(
        goal.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : HISTORY_LENGTH + 1
        ]
    )
    units, periods = set(), set()
    pairs = []
    # A goal bulk-inserted (generate_goals, import) may have no history record at all.
    for newer, older in zip(records, (records[1:] + [None]) if records else [], strict=True):
        changes = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            for change in delta.changes:
                if change.field in HIDDEN_HISTORY_FIELDS:
                    continue
                changes.append(change)
                if change.field == "owner":
                    units.update({change.old, change.new})
                if change.field in {"period", "until_period"}:
                    periods.update({change.old, change.new})
            if any(change.field == "path" for change in delta.changes):
                changes.append(Change("path", None, None))
        pairs.append((newer, changes))
    unit_names = dict(Unit.objects.filter(pk__in=units - {None}).values_list("pk", "name")) if units else {}
    period_names = (
        dict(MandatePeriod.objects.filter(pk__in=periods - {None}).values_list("pk", "name"))
        if periods
        else {}
    )
    entries = []
    for record, changes in pairs[:HISTORY_LENGTH]:
        shown = []
        for change in changes:
            names = unit_names if change.field == "owner" else period_names
            old, new = change.old, change.new
            if change.field in {"owner", "period", "until_period"}:
                old, new = names.get(old, old), names.get(new, new)
            shown.append(
                Change(
                    field_label(change.field),
                    display_value(change.field, old),
                    display_value(change.field, new),
                )
            )
        entries.append(HistoryEntry(record, record.history_type, shown))
    return entries


def field_label(name: str) -> str:
    if name == "path":
        return _("place in the tree")
    return Goal._meta.get_field(name).verbose_name


def display_value(name: str, value):
    if name == "status" and value in GoalStatus.values:
        return GoalStatus(value).label
    if name == "level" and value in GoalLevel.values:
        return GoalLevel(value).label
    return value


def unit_detail(request, slug):
    unit = get_object_or_404(Unit.objects.select_related("parent"), slug=slug)
    period = selected_period(request)
    status = selected_status(request)
    context = {
        "unit": unit,
        "period": period,
        "status": status,
        "periods": MandatePeriod.objects.all(),
        "subunits": list(unit.children.order_by("name")),
    }
    if period is not None:
        goals = (
            Goal.objects.owned_by(unit).valid_in(period).with_status(status).with_context().order_by("path")
        )
        # Read only when the cached list (goals/cache.py) is missing.
        page = SimpleLazyObject(lambda: Paginator(goals, PAGE_SIZE).get_page(request.GET.get("page")))
        context.update(
            page=page,
            listed=SimpleLazyObject(lambda: with_chains(page.object_list)),
            query=query_without_page(request),
            page_number=request.GET.get("page", ""),
            list_version=goal_cache.period_version(period.pk),
            cache_seconds=goal_cache.cache_seconds(),
        )
    return render(request, "goals/unit.html", context)


def search(request):
    text = request.GET.get("q", "").strip()
    period_slug = request.GET.get("period", "")
    period = MandatePeriod.objects.filter(slug=period_slug).first() if period_slug else None
    level = request.GET.get("level", "")
    if level not in GoalLevel.values:
        level = ""
    context = {
        "q": text,
        "period": period,
        "level": level,
        "periods": MandatePeriod.objects.all(),
        "levels": GoalLevel.choices,
        "full_text": goal_search.uses_full_text(),
    }
    if text:
        goals = goal_search.with_headlines(goal_search.goals_matching(text, period=period, level=level), text)
        # count() leaves the headlines out; only the page's rows get them.
        page = Paginator(goals, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            page=page,
            hits=goal_search.hits(page.object_list, text),
            units=list(goal_search.units_matching(text)[:10]),
            query=query_without_page(request),
        )
    return render(request, "goals/search.html", context)


def accessibility(request):
    """The accessibility statement (tillgänglighetsredogörelse) that DOS-lagen requires."""
    contact = getattr(settings, "ACCESSIBILITY_CONTACT_EMAIL", "")
    return render(request, "vision/accessibility.html", {"contact": contact})


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
