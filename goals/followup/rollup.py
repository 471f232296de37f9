"""The suggested status of a goal from its children's assessments in a round.

Met counts 1, partly met 0.5, not met 0; a child that is not assessed (no
assessment, or "not assessed") is left out of the score but counted in the
coverage ("3 of 5 assessed"). Each child weighs its assessment's weight (1
unless set). The suggestion is shown beside a goal's own assessment and never
replaces it.

Read by level: one grouped query per tree depth among the parents asked for,
aggregated in the database, so a page never loads a branch, let alone the
tree, into Python.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, F, FilteredRelation, FloatField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Substr

from goals.followup.models import AssessmentStatus
from goals.followup.models.rounds import STATUS_SCORE
from goals.models import Goal

MET_FROM = 0.75  # a weighted mean at or above this suggests "met"
NOT_MET_BELOW = 0.25  # below this, "not met"; between the two, "partly met"
SCORED = [status.value for status in STATUS_SCORE]


@dataclass(frozen=True)
class Suggestion:
    status: str  # an AssessmentStatus value; NOT_ASSESSED when no child is assessed
    score: float | None  # the weighted mean, 0..1, None when no child is assessed
    assessed: int
    total: int

    @property
    def status_label(self) -> str:
        return AssessmentStatus(self.status).label


def suggested_status(score: float | None) -> str:
    if score is None:
        return AssessmentStatus.NOT_ASSESSED
    if score >= MET_FROM:
        return AssessmentStatus.MET
    if score < NOT_MET_BELOW:
        return AssessmentStatus.NOT_MET
    return AssessmentStatus.PARTLY


def suggestion_from(weighted: float, weights: float, assessed: int, total: int) -> Suggestion:
    score = weighted / weights if assessed and weights else None
    return Suggestion(suggested_status(score), score, assessed, total)


def round_goals(round_):
    """The goals a round assesses: active, valid in its period, below the vision."""
    return Goal.objects.active().valid_in(round_.period).filter(depth__gt=1)


def _grouped_children(round_, depth: int):
    """Rows (prefix, total, assessed, weighted, weights) of the round's goals at depth+1, by parent path."""
    length = depth * Goal.steplen
    weight = Coalesce(F("this_round__weight"), Value(1))
    scored = Q(this_round__status__in=SCORED)
    score = Case(
        *[When(this_round__status=status, then=Value(value)) for status, value in STATUS_SCORE.items()],
        default=Value(0.0),
        output_field=FloatField(),
    )
    return (
        round_goals(round_)
        .filter(depth=depth + 1)
        .annotate(
            this_round=FilteredRelation("assessments", condition=Q(assessments__round=round_)),
            prefix=Substr("path", 1, length),
        )
        .order_by()
        .values("prefix")
        .annotate(
            total=Count("pk"),
            assessed=Count("pk", filter=scored),
            weighted=Coalesce(Sum(weight * score, filter=scored, output_field=FloatField()), Value(0.0)),
            weights=Coalesce(Sum(weight, filter=scored, output_field=FloatField()), Value(0.0)),
        )
    )


def _suggestions(rows) -> dict[str, Suggestion]:
    return {
        row["prefix"]: suggestion_from(row["weighted"], row["weights"], row["assessed"], row["total"])
        for row in rows
    }


def suggestions_for(round_, parents: Iterable[Goal]) -> dict[str, Suggestion]:
    """The suggestion of each of ``parents`` that has children in the round, keyed by path.

    One query per depth among the parents.
    """
    by_depth: dict[int, list[str]] = {}
    for parent in parents:
        by_depth.setdefault(parent.depth, []).append(parent.path)
    found: dict[str, Suggestion] = {}
    for depth, paths in sorted(by_depth.items()):
        found.update(_suggestions(_grouped_children(round_, depth).filter(prefix__in=paths)))
    return found


def suggestions_at_depth(round_, depth: int) -> dict[str, Suggestion]:
    """The suggestion of every goal at ``depth`` that has children in the round: one query."""
    return _suggestions(_grouped_children(round_, depth))
