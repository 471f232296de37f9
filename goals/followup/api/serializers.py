"""JSON shapes of the indicator API (DESIGN.md: ``indicators/`` and its measurements)."""

from rest_framework import serializers

from goals.api.serializers import SlugParameter, period_parameter
from goals.followup.choices import Direction, Gender, Source
from goals.followup.models import Indicator, Measurement, Target
from goals.followup.status import Status
from vision.models import Unit


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["year", "value"]


class MeasurementSerializer(serializers.ModelSerializer):
    gender = serializers.ChoiceField(choices=Gender.choices, read_only=True)
    source = serializers.ChoiceField(choices=Source.choices, read_only=True)
    value = serializers.FloatField(read_only=True, allow_null=True, help_text="null: no value (never 0).")
    status = serializers.CharField(
        read_only=True, help_text="The source's status text, e.g. Kolada's “Missing”."
    )

    class Meta:
        model = Measurement
        fields = ["period", "gender", "value", "status", "source"]


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator with its targets and every measurement (all series)."""

    goal = serializers.PrimaryKeyRelatedField(read_only=True, help_text="The id of the goal it follows up.")
    unit = serializers.CharField(
        source="measure_unit", read_only=True, help_text="The unit of measure, e.g. %."
    )
    direction = serializers.ChoiceField(choices=Direction.choices, read_only=True)
    source = serializers.ChoiceField(choices=Source.choices, read_only=True)
    gender = serializers.ChoiceField(
        choices=Gender.choices, read_only=True, help_text="The series the status uses."
    )
    status = serializers.ChoiceField(
        source="api_status",
        choices=Status.choices,
        read_only=True,
        help_text="The latest value within the goal's (or the asked) period against that year's target.",
    )
    targets = TargetSerializer(many=True, read_only=True)
    measurements = MeasurementSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "goal",
            "title",
            "unit",
            "direction",
            "source",
            "kolada_kpi",
            "gender",
            "status",
            "targets",
            "measurements",
        ]


class IndicatorFilterSerializer(serializers.Serializer):
    """The query parameters of indicators/, validated so a bad one is a 400 that says why."""

    period = period_parameter()
    unit = SlugParameter(slug_field="slug", queryset=Unit.objects.all(), required=False)
    goal = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Only the indicators of this goal."
    )


class MeasurementInputSerializer(serializers.Serializer):
    """A value for a period and series; the same (period, gender) again replaces or repeats it."""

    period = serializers.RegexField(
        r"^\d{4}(-(T[1-3]|Q[1-4]|0[1-9]|1[0-2]))?$",
        max_length=7,
        help_text="A year (2025), a tertial (2025-T1), a quarter (2025-Q1) or a month (2025-08).",
    )
    value = serializers.FloatField(
        allow_null=True, min_value=-1e15, max_value=1e15, help_text="null: no value."
    )
    gender = serializers.ChoiceField(choices=Gender.choices, default=Gender.TOTAL)
    comment = serializers.CharField(allow_blank=True, default="", max_length=2000)
