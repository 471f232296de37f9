"""Goal files: what export_goals writes and import_goals reads (CSV, xlsx, JSON).

One row per goal, in tree order (every parent before its children), with the
columns of COLUMNS. References are by stable keys, never database ids: the
goal's and its parent's external id (a UUID), the owner unit's slug, the period
slugs. The vision is a row of its own (no parent), so a file carries its whole
tree; units and periods are not in the file and must exist where it is imported
(an unknown one is an error on its line).

The three formats hold the same rows and are written byte for byte the same
for the same goals: CSV in UTF-8 (with a BOM, so Excel shows å, ä, ö) and CRLF
line ends; xlsx with fixed timestamps inside; JSON as a list with one goal per
line. In CSV and xlsx, cells a spreadsheet would run as formulas are
neutralised (goals.exchange.cells) and restored on reading, so a file reads back
to exactly the text that was exported; JSON is read by programs, not
spreadsheets, and carries the text as it is. Reading gives SourceRows that
carry the line each came from, for errors.
"""

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from goals.exchange.cells import neutralised, restored
from goals.models import Goal
from goals.paths import parent_path
from vision.models import MandatePeriod

COLUMNS = [
    "external_id",
    "parent_external_id",
    "level",
    "title",
    "description",
    "status",
    "owner_unit",
    "period",
    "until_period",
    "decided_by",
    "decided_on",
    "case_number",
]
FORMATS = ("csv", "xlsx", "json")
# Inside an xlsx every part carries a timestamp; a fixed one makes two exports
# of the same goals identical files.
FIXED_TIME = datetime.datetime(2000, 1, 1)
SHEET_TITLE = "goals"


@dataclass(frozen=True)
class RowError:
    """Why a row (or the whole file, line 1) was refused."""

    line: int
    column: str
    reason: str
    record: int | None = None  # JSON: the goal's place in the list, for files with several goals a line

    def __str__(self):
        where = {
            "line": self.line,
            "column": self.column or "–",
            "reason": self.reason,
            "record": self.record,
        }
        if self.record is not None:
            return _("line %(line)s (goal %(record)s), column %(column)s: %(reason)s") % where
        return _("line %(line)s, column %(column)s: %(reason)s") % where


