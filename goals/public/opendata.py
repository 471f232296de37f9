"""The open-data files: one function per file, each building its whole document from public goals.

Text cells that a spreadsheet would run as formulas are neutralised in the CSV files
(goals/exchange/cells.py), as in every file the app writes.
"""

import csv
import io
import json

from django.conf import settings
from django.urls import reverse

from goals.exchange.cells import neutralised
from goals.models import Goal
from goals.paths import parent_path
from goals.public import followup
from vision.models import MandatePeriod

LICENSE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
LICENSE_NAME = "CC0 1.0"
PUBLISHER = "Norrköpings kommun"

GOAL_FIELDS = [
    "id",
    "external_id",
    "title",
    "description",
    "level",
    "status",
    "parent_external_id",
    "period",
    "until_period",
    "owner",
    "owner_name",
    "decided_by",
    "decided_on",
    "case_number",
    "url",
]
INDICATOR_FIELDS = [
    "id",
    "goal_external_id",
    "goal_title",
    "title",
    "description",
    "measure_unit",
    "direction",
    "source",
    "kolada_kpi",
    "series",
    "baseline_year",
    "baseline_value",
    "targets",
    "measurements",
]


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def goal_rows(request, period: MandatePeriod | None) -> list[dict]:
    """The public goals valid in ``period``, in tree order; a parent is named only when it is public too."""
    if period is None:
        return []
    goals = list(Goal.objects.public().valid_in(period).with_context().order_by("path"))
    external_ids = {goal.path: str(goal.external_id) for goal in goals}
    return [
        {
            "id": goal.pk,
            "external_id": str(goal.external_id),
            "title": goal.title,
            "description": goal.description,
            "level": goal.level,
            "status": goal.status,
            "parent_external_id": external_ids.get(parent_path(goal.path), ""),
            "period": goal.period.slug if goal.period else "",
            "until_period": goal.until_period.slug if goal.until_period else "",
            "owner": goal.owner.slug if goal.owner else "",
            "owner_name": goal.owner.name if goal.owner else "",
            "decided_by": goal.decided_by,
            "decided_on": goal.decided_on.isoformat() if goal.decided_on else "",
            "case_number": goal.case_number,
            "url": absolute(request, reverse("public:goal", kwargs={"pk": goal.pk})),
        }
        for goal in goals
    ]


def goals_json(request, period: MandatePeriod | None) -> dict:
    return {
        "period": period.slug if period else None,
        "license": LICENSE_URL,
        "publisher": PUBLISHER,
        "goals": goal_rows(request, period),
    }


def goals_csv(request, period: MandatePeriod | None) -> str:
    return _csv(GOAL_FIELDS, goal_rows(request, period))


def indicator_rows() -> list[dict]:
    return [
        {
            "id": indicator.id,
            "goal_external_id": str(indicator.goal.external_id),
            "goal_title": indicator.goal.title,
            "title": indicator.title,
            "description": indicator.description,
            "measure_unit": indicator.measure_unit,
            "direction": indicator.direction,
            "source": indicator.source,
            "kolada_kpi": indicator.kolada_kpi,
            "series": indicator.series,
            "baseline_year": indicator.baseline_year,
            "baseline_value": indicator.baseline_value,
            "targets": indicator.targets,
            "measurements": indicator.measurements,
        }
        for indicator in followup.indicators()
    ]


def indicators_json(request) -> dict:
    document = {"license": LICENSE_URL, "publisher": PUBLISHER, "indicators": indicator_rows()}
    if not followup.indicators_available():
        document["note"] = "Indicators are not published yet."
    else:
        document["note"] = "Values from Kolada are credited: Källa: Kolada."
    return document


def indicators_csv(request) -> str:
    """One row per indicator; its targets and measurements as compact JSON in their cells."""
    rows = []
    for row in indicator_rows():
        rows.append(
            {
                **row,
                "targets": json.dumps(row["targets"], ensure_ascii=False),
                "measurements": json.dumps(row["measurements"], ensure_ascii=False),
            }
        )
    return _csv(INDICATOR_FIELDS, rows)


def followup_json(request) -> dict:
    """Published rounds with the assessments of public goals; nothing of an open or locked round."""
    rounds = [
        {
            "id": round_.id,
            "period": round_.period,
            "year": round_.year,
            "kind": round_.kind,
            "published_at": round_.published_at,
            "assessments": [
                {
                    "goal_external_id": str(assessment.goal.external_id),
                    "goal_title": assessment.goal.title,
                    "goal_url": absolute(request, reverse("public:goal", kwargs={"pk": assessment.goal.pk})),
                    "status": assessment.status,
                    "analysis": assessment.analysis,
                    "next_steps": assessment.next_steps,
                }
                for assessment in round_.assessments
            ],
        }
        for round_ in followup.published_rounds()
    ]
    document = {"license": LICENSE_URL, "publisher": PUBLISHER, "rounds": rounds}
    if not rounds:
        document["note"] = "No follow-up rounds are published yet."
    return document


def _csv(fields: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    # A byte-order mark, so that Excel reads the Swedish letters as UTF-8.
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: neutralised("" if row[name] is None else row[name]) for name in fields})
    return out.getvalue()


def json_text(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1 if settings.DEBUG else None)
