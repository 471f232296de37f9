"""JSON shapes of the read-only API (DESIGN.md "Public contract").

Serializers only read attributes the views have already fetched (select_related,
annotations, prefetched lists), so no field issues a query of its own.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from goals import catalog
from goals.models import Goal, GoalLevel, GoalStatus
from vision.models import MandatePeriod, Unit


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = MandatePeriod
        fields = ["slug", "name", "start", "end", "is_current"]


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ["slug", "name", "kind", "parent"]


class GoalSummarySerializer(serializers.ModelSerializer):
    """A goal as it appears in lists, trees and the neighbours of a goal."""

    # parent_pk is set by the view: an annotation (GoalQuerySet.with_parent_values)
    # or a value it knows from the tree it walked.
    parent = serializers.IntegerField(
        source="parent_pk",
        read_only=True,
        allow_null=True,
        help_text="The tree parent's id; null for a vision.",
    )
    period = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    until_period = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    unit = serializers.SlugRelatedField(
        source="owner", slug_field="slug", read_only=True, allow_null=True, help_text="The owner unit's slug."
    )
    level = serializers.ChoiceField(choices=GoalLevel.choices, read_only=True)
    status = serializers.ChoiceField(choices=GoalStatus.choices, read_only=True)
    url = serializers.SerializerMethodField(help_text="The goal's page in the intranet.")

    class Meta:
        model = Goal
        fields = [
            "id",
            "external_id",
            "title",
            "level",
            "status",
            "depth",
            "parent",
            "period",
            "until_period",
            "unit",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, goal) -> str:
        path = reverse("goals:goal-detail", kwargs={"pk": goal.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class GoalDetailSerializer(GoalSummarySerializer):
    """A goal with its decision, its red thread up to the vision, its children, links and lineage."""

    ancestors = GoalSummarySerializer(
        source="api_ancestors", many=True, read_only=True, help_text="From the vision down to the parent."
    )
    children = GoalSummarySerializer(
        source="api_children",
        many=True,
        read_only=True,
        help_text="The first children in tree order, at most children_limit of them; all of them at children_url.",
    )
    children_count = serializers.IntegerField(source="numchild", read_only=True, help_text="All children.")
    children_limit = serializers.IntegerField(source="api_children_limit", read_only=True)
    children_url = serializers.SerializerMethodField(
        help_text="Every child, page by page (goals/?parent=<id>)."
    )
    contributes_to = GoalSummarySerializer(
        source="api_contributes_to",
        many=True,
        read_only=True,
        help_text="Further goals this goal contributes to besides its parent.",
    )
    contributed_to_by = GoalSummarySerializer(
        source="api_contributed_to_by",
        many=True,
        read_only=True,
        help_text="Goals that contribute to this one besides their parent.",
    )
    predecessor = GoalSummarySerializer(source="api_predecessor", read_only=True, allow_null=True)
    successor = GoalSummarySerializer(source="api_successor", read_only=True, allow_null=True)

    class Meta(GoalSummarySerializer.Meta):
        fields = GoalSummarySerializer.Meta.fields + [
            "description",
            "decided_by",
            "decided_on",
            "case_number",
            "needs_relinking",
            "ancestors",
            "children",
            "children_count",
            "children_limit",
            "children_url",
            "contributes_to",
            "contributed_to_by",
            "predecessor",
            "successor",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_children_url(self, goal) -> str:
        path = f"{reverse('api-goal-list')}?parent={goal.pk}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class TreeNodeSerializer(GoalSummarySerializer):
    """A goal in the nested tree of a period, with its children."""

    children_omitted = serializers.IntegerField(
        read_only=True,
        help_text="Children valid in the period that were left out below the depth bound; "
        "fetch them with ?root=<this id>.",
    )

    class Meta(GoalSummarySerializer.Meta):
        fields = GoalSummarySerializer.Meta.fields + ["children_omitted", "children"]


# A node's children are nodes: declared after the class so it can refer to
# itself (drf-spectacular renders it as one recursive component).
TreeNodeSerializer._declared_fields["children"] = TreeNodeSerializer(
    many=True, read_only=True, source="tree_children"
)


class TreeSerializer(serializers.Serializer):
    """The goals valid in one period, nested from the top down, bounded in depth and size."""

    period = serializers.SlugField(read_only=True)
    root = serializers.IntegerField(read_only=True, allow_null=True)
    depth = serializers.IntegerField(
        read_only=True, help_text="The deepest tree depth included (the vision is depth 1)."
    )
    truncated = serializers.BooleanField(
        read_only=True, help_text="True when deeper goals were left out to stay within max_nodes."
    )
    max_nodes = serializers.IntegerField(read_only=True)
    count = serializers.IntegerField(read_only=True, help_text="Nodes in this response.")
    nodes = TreeNodeSerializer(many=True, read_only=True)


@extend_schema_field({"type": "string", "minLength": 1, "maxLength": 50, "pattern": "^[-a-zA-Z0-9_]+$"})
class SlugParameter(serializers.SlugRelatedField):
    """A slug naming an object: documented as the slugs that can exist, so an empty or
    malformed one is a schema violation (400) and a well-formed unknown one a 404."""


class PeriodParameter(SlugParameter):
    """A period's slug, read from goals/catalog.py rather than the database."""

    def to_internal_value(self, data):
        period = catalog.catalog().by_slug.get(data) if isinstance(data, str) else None
        # An unknown or malformed slug: the database lookup gives the field's own error.
        return period or super().to_internal_value(data)


def period_parameter() -> serializers.SlugRelatedField:
    """``?period=SLUG``: an unknown slug is a 404 that says so."""
    return PeriodParameter(slug_field="slug", queryset=MandatePeriod.objects.all(), required=False)


class GoalFilterSerializer(serializers.Serializer):
    """The query parameters of goals/, validated so a bad one is a 400 that says why."""

    period = period_parameter()
    unit = SlugParameter(slug_field="slug", queryset=Unit.objects.all(), required=False)
    level = serializers.ChoiceField(choices=GoalLevel.choices, required=False)
    status = serializers.ChoiceField(choices=GoalStatus.choices, required=False)
    q = serializers.CharField(required=False, max_length=200)
    parent = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Only the children of this goal."
    )


class TreeFilterSerializer(serializers.Serializer):
    """The query parameters of tree/; without a period, the one shown by default (the current one, else the latest)."""

    period = period_parameter()
    root = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    depth = serializers.IntegerField(required=False, min_value=1, max_value=50)