class FileRefused(Exception):
    """The file cannot be read as goal rows; nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class SourceRow:
    line: int
    values: dict[str, str] = field(default_factory=dict)
    record: int | None = None


def format_of(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        raise FileRefused(
            [
                RowError(
                    1, "", _("Unknown file type “%(name)s”: use .csv, .xlsx or .json.") % {"name": filename}
                )
            ]
        )
    return suffix


# Export


def export_rows(period: MandatePeriod, *, unit_ids: set[int] | None = None) -> list[dict[str, str]]:
    """The goals valid in ``period`` in tree order, as rows of strings ("" for none).

    With ``unit_ids`` only those units' goals (an editor's export from the admin).
    """
    goals = Goal.objects.valid_in(period).with_context().order_by("path")
    if unit_ids is not None:
        goals = goals.filter(owner_id__in=unit_ids)
    goals = list(goals)
    # A parent covers its children's validity, so it is in the same list; a
    # parent that is not (a tree check problem) is looked up, not left out.
    key_of = {goal.path: goal.external_id for goal in goals}
    missing = {parent_path(g.path) for g in goals if g.depth > 1} - key_of.keys()
    if missing:
        key_of.update(Goal.objects.filter(path__in=missing).values_list("path", "external_id"))
    for goal in goals:
        goal.parent_external_id = key_of.get(parent_path(goal.path)) if goal.depth > 1 else None
    return [row_of(goal) for goal in goals]


def row_of(goal: Goal) -> dict[str, str]:
    return {
        "external_id": str(goal.external_id),
        "parent_external_id": str(goal.parent_external_id or ""),
        "level": goal.level,
        "title": goal.title,
        "description": goal.description,
        "status": goal.status,
        "owner_unit": goal.owner.slug if goal.owner_id else "",
        "period": goal.period.slug if goal.period_id else "",
        "until_period": goal.until_period.slug if goal.until_period_id else "",
        "decided_by": goal.decided_by,
        "decided_on": goal.decided_on.isoformat() if goal.decided_on else "",
        "case_number": goal.case_number,
    }


def write(rows: list[dict[str, str]], fmt: str) -> bytes:
    return {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}[fmt](rows)


def write_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({name: neutralised(row[name]) for name in COLUMNS} for row in rows)
    return out.getvalue().encode("utf-8-sig")


def write_json(rows: list[dict[str, str]]) -> bytes:
    lines = [json.dumps({c: row[c] for c in COLUMNS}, ensure_ascii=False) for row in rows]
    return ("[\n" + ",\n".join(lines) + ("\n" if lines else "") + "]\n").encode("utf-8")


def write_xlsx(rows: list[dict[str, str]], columns: list[str] = COLUMNS, title: str = SHEET_TITLE) -> bytes:
    # Write-only mode streams rows: several times faster for 10,000 goals.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_text_cell(row[name]) for name in columns])
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return _with_fixed_timestamps(raw.getvalue())


def _text_cell(value: str) -> str | None:
    # An empty cell is left out rather than written as an empty string. Control characters
    # (a pasted form feed, a NUL) cannot be stored in a workbook's XML: openpyxl raised on them.
    return ILLEGAL_CHARACTERS_RE.sub("", neutralised(value) or "") or None


def _with_fixed_timestamps(data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# Import: reading


def read(data: bytes, fmt: str) -> list[SourceRow]:
    """The rows of a goal file, or FileRefused saying where it cannot be read."""
    rows = {"csv": read_csv, "xlsx": read_xlsx, "json": read_json}[fmt](data)
    return rows


def _check_header(header: list[str], line: int = 1) -> None:
    errors = []
    for position, name in enumerate(header, start=1):
        if name not in COLUMNS:
            errors.append(RowError(line, name or str(position), _("Unknown column.")))
    for name in COLUMNS:
        if name not in header:
            errors.append(RowError(line, name, _("The column is missing.")))
    if len(set(header)) != len(header):
        errors.append(RowError(line, "", _("A column appears twice in the header.")))
    if errors:
        raise FileRefused(errors)


def read_csv(data: bytes, check_header: Callable[[list[str]], None] = _check_header) -> list[SourceRow]:
    """The rows of a CSV file (UTF-8, comma or semicolon) under a header ``check_header`` accepts."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise FileRefused(
            [
                RowError(
                    line,
                    str(column),
                    _("The file is not UTF-8 (byte %(byte)s at character %(column)s): save it as CSV UTF-8.")
                    % {"byte": f"0x{data[error.start]:02x}", "column": column},
                )
            ]
        ) from None
    if "\x00" in text:
        raise FileRefused([RowError(1, "", _("The file is not a text file (it contains NUL bytes)."))])
    # Excel in Swedish saves "CSV" with semicolons (the comma is the decimal sign).
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip() for name in next(reader, [])]
    if not header:
        raise FileRefused([RowError(1, "", _("The file is empty."))])
    check_header(header)
    rows, errors, line = [], [], reader.line_num + 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(value.strip() for value in record):
                continue
            if len(record) != len(header):
                errors.append(
                    RowError(
                        start,
                        "",
                        _("The row has %(found)s fields; the header has %(expected)s.")
                        % {"found": len(record), "expected": len(header)},
                    )
                )
                continue
            rows.append(
                SourceRow(start, {name: restored(value) for name, value in zip(header, record, strict=True)})
            )
    except csv.Error as error:
        errors.append(RowError(line, "", _("The CSV cannot be read: %(error)s") % {"error": error}))
    if errors:
        raise FileRefused(errors)
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes, check_header: Callable[[list[str]], None] = _check_header) -> list[SourceRow]:
    """The rows of the first sheet of a workbook under a header ``check_header`` accepts."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileRefused([RowError(1, "", _("The file is not an xlsx workbook."))]) from None
    try:
        sheet = workbook.worksheets[0]
        records = sheet.iter_rows(values_only=True)
        header = [_cell_text(v).strip() for v in next(records, ())]
        while header and header[-1] == "":
            header.pop()
        if not header:
            raise FileRefused([RowError(1, "", _("The file is empty."))])
        check_header(header)
        rows = []
        for line, record in enumerate(records, start=2):
            values = [restored(_cell_text(v)) for v in record]
            if not any(v.strip() for v in values):
                continue
            values = (values + [""] * len(header))[: len(header)]
            rows.append(SourceRow(line, dict(zip(header, values, strict=True))))
        return rows
    finally:
        workbook.close()


def read_json(data: bytes) -> list[SourceRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FileRefused([RowError(line, "", _("The file is not UTF-8."))]) from None
    decoder = json.JSONDecoder()
    counted = {"index": 0, "line": 1}

    def line_at(index: int) -> int:
        # Records are read front to back, so count only the newlines since the last call.
        if index < counted["index"]:
            return text.count("\n", 0, index) + 1
        counted["line"] += text.count("\n", counted["index"], index)
        counted["index"] = index
        return counted["line"]

    def skip_space(index: int) -> int:
        while index < len(text) and text[index] in " \t\r\n":
            index += 1
        return index

    index = skip_space(0)
    if index >= len(text) or text[index] != "[":
        raise FileRefused([RowError(line_at(index), "", _("The file must be a JSON list of goals."))])
    rows: list[SourceRow] = []
    index = skip_space(index + 1)
    if index < len(text) and text[index] == "]":
        return rows
    while True:
        start = index
        try:
            record, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as error:
            raise FileRefused(
                [RowError(error.lineno, str(error.colno), _("Broken JSON: %(error)s") % {"error": error.msg})]
            ) from None
        except RecursionError:
            # A goal is a flat object; lists in lists thousands deep exhaust the decoder's stack.
            raise FileRefused(
                [
                    RowError(
                        line_at(start),
                        "",
                        _("The JSON is nested too deeply: each goal must be a flat object."),
                    )
                ]
            ) from None
        if not isinstance(record, dict):
            raise FileRefused([RowError(line_at(start), "", _("Each goal must be a JSON object."))])
        _check_header(list(record), line_at(start))
        values = {}
        for name in COLUMNS:
            value = record[name]
            if value is not None and not isinstance(value, str):
                raise FileRefused([RowError(line_at(start), name, _("The value must be text or null."))])
            values[name] = value or ""
        rows.append(SourceRow(line_at(start), values, record=len(rows) + 1))
        index = skip_space(index)
        if index < len(text) and text[index] == ",":
            index = skip_space(index + 1)
            continue
        if index < len(text) and text[index] == "]":
            if skip_space(index + 1) != len(text):
                raise FileRefused([RowError(line_at(index), "", _("Text after the end of the list."))])
            return rows
        raise FileRefused([RowError(line_at(index), "", _("Expected “,” or “]” after a goal."))])
