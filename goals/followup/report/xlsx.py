"""The round as a spreadsheet: one row per goal, in tree order."""

from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from goals.followup.report.common import assessment_word, round_title, status_word
from goals.models import GoalLevel


def goals_xlsx(snapshot: dict, *, language: str = "sv") -> bytes:
    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Goal attainment")[:31]
        sheet.append(
            [
                _("Id"),
                _("Level"),
                _("Goal"),
                _("Unit"),
                _("Assessment"),
                _("Analysis"),
                _("Next steps"),
                _("Suggested from the goals below"),
                _("Assessed below"),
                _("Goals below"),
                _("Indicators"),
            ]
        )
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in snapshot["goals"]:
            assessment = row["assessment"] or {}
            suggestion = row.get("suggestion") or {}
            sheet.append(
                [
                    row["id"],
                    str(GoalLevel(row["level"]).label) if row["level"] in GoalLevel.values else row["level"],
                    row["title"],
                    (row["unit"] or {}).get("name", ""),
                    assessment_word(row),
                    assessment.get("analysis", ""),
                    assessment.get("next_steps", ""),
                    status_word(suggestion["status"]) if suggestion else "",
                    suggestion.get("assessed"),
                    suggestion.get("total"),
                    len(row["indicators"]),
                ]
            )
        sheet.freeze_panes = "A2"
        # Printed (or made a PDF): landscape, every column on the page width, the header on each page.
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.print_title_rows = "1:1"
        for cells in sheet.iter_rows(min_row=2, min_col=6, max_col=7):
            for cell in cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for column, width in zip("ABCDEFGHIJK", (8, 16, 50, 30, 16, 60, 60, 24, 12, 12, 10), strict=True):
            sheet.column_dimensions[column].width = width
        workbook.properties.title = round_title(snapshot)
        output = BytesIO()
        workbook.save(output)
        return output.getvalue()
