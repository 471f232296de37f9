"""Assessment statuses as word and icon, and the per-area status chart as server-rendered SVG."""

from django import template

from goals.followup.models import AssessmentStatus
from goals.followup.models.rounds import STATUS_ICONS

register = template.Library()

CHART_WIDTH = 600
LABEL_WIDTH = 0
BAR_HEIGHT = 22
ROW_HEIGHT = 44


@register.inclusion_tag("followup/rounds/_status.html")
def assessment_status(status):
    status = AssessmentStatus(status) if status in AssessmentStatus.values else AssessmentStatus.NOT_ASSESSED
    return {"status": status.value, "label": status.label, "icon": STATUS_ICONS[status]}


def chart_rows(areas, width: int = CHART_WIDTH) -> list[dict]:
    """Each area's stacked bar: one segment per status, widths in proportion to the counts."""
    rows = []
    for index, area in enumerate(areas):
        x, segments = 0.0, []
        total = area.total
        for status, n in area.ordered():
            if n and total:
                part = width * n / total
                segments.append({"status": status, "x": round(x, 2), "width": round(part, 2), "n": n})
                x += part
        rows.append({"title": area.title, "y": index * ROW_HEIGHT, "segments": segments, "total": total})
    return rows


@register.inclusion_tag("followup/rounds/_area_chart.html")
def area_chart(areas):
    rows = chart_rows(areas)
    return {
        "rows": rows,
        "width": CHART_WIDTH,
        "height": max(len(rows), 1) * ROW_HEIGHT,
        "bar_height": BAR_HEIGHT,
        "legend": [(s.value, s.label, STATUS_ICONS[s]) for s in AssessmentStatus],
    }


@register.simple_tag
def assessment_statuses():
    return [(s.value, s.label, STATUS_ICONS[s]) for s in AssessmentStatus]


@register.inclusion_tag("followup/rounds/_latest_assessment.html")
def latest_published_assessment(goal):
    """The goal's assessment in the latest published round (one query), for the goal page."""
    from goals.followup.models import Assessment, RoundState

    assessment = (
        Assessment.objects.filter(goal=goal, round__state=RoundState.PUBLISHED)
        .select_related("round")
        .defer("round__snapshot")
        .order_by("-round__published_at", "-round_id")
        .first()
    )
    return {"assessment": assessment}
