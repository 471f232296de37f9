"""The read-only JSON API: periods, units, goals, a goal's neighbourhood and a period's tree.

Every view runs a fixed number of queries whatever the page or tree size:
lists use select_related and one parent-id annotation; a goal's detail fetches
its ancestors, children and linked goals in one query each; the tree is one
query for the depth histogram, one for the nodes and one for what was left out.
"""

import json
from collections.abc import Callable

from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.decorators import api_view, permission_classes, schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from goals import cache as goal_cache
from goals import catalog
from goals.api.serializers import (
    GoalDetailSerializer,
    GoalFilterSerializer,
    GoalSummarySerializer,
    PeriodSerializer,
    TreeFilterSerializer,
    TreeSerializer,
    UnitSerializer,
)
from goals.models import Goal, GoalLink
from goals.paths import parent_path
from vision.models import MandatePeriod, Unit

TREE_MAX_NODES = 2000
# A goal's detail lists this many children at most; children_url pages through all.
DETAIL_CHILDREN_LIMIT = 100
BAD_REQUEST = OpenApiResponse(OpenApiTypes.OBJECT, description="A query parameter was refused; says why.")
NOT_FOUND = OpenApiResponse(OpenApiTypes.OBJECT, description="No such object (or page).")
# Path parameters as the URL converters accept them; anything else never
# reaches the API and gets the site's HTML 404.
SLUG = OpenApiParameter("slug", {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}, OpenApiParameter.PATH)
GOAL_ID = OpenApiParameter(
    "id", {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}, OpenApiParameter.PATH
)


def validated_query(serializer_class, request) -> dict:
    """The query parameters as the schema documents them: a bad one is a 400 that says why,
    a well-formed slug or id naming nothing is a 404 that says which."""
    # A plain dict: DRF reads an empty value in a QueryDict as an absent one (``?status=``).
    params = serializer_class(data=request.query_params.dict())
    if params.is_valid():
        return params.validated_data
    codes = {error.code for field_errors in params.errors.values() for error in field_errors}
    if codes == {"does_not_exist"}:
        raise NotFound(params.errors)
    raise ValidationError(params.errors)


def positive_integer(request, name: str, maximum: int) -> int | None:
    """``?name=`` as a whole number from 1 to ``maximum``, or None when absent; 400 otherwise."""
    if name not in request.query_params:
        return None
    value = request.query_params[name]
    # Bounded before int(): Python refuses to convert more than 4300 digits (a 500).
    if not (value.isascii() and value.isdigit() and len(value) <= 20) or not 1 <= int(value) <= maximum:
        raise ValidationError({name: [_("A whole number from 1 to %(maximum)d.") % {"maximum": maximum}]})
    return int(value)


def cached_json(request, key: tuple, build: Callable[[], dict]) -> HttpResponseBase:
    """``build()``'s data kept in the cache as JSON, under ``key`` (which holds a version).

    A JSON client gets the stored bytes as they are: rendering a page of goals again
    for every request was most of a cached request's time. The browsable API gets the
    data rendered as it asks.
    """
    content = goal_cache.cached(key, lambda: JSONRenderer().render(build()))
    if isinstance(request.accepted_renderer, JSONRenderer):
        return HttpResponse(content, content_type="application/json")
    return Response(json.loads(content))


def children_of(goal: Goal):
    """The goal's children in tree order (child_of_q lets the path index serve the order)."""
    return Goal.objects.child_of(goal).order_by("path")


