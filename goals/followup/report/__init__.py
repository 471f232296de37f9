"""The report chapter "Måluppfyllelse" of a round, as Word (docx) and Excel (xlsx), from its snapshot."""

from goals.followup.report.docx import chapter_docx
from goals.followup.report.xlsx import goals_xlsx

__all__ = ["chapter_docx", "goals_xlsx"]
