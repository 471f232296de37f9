"""The follow-up data the public site shows, read-only from goals.followup: indicators of public goals,
and published rounds once rounds and assessments exist.

Each function answers "nothing yet" (an empty list) when the follow-up models it needs
are missing, so the pages and files stay valid documents while follow-up is built.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Prefetch

from goals.models import Goal


@dataclass
class PublicIndicator:
    """What is published of an indicator: its definition, targets and measured values (no comments)."""

    id: int
    goal: Goal
    title: str
    description: str
    measure_unit: str
    direction: str
    direction_label: str
    source: str
    kolada_kpi: str
    series: str
    baseline_year: int | None
    baseline_value: float | None
    targets: list[dict] = field(default_factory=list)
    measurements: list[dict] = field(default_factory=list)


def indicators_available() -> bool:
    return apps.is_installed("goals.followup") and _model("Indicator") is not None


def indicators(goals=None) -> list[PublicIndicator]:
    """The indicators of public goals (of ``goals``, a queryset of them, when given), in tree order."""
    if not indicators_available():
        return []
    from goals.followup.models import Indicator, Measurement, Target

    public = Goal.objects.public() if goals is None else goals
    found = (
        Indicator.objects.filter(goal__in=public.order_by().values("pk"))
        .select_related("goal__owner", "goal__period", "goal__until_period")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("year")),
            Prefetch("measurements", queryset=Measurement.objects.order_by("year", "position", "gender")),
        )
        .order_by("goal__path", "title", "pk")
    )
    return [
        PublicIndicator(
            id=indicator.pk,
            goal=indicator.goal,
            title=indicator.title,
            description=indicator.description,
            measure_unit=indicator.measure_unit,
            direction=indicator.direction,
            direction_label=str(indicator.get_direction_display()),
            source=indicator.source,
            kolada_kpi=indicator.kolada_kpi,
            series=indicator.gender,
            baseline_year=indicator.baseline_year,
            baseline_value=indicator.baseline_value,
            targets=[{"year": t.year, "value": t.value} for t in indicator.targets.all()],
            measurements=[
                {"period": m.period, "series": m.gender, "value": m.value, "source": m.source}
                for m in indicator.measurements.all()
            ],
        )
        for indicator in found
    ]


def rounds_available() -> bool:
    return _model("FollowUpRound") is not None and _model("Assessment") is not None


@dataclass
class PublishedAssessment:
    """What is published of an assessment: never its author, version or weight."""

    goal: Goal
    status: str
    status_label: str
    analysis: str
    next_steps: str


@dataclass
class PublishedRound:
    id: int
    period: str
    year: int
    kind: str
    kind_label: str
    published_at: str
    assessments: list[PublishedAssessment]


def published_rounds(goals=None) -> list[PublishedRound]:
    """Published rounds, newest first, each with its assessments of public goals (of ``goals`` when given).

    Only rounds in the ``published`` state: an open or locked round's assessments are drafts.
    """
    if not rounds_available():
        return []
    from goals.followup.models import Assessment, FollowUpRound, RoundState

    public = Goal.objects.public() if goals is None else goals
    rounds = (
        FollowUpRound.objects.filter(state=RoundState.PUBLISHED)
        .select_related("period")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.filter(goal__in=public.order_by().values("pk"))
                .select_related("goal__owner", "goal__period")
                .order_by("goal__path"),
            )
        )
        .order_by("-year", "-due", "-pk")
    )
    published = [
        PublishedRound(
            id=round_.pk,
            period=round_.period.slug,
            year=round_.year,
            kind=round_.kind,
            kind_label=str(round_.get_kind_display()),
            published_at=round_.published_at.isoformat() if round_.published_at else "",
            assessments=[
                PublishedAssessment(
                    goal=assessment.goal,
                    status=assessment.status,
                    status_label=str(assessment.get_status_display()),
                    analysis=assessment.analysis,
                    next_steps=assessment.next_steps,
                )
                for assessment in round_.assessments.all()
            ],
        )
        for round_ in rounds
    ]
    if goals is not None:
        published = [round_ for round_ in published if round_.assessments]
    return published


def _model(name: str):
    if not apps.is_installed("goals.followup"):
        return None
    try:
        return apps.get_model("followup", name)
    except LookupError:
        return None