class GoalPagination(PageNumberPagination):
    """Pages of goals; ``page`` and ``page_size`` refused with a 400 unless whole numbers in range."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    max_page = 10**9

    def get_page_size(self, request):
        return positive_integer(request, self.page_size_query_param, self.max_page_size) or self.page_size

    def get_page_number(self, request, paginator):
        return positive_integer(request, self.page_query_param, self.max_page) or 1

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.page_query_param: self.max_page, self.page_size_query_param: self.max_page_size}
        for parameter in parameters:
            parameter["schema"].update(minimum=1, maximum=bounds[parameter["name"]])
        return parameters


class PeriodList(generics.ListAPIView):
    """All mandate periods, oldest first."""

    queryset = MandatePeriod.objects.order_by("start")
    serializer_class = PeriodSerializer
    pagination_class = None


class PeriodDetail(generics.RetrieveAPIView):
    queryset = MandatePeriod.objects.all()
    serializer_class = PeriodSerializer
    lookup_field = "slug"

    @extend_schema(parameters=[SLUG], responses={200: PeriodSerializer, 404: NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class UnitList(generics.ListAPIView):
    """All units of the municipal group, by name."""

    queryset = Unit.objects.select_related("parent").order_by("name", "slug")
    serializer_class = UnitSerializer
    pagination_class = None


class UnitDetail(generics.RetrieveAPIView):
    queryset = Unit.objects.select_related("parent")
    serializer_class = UnitSerializer
    lookup_field = "slug"

    @extend_schema(parameters=[SLUG], responses={200: UnitSerializer, 404: NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class GoalList(generics.ListAPIView):
    """Goals in tree order, filtered by period (valid in), owner unit, level, status and text."""

    serializer_class = GoalSummarySerializer
    pagination_class = GoalPagination

    def filters(self) -> dict:
        """The query parameters, validated once per request (a 400 that says why for a bad one)."""
        if not hasattr(self, "_filters"):
            self._filters = validated_query(GoalFilterSerializer, self.request)
        return self._filters

    def get_queryset(self):
        filters = self.filters()
        goals = Goal.objects.with_context()
        if "period" in filters:
            goals = goals.valid_in(filters["period"])
        if "unit" in filters:
            goals = goals.owned_by(filters["unit"])
        if "level" in filters:
            goals = goals.at_level(filters["level"])
        if "status" in filters:
            goals = goals.filter(status=filters["status"])
        if "parent" in filters:
            parent = Goal.objects.filter(pk=filters["parent"]).first()
            if parent is None:
                raise NotFound({"parent": [_("No goal has this id.")]})
            goals = goals.child_of(parent)
        if filters.get("q"):
            goals = goals.filter(Q(title__icontains=filters["q"]) | Q(case_number__icontains=filters["q"]))
        return goals.order_by("path").with_parent_values(parent_pk="pk")

    @extend_schema(
        parameters=[GoalFilterSerializer],
        responses={200: GoalSummarySerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        # A period's pages are cached per period version (goals/cache.py), like the tree:
        # serializing 50 goals was most of the time. Without a period, nothing is cached.
        period = self.filters().get("period")
        if period is None:
            return super().get(request, *args, **kwargs)
        key = (
            "api-goals",
            request.build_absolute_uri(),
            get_language(),
            goal_cache.period_version(period.pk),
        )
        return cached_json(request, key, lambda: super(GoalList, self).get(request, *args, **kwargs).data)


class GoalDetail(APIView):
    """A goal with its red thread: ancestors up to the vision, children, links and lineage."""

    @extend_schema(parameters=[GOAL_ID], responses={200: GoalDetailSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        goal = get_object_or_404(Goal.objects.with_context(), pk=pk)
        ancestors = Goal.objects.with_context().ancestors_of_each([goal])[goal.path]
        for above, ancestor in zip([None, *ancestors], ancestors, strict=False):
            ancestor.parent_pk = above.pk if above else None
        goal.parent_pk = ancestors[-1].pk if ancestors else None
        goal.api_ancestors = ancestors
        # Bounded: a committee goal may have tens of thousands of activities (children_url has them all).
        goal.api_children = list(children_of(goal).with_context()[:DETAIL_CHILDREN_LIMIT])
        goal.api_children_limit = DETAIL_CHILDREN_LIMIT
        for child in goal.api_children:
            child.parent_pk = goal.pk
        self._attach_neighbours(goal)
        return Response(GoalDetailSerializer(goal, context={"request": request}).data)

    @staticmethod
    def _attach_neighbours(goal: Goal) -> None:
        links = list(
            GoalLink.objects.filter(Q(source=goal) | Q(target=goal)).values_list("source_id", "target_id")
        )
        targets = [target for source, target in links if source == goal.pk]
        sources = [source for source, target in links if target == goal.pk]
        wanted = Q(pk__in={*targets, *sources}) | Q(predecessor_id=goal.pk)
        if goal.predecessor_id:
            wanted |= Q(pk=goal.predecessor_id)
        neighbours = {
            n.pk: n for n in Goal.objects.with_context().filter(wanted).with_parent_values(parent_pk="pk")
        }
        goal.api_contributes_to = [
            neighbours[pk] for pk in sorted(targets, key=lambda pk: neighbours[pk].path)
        ]
        goal.api_contributed_to_by = [
            neighbours[pk] for pk in sorted(sources, key=lambda pk: neighbours[pk].path)
        ]
        goal.api_predecessor = neighbours.get(goal.predecessor_id)
        goal.api_successor = next((n for n in neighbours.values() if n.predecessor_id == goal.pk), None)


class GoalTree(APIView):
    """The goals valid in a period as a nested tree, bounded in depth and size.

    Whole depth levels are included from the top (the vision, or ``root``) down to
    ``depth`` levels, but never more than TREE_MAX_NODES goals: when the next level
    would pass the bound it is left out, ``truncated`` is true, and each node at
    the last level tells how many children were left out (``children_omitted``),
    to be fetched with ``?root=<its id>``.
    """

    @extend_schema(
        parameters=[TreeFilterSerializer],
        responses={200: TreeSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def get(self, request):
        wanted = validated_query(TreeFilterSerializer, request)
        period = wanted.get("period") or catalog.default_period()
        if period is None:
            raise NotFound({"period": [_("No mandate period has been entered yet.")]})
        # Serializing the nodes was most of this view's time (profiled): the result is
        # cached per period version (goals/cache.py), by full URL, as it holds absolute URLs.
        version = goal_cache.period_version(period.pk)
        key = ("api-tree", request.build_absolute_uri(), get_language(), version)
        return cached_json(request, key, lambda: self._tree(request, period, wanted))

    def _tree(self, request, period: MandatePeriod, wanted: dict) -> dict:
        goals = Goal.objects.valid_in(period)
        root = None
        if "root" in wanted:
            root = get_object_or_404(goals, pk=wanted["root"])
            goals = goals.descendant_of(root, inclusive=True)
        top = root.depth if root else 1
        last = self._last_depth(goals, top, wanted.get("depth"))
        nodes = list(goals.filter(depth__lte=last).with_context().order_by("path"))
        omitted = self._omitted_children(goals, last)
        roots = self._nest(nodes, omitted, top)
        tree = {
            "period": period.slug,
            "root": root.pk if root else None,
            "depth": last,
            "truncated": bool(omitted),
            "max_nodes": TREE_MAX_NODES,
            "count": len(nodes),
            "nodes": roots,
        }
        return TreeSerializer(tree, context={"request": request}).data

    @staticmethod
    def _last_depth(goals, top: int, depth: int | None) -> int:
        per_depth = dict(goals.order_by().values_list("depth").annotate(n=Count("pk")))
        deepest = max(per_depth, default=top)
        wanted = min(deepest, top + depth - 1) if depth else deepest
        total, last = 0, top
        for level_depth in range(top, wanted + 1):
            total += per_depth.get(level_depth, 0)
            if total > TREE_MAX_NODES and level_depth > top:
                break
            last = level_depth
        return last

    @staticmethod
    def _omitted_children(goals, last: int) -> dict[str, int]:
        below = (
            goals.filter(depth=last + 1)
            .order_by()
            .with_parent_path()
            .values_list("parent_path")
            .annotate(n=Count("pk"))
        )
        return dict(below)

    @staticmethod
    def _nest(nodes: list[Goal], omitted: dict[str, int], top: int) -> list[Goal]:
        by_path = {node.path: node for node in nodes}
        tops = []
        outside = {}
        if top > 1:
            # The top nodes' parents lie outside the response; one lookup names them.
            paths = {parent_path(n.path) for n in nodes if n.depth == top}
            outside = dict(Goal.objects.filter(path__in=paths).values_list("path", "pk"))
        for node in nodes:
            node.tree_children = []
            node.children_omitted = omitted.get(node.path, 0)
            parent = by_path.get(parent_path(node.path))
            node.parent_pk = parent.pk if parent else outside.get(parent_path(node.path))
            if node.depth == top:
                tops.append(node)
            elif parent is not None:
                parent.tree_children.append(node)
        return tops


@api_view(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@permission_classes([IsAuthenticated])
@schema(None)
def not_found(request, *args, **kwargs):
    """Every unknown path under /api/: a JSON 404 (401 for anonymous callers), not the site's HTML page."""
    raise NotFound()
