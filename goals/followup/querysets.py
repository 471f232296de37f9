"""Reads of indicators and measurements, named in the domain's language.

``Indicator.objects.valid_in(period).owned_by(unit).with_current_status(2023, 2026)``
annotates each indicator with its latest value in those years, that year's target
and the status (status.py's rule written as SQL), so that lists filter and page
by status in the database however many indicators there are.
"""

from django.db import models
from django.db.models import Case, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Abs

from goals.followup.choices import Direction, Source
from goals.followup.status import Status


class IndicatorQuerySet(models.QuerySet):
    def valid_in(self, period):
        from goals.models import Goal

        return self.filter(goal__in=Goal.objects.valid_in(period).order_by().values("pk"))

    def owned_by(self, unit):
        return self.filter(goal__owner=unit)

    def of_goal(self, goal):
        return self.filter(goal=goal)

    def from_kolada(self, kpis=None):
        linked = self.exclude(kolada_kpi="").filter(source=Source.KOLADA)
        return linked.filter(kolada_kpi__in=kpis) if kpis else linked

    def with_context(self):
        return self.select_related("goal__owner", "goal__period")

    def with_series(self):
        """Prefetch the targets and the measurements (in period order): two queries for any number."""
        from goals.followup.models import Measurement, Target

        return self.prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("year")),
            Prefetch("measurements", queryset=Measurement.objects.order_by("year", "position", "gender")),
        )

    def with_current_status(self, first_year: int | None = None, last_year: int | None = None):
        """Annotate latest_year, latest_period, latest_value, target_value and current_status.

        The latest value is the last measured one of the indicator's own series
        (gender) within the years given; the target is that year's.
        """
        from goals.followup.models import Measurement, Target

        latest = Measurement.objects.filter(
            indicator=OuterRef("pk"), gender=OuterRef("gender"), value__isnull=False
        ).order_by("-year", "-position")
        if first_year is not None:
            latest = latest.filter(year__gte=first_year)
        if last_year is not None:
            latest = latest.filter(year__lte=last_year)
        target = Target.objects.filter(indicator=OuterRef("pk"), year=OuterRef("latest_year"))
        slack = Abs(F("target_value")) * F("near_margin") / Value(100.0)
        higher = Q(direction=Direction.HIGHER)
        status = Case(
            When(
                Q(latest_value__isnull=True) | Q(target_value__isnull=True), then=Value(Status.NO_DATA.value)
            ),
            When(higher & Q(latest_value__gte=F("target_value")), then=Value(Status.MET.value)),
            When(higher & Q(latest_value__gte=F("target_value") - slack), then=Value(Status.NEAR.value)),
            When(higher, then=Value(Status.NOT_MET.value)),
            When(latest_value__lte=F("target_value"), then=Value(Status.MET.value)),
            When(latest_value__lte=F("target_value") + slack, then=Value(Status.NEAR.value)),
            default=Value(Status.NOT_MET.value),
            output_field=models.CharField(),
        )
        return (
            self.annotate(
                latest_year=Subquery(latest.values("year")[:1]),
                latest_period=Subquery(latest.values("period")[:1]),
                latest_value=Subquery(latest.values("value")[:1]),
            )
            .annotate(target_value=Subquery(target.values("value")[:1]))
            .annotate(current_status=status)
        )

    def current_statuses(self, first_year: int | None = None, last_year: int | None = None) -> dict:
        """{indicator id: its current Status} for all of these indicators, in two queries.

        For filtering a long list by status: the latest value of each series by a
        window function, the targets in one read, and status.py's rule in Python
        (correlated subqueries in a WHERE over tens of thousands of indicators took
        seconds on SQLite and over a minute on PostgreSQL).
        """
        from django.db.models import Window
        from django.db.models.functions import RowNumber

        from goals.followup.models import Measurement, Target
        from goals.followup.status import status_of

        indicators = {
            pk: (direction, margin)
            for pk, direction, margin in self.order_by().values_list("pk", "direction", "near_margin")
        }
        latest = Measurement.objects.filter(
            indicator__in=self.order_by().values("pk"), gender=F("indicator__gender"), value__isnull=False
        )
        if first_year is not None:
            latest = latest.filter(year__gte=first_year)
        if last_year is not None:
            latest = latest.filter(year__lte=last_year)
        latest = (
            latest.annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("indicator_id")],
                    order_by=[F("year").desc(), F("position").desc()],
                )
            )
            .filter(rank=1)
            .values_list("indicator_id", "year", "value")
        )
        values = {pk: (year, value) for pk, year, value in latest}
        targets = dict(
            ((pk, year), value)
            for pk, year, value in Target.objects.filter(
                indicator__in=self.order_by().values("pk")
            ).values_list("indicator_id", "year", "value")
        )
        statuses = {}
        for pk, (direction, margin) in indicators.items():
            year, value = values.get(pk, (None, None))
            statuses[pk] = status_of(value, targets.get((pk, year)), direction, margin)
        return statuses

    def with_status(self, status: str | None):
        """Those of one current status (after with_current_status); None keeps all."""
        return self.filter(current_status=status) if status else self


class MeasurementQuerySet(models.QuerySet):
    def of_series(self, gender: str):
        return self.filter(gender=gender)

    def valued(self):
        return self.filter(value__isnull=False)

    def in_order(self):
        return self.order_by("year", "position", "gender")
