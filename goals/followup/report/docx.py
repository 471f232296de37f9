"""The chapter as Word: per goal area, each council goal with its assessment, the roll-up of the
goals below it and its indicators with target and outcome. Headings use Word's own heading
styles, so the chapter pastes into the annual report with its outline and table of contents."""

from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document

from goals.followup.report.common import (
    assessment_word,
    descendants,
    indicator_status_word,
    number,
    round_title,
    suggestion_text,
    tree_of,
)
from goals.models import GoalLevel


def _assessment_paragraphs(document, row: dict) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(_("Assessment") + ": ").bold = True
    paragraph.add_run(assessment_word(row))
    if row.get("suggestion"):
        paragraph = document.add_paragraph()
        paragraph.add_run(_("Suggested from the goals below") + ": ").bold = True
        paragraph.add_run(suggestion_text(row))
    assessment = row["assessment"] or {}
    for label, key in ((_("Analysis"), "analysis"), (_("Next steps"), "next_steps")):
        if assessment.get(key):
            paragraph = document.add_paragraph()
            paragraph.add_run(label + ": ").bold = True
            paragraph.add_run(assessment[key])


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text


def _indicators(document, row: dict) -> None:
    if not row["indicators"]:
        return
    document.add_paragraph(_("Indicators"), style="Caption")
    _table(
        document,
        [_("Indicator"), _("Target"), _("Outcome"), _("Status")],
        [
            [
                f"{i['title']}" + (f" ({i['unit']})" if i["unit"] else ""),
                number(i["target"]),
                number(i["value"]) + (f" ({i['period']})" if i["period"] else ""),
                indicator_status_word(i["status"]),
            ]
            for i in row["indicators"]
        ],
    )


def _rollup(document, node) -> None:
    below = list(descendants(node))
    if not below:
        return
    document.add_paragraph(_("Committee and unit goals below"), style="Caption")
    _table(
        document,
        [_("Goal"), _("Unit"), _("Assessment")],
        [
            [child.row["title"], (child.row["unit"] or {}).get("name", "–"), assessment_word(child.row)]
            for child in below
        ],
    )


def chapter_docx(snapshot: dict, *, language: str = "sv") -> bytes:
    with translation.override(language):
        document = Document()
        document.core_properties.title = _("Goal attainment") + " – " + round_title(snapshot)
        document.core_properties.language = language
        document.add_heading(_("Goal attainment"), level=1)
        info = snapshot["round"]
        document.add_paragraph(
            _("%(round)s, mandate period %(period)s.")
            % {"round": round_title(snapshot), "period": info["period_name"]}
        )
        if not snapshot["published_at"]:
            document.add_paragraph(_("Draft: the round is not published yet."))
        areas = [node for node in tree_of(snapshot) if node.row["level"] == GoalLevel.AREA]
        if not areas:
            document.add_paragraph(_("The round has no goal areas."))
        for area in areas:
            document.add_heading(area.row["title"], level=2)
            if area.row["assessment"] or area.row.get("suggestion"):
                _assessment_paragraphs(document, area.row)
            for council_goal in area.children:
                document.add_heading(council_goal.row["title"], level=3)
                _assessment_paragraphs(document, council_goal.row)
                _indicators(document, council_goal.row)
                _rollup(document, council_goal)
        output = BytesIO()
        document.save(output)
        return output.getvalue()
