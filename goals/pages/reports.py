"""The red-thread report: a period's goals, or one unit's, with the chain up to the vision.

For a period, every goal valid in it in tree order. For a unit, its goals valid
in the period together with their ancestors, so each goal reads from the vision
down (the ancestors marked as context). The same rows as a printable page and
as an xlsx workbook. Two queries whatever the size: the goals, then (for a
unit) the ancestors the chains need.
"""

import io

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from goals.models import Goal
from vision.models import MandatePeriod, Unit

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 5000


def red_thread(request):
    period = _period(request)
    unit = None
    if request.GET.get("unit"):
        unit = get_object_or_404(Unit, slug=request.GET["unit"])
    rows = report_rows(period, unit)
    if request.GET.get("format") == "xlsx":
        return _xlsx_response(rows, period, unit)
    return render(
        request,
        "goals/report/red_thread.html",
        {
            "period": period,
            "unit": unit,
            "rows": rows,
            "own_count": sum(1 for row in rows if row["own"]),
            "periods": MandatePeriod.objects.order_by("start"),
            "units": Unit.objects.order_by("name"),
        },
    )


def _period(request) -> MandatePeriod:
    slug = request.GET.get("period")
    if slug:
        return get_object_or_404(MandatePeriod, slug=slug)
    period = MandatePeriod.objects.current()
    if period is None:
        raise Http404(_("No period is marked current."))
    return period


def report_rows(period: MandatePeriod, unit: Unit | None) -> list[dict]:
    goals = Goal.objects.valid_in(period).with_context().order_by("path")
    if unit is None:
        chosen = list(goals)
        context = []
    else:
        chosen = list(goals.owned_by(unit))
        own_paths = {goal.path for goal in chosen}
        wanted = sorted(
            {
                goal.path[:end]
                for goal in chosen
                for end in range(Goal.steplen, len(goal.path), Goal.steplen)
                if goal.path[:end] not in own_paths
            }
        )
        context = []
        for start in range(0, len(wanted), CHUNK):
            context.extend(Goal.objects.with_context().filter(path__in=wanted[start : start + CHUNK]))
    own_ids = {goal.pk for goal in chosen}
    titles: dict[str, str] = {}
    rows = []
    for goal in sorted([*chosen, *context], key=lambda g: g.path):
        titles[goal.path] = goal.title
        thread = [
            titles[goal.path[:end]]
            for end in range(Goal.steplen, len(goal.path), Goal.steplen)
            if goal.path[:end] in titles
        ]
        rows.append(
            {"goal": goal, "own": goal.pk in own_ids, "thread": thread, "indent": min(goal.depth - 1, 9)}
        )
    return rows


def _xlsx_response(rows: list[dict], period: MandatePeriod, unit: Unit | None) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Red thread")[:31]
    headers = [
        _("Level"),
        _("Goal"),
        _("Owner unit"),
        _("Status"),
        _("Valid from"),
        _("Valid until"),
        _("Decided by"),
        _("Decided on"),
        _("Case number"),
        _("Red thread"),
    ]
    if unit is not None:
        headers.append(_("Context only"))
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line, row in enumerate(rows, start=2):
        goal = row["goal"]
        values = [
            goal.get_level_display(),
            goal.title,
            goal.owner.name if goal.owner_id else "",
            goal.get_status_display(),
            goal.period.name if goal.period_id else "",
            goal.until_period.name if goal.until_period_id else "",
            goal.decided_by,
            goal.decided_on.isoformat() if goal.decided_on else "",
            goal.case_number,
            " › ".join(row["thread"]),
        ]
        if unit is not None:
            values.append("" if row["own"] else _("yes"))
        for position, value in enumerate(values, start=1):
            if value:
                cell = sheet.cell(line, position, value)
                cell.data_type = "s"  # text stays text: a title starting with "=" is no formula
        sheet.cell(line, 2).alignment = Alignment(indent=row["indent"], wrap_text=True)
        if not row["own"] and unit is not None:
            sheet.cell(line, 2).font = Font(italic=True, color="666666")
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["J"].width = 60
    sheet.freeze_panes = "C2"
    out = io.BytesIO()
    workbook.save(out)
    name = f"red-thread-{period.slug}" + (f"-{unit.slug}" if unit else "") + ".xlsx"
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
