"""The indicator API: lists and one indicator (reads), and recording a measurement (the first write).

Reads cost a fixed number of queries: the page of indicators, then their targets
and measurements in one query each. The write goes through
goals.followup.services.measurement_record, which checks the rules and the rights.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from goals import permissions
from goals.api.views import GoalPagination, validated_query
from goals.followup.api.serializers import (
    IndicatorFilterSerializer,
    IndicatorSerializer,
    MeasurementInputSerializer,
    MeasurementSerializer,
)
from goals.followup.models import Indicator
from goals.followup.services import measurement_record
from goals.followup.status import Status, current_status, status_by_year
from vision.actors import NotAllowed

BAD_REQUEST = OpenApiResponse(
    OpenApiTypes.OBJECT, description="A parameter or field was refused; says why, per field."
)
NOT_FOUND = OpenApiResponse(OpenApiTypes.OBJECT, description="No such indicator (or page).")
FORBIDDEN = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Only administrators and editors of the goal's unit."
)
INDICATOR_ID = OpenApiParameter(
    "id", {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}, OpenApiParameter.PATH
)


class IndicatorPagination(GoalPagination):
    max_page_size = 200


def with_status(indicators, period=None):
    """Set ``api_status`` on each indicator from its prefetched series (no query)."""
    for indicator in indicators:
        goal = indicator.goal
        if period is not None:
            first, last = period.start.year, period.end.year
        elif goal.period_id:
            first, last = goal.period.start.year, goal.last_period.end.year
        else:
            first = last = None
        own = [(m.period, m.value) for m in indicator.measurements.all() if m.gender == indicator.gender]
        targets = {t.year: t.value for t in indicator.targets.all()}
        current = current_status(
            status_by_year(own, targets, indicator.direction, indicator.near_margin), first, last
        )
        indicator.api_status = current.status if current else Status.NO_DATA
    return indicators


def indicators():
    return Indicator.objects.select_related("goal__period", "goal__until_period").with_series()


class IndicatorList(generics.ListAPIView):
    """Indicators, in tree order of their goals, filtered by period (goal valid in), owner unit and goal."""

    serializer_class = IndicatorSerializer
    pagination_class = IndicatorPagination

    def filters(self) -> dict:
        if not hasattr(self, "_filters"):
            self._filters = validated_query(IndicatorFilterSerializer, self.request)
        return self._filters

    def get_queryset(self):
        filters = self.filters()
        found = indicators()
        if "period" in filters:
            found = found.valid_in(filters["period"])
        if "unit" in filters:
            found = found.owned_by(filters["unit"])
        if "goal" in filters:
            found = found.filter(goal_id=filters["goal"])
        return found.order_by("goal__path", "title", "pk")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return with_status(page, self.filters().get("period")) if page is not None else None

    @extend_schema(
        parameters=[IndicatorFilterSerializer],
        responses={200: IndicatorSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class IndicatorDetail(APIView):
    """One indicator with its targets and measurements."""

    @extend_schema(parameters=[INDICATOR_ID], responses={200: IndicatorSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        indicator = get_object_or_404(indicators(), pk=pk)
        with_status([indicator])
        return Response(IndicatorSerializer(indicator, context={"request": request}).data)


class MeasurementRecord(APIView):
    """Record a value of the indicator for a period and series (idempotent on period and gender).

    201 when a new measurement was stored, 200 when one for the same period and
    series was replaced or already held the same value.
    """

    @extend_schema(
        parameters=[INDICATOR_ID],
        request=MeasurementInputSerializer,
        responses={
            200: MeasurementSerializer,
            201: MeasurementSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, pk: int):
        indicator = get_object_or_404(Indicator.objects.select_related("goal__owner"), pk=pk)
        # Rights before the body: someone who may not write learns nothing from its errors.
        if not permissions.can_edit_goal(request.user, indicator.goal):
            raise PermissionDenied(
                "Only administrators and editors of the goal's unit may record its indicators' values."
            )
        body = MeasurementInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        existed = indicator.measurements.filter(
            period=body.validated_data["period"], gender=body.validated_data["gender"]
        ).exists()
        try:
            measurement, _written = measurement_record(
                indicator=indicator, by=request.user, **body.validated_data
            )
        except NotAllowed as refusal:
            raise PermissionDenied(str(refusal)) from None
        except DjangoValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None
        return Response(
            MeasurementSerializer(measurement).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )
