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
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from goals.exchange.cells import neutralised
from goals.models import Goal
from goals.pages.selection import selected_period
from vision.models import MandatePeriod, Unit

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    period = selected_period(request)
    if period is None:
        raise Http404(_("No mandate period has been entered yet."))
    return period


def report_rows(period: MandatePeriod, unit: Unit | None) -> list[dict]:
    goals = Goal.objects.valid_in(period).with_context().order_by("path")
    if unit is None:
        chosen = shown = list(goals)
    else:
        chosen = list(goals.owned_by(unit))
        own_paths = {goal.path for goal in chosen}
        chains = Goal.objects.with_context().ancestors_of_each(chosen)
        context = {
            above.path: above for chain in chains.values() for above in chain if above.path not in own_paths
        }
        shown = sorted([*chosen, *context.values()], key=lambda goal: goal.path)
    # Every goal a thread passes through is among the rows: the threads need no further query.
    threads = Goal.objects.ancestors_of_each(shown, among=shown)
    own_ids = {goal.pk for goal in chosen}
    return [
        {
            "goal": goal,
            "own": goal.pk in own_ids,
            "thread": [above.title for above in threads[goal.path]],
            "indent": min(goal.depth - 1, 9),
        }
        for goal in shown
    ]


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
                sheet.cell(line, position, neutralised(str(value)))
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
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
