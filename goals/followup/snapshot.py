"""A round as plain JSON: its goals with their assessments, roll-up suggestions and indicators.

round_publish stores it once as the archived record; until then the reports
build it on the fly, so the report chapter has one source either way.
"""

from django.utils import timezone

from goals.followup.models import Assessment, FollowUpRound, Indicator
from goals.followup.rollup import round_goals, suggestions_at_depth
from goals.rules import MAX_DEPTH

SNAPSHOT_VERSION = 1


def _assessment(assessment: Assessment | None) -> dict | None:
    if assessment is None:
        return None
    author = assessment.author
    return {
        "status": assessment.status,
        "analysis": assessment.analysis,
        "next_steps": assessment.next_steps,
        "weight": assessment.weight,
        "version": assessment.version,
        "author": (author.get_full_name() or author.get_username()) if author else "",
        "updated_at": assessment.updated_at.isoformat(),
    }


def _indicators(goal_ids, year: int) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    rows = (
        Indicator.objects.filter(goal_id__in=goal_ids)
        .with_current_status(year, year)
        .order_by("goal_id", "title", "pk")
    )
    for indicator in rows.iterator(chunk_size=2000):
        found.setdefault(indicator.goal_id, []).append(
            {
                "id": indicator.pk,
                "title": indicator.title,
                "unit": indicator.measure_unit,
                "source": indicator.source,
                "kolada_kpi": indicator.kolada_kpi,
                "target": indicator.target_value,
                "value": indicator.latest_value,
                "period": indicator.latest_period,
                "status": indicator.current_status,
            }
        )
    return found


def build_snapshot(round_: FollowUpRound, *, published_at=None) -> dict:
    goals = list(
        round_goals(round_)
        .select_related("owner")
        .order_by("path")
        .only("pk", "path", "depth", "title", "level", "external_id", "owner__slug", "owner__name")
    )
    assessments = {
        a.goal_id: a
        for a in Assessment.objects.filter(round=round_).select_related("author").iterator(chunk_size=2000)
    }
    suggestions = {}
    for depth in range(2, MAX_DEPTH):
        suggestions.update(suggestions_at_depth(round_, depth))
    ids = [goal.pk for goal in goals]
    indicators: dict[int, list[dict]] = {}
    for start in range(0, len(ids), 1000):
        indicators.update(_indicators(ids[start : start + 1000], round_.year))
    by_path = {goal.path: goal.pk for goal in goals}
    steplen = goals[0].steplen if goals else 4
    rows = []
    for goal in goals:
        suggestion = suggestions.get(goal.path)
        rows.append(
            {
                "id": goal.pk,
                "external_id": str(goal.external_id),
                "parent": by_path.get(goal.path[:-steplen]),
                "depth": goal.depth,
                "level": goal.level,
                "title": goal.title,
                "unit": {"slug": goal.owner.slug, "name": goal.owner.name} if goal.owner else None,
                "assessment": _assessment(assessments.get(goal.pk)),
                "suggestion": (
                    {
                        "status": suggestion.status,
                        "score": suggestion.score,
                        "assessed": suggestion.assessed,
                        "total": suggestion.total,
                    }
                    if suggestion
                    else None
                ),
                "indicators": indicators.get(goal.pk, []),
            }
        )
    return {
        "version": SNAPSHOT_VERSION,
        "round": {
            "id": round_.pk,
            "period": round_.period.slug,
            "period_name": round_.period.name,
            "year": round_.year,
            "kind": round_.kind,
            "opens": round_.opens.isoformat(),
            "due": round_.due.isoformat(),
        },
        "published_at": published_at.isoformat() if published_at else None,
        "built_at": timezone.now().isoformat(),
        "goals": rows,
    }


def snapshot_of(round_: FollowUpRound) -> dict:
    """The frozen snapshot of a published round; a fresh one of any other."""
    if round_.is_published and round_.snapshot is not None:
        return round_.snapshot
    return build_snapshot(round_)
