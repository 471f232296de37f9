"""The follow-up rounds API: the rounds, a round's assessments, and PUT of one goal's assessment.

The write goes through goals.followup.services.assessment_save with the caller as the acting
user: the same rights (administrators, editors of the goal's unit), the same states (only an
open round) and the same conflict rule (a stale ``version`` is refused, 409, with what changed).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from goals.followup.models import Assessment, AssessmentStatus, FollowUpRound, RoundKind, RoundState
from goals.followup.rollup import round_goals
from goals.followup.services import AssessmentConflict, assessment_save
from goals.followup.services.assessments import may_assess
from vision.actors import NotAllowed

ID = {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}
ROUND_ID = OpenApiParameter("id", ID, OpenApiParameter.PATH)
GOAL_ID = OpenApiParameter("goal_id", ID, OpenApiParameter.PATH)
NOT_FOUND = OpenApiResponse(OpenApiTypes.OBJECT, description="No such round or goal in the round.")


class RoundSerializer(serializers.ModelSerializer):
    period = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kind = serializers.ChoiceField(choices=RoundKind.choices, read_only=True)
    state = serializers.ChoiceField(choices=RoundState.choices, read_only=True)
    snapshot_url = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpRound
        fields = ["id", "period", "year", "kind", "opens", "due", "state", "published_at", "snapshot_url"]

    def get_snapshot_url(self, round_) -> str | None:
        """The frozen record of a published round, as JSON; null before publishing."""
        if not round_.is_published:
            return None
        url = reverse("followup:round-snapshot", kwargs={"pk": round_.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class AssessmentSerializer(serializers.ModelSerializer):
    goal = serializers.PrimaryKeyRelatedField(read_only=True)
    status = serializers.ChoiceField(choices=AssessmentStatus.choices, read_only=True)
    author = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = ["goal", "status", "analysis", "next_steps", "weight", "version", "author", "updated_at"]

    def get_author(self, assessment) -> str | None:
        return assessment.author.get_username() if assessment.author else None


class AssessmentInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AssessmentStatus.choices)
    analysis = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    next_steps = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    version = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, help_text="The version you read; 0 for none yet."
    )


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    changed = serializers.ListField(child=serializers.CharField())
    current = AssessmentSerializer()


class Pagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class RoundList(generics.ListAPIView):
    """The follow-up rounds, latest first."""

    serializer_class = RoundSerializer
    pagination_class = None
    queryset = FollowUpRound.objects.select_related("period").defer("snapshot")


class AssessmentList(generics.ListAPIView):
    """A round's assessments, in tree order of their goals."""

    serializer_class = AssessmentSerializer
    pagination_class = Pagination

    def get_queryset(self):
        round_ = get_object_or_404(FollowUpRound.objects.defer("snapshot"), pk=self.kwargs["pk"])
        return Assessment.objects.filter(round=round_).select_related("author").order_by("goal__path")

    @extend_schema(parameters=[ROUND_ID], responses={200: AssessmentSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AssessmentPut(APIView):
    """Save one goal's assessment in an open round (administrators and editors of the goal's unit)."""

    @extend_schema(
        parameters=[ROUND_ID, GOAL_ID],
        request=AssessmentInputSerializer,
        responses={
            200: AssessmentSerializer,
            201: AssessmentSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="A field was refused, or the round is not open."
            ),
            403: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Only administrators and editors of the goal's unit."
            ),
            404: NOT_FOUND,
            409: ConflictSerializer,
        },
    )
    def put(self, request, pk: int, goal_id: int):
        round_ = get_object_or_404(FollowUpRound.objects.select_related("period").defer("snapshot"), pk=pk)
        goal = get_object_or_404(round_goals(round_).select_related("owner"), pk=goal_id)
        if not may_assess(request.user, goal):
            raise PermissionDenied("Only administrators and editors of the goal's unit may assess it.")
        body = AssessmentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        existed = Assessment.objects.filter(round=round_, goal=goal).exists()
        try:
            assessment = assessment_save(round=round_, goal=goal, by=request.user, **body.validated_data)
        except NotAllowed as refusal:
            raise PermissionDenied(str(refusal)) from None
        except AssessmentConflict as clash:
            return Response(
                {
                    "detail": " ".join(clash.messages),
                    "changed": clash.changed,
                    "current": AssessmentSerializer(clash.current).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise ValidationError(error.message_dict) from None
            raise ValidationError({"detail": " ".join(error.messages)}) from None
        return Response(
            AssessmentSerializer(assessment).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )
