"""Indicator files for import_indicators: CSV (UTF-8, comma or semicolon) or xlsx.

Columns: ``goal`` (the goal's external id), ``title``, ``unit`` (of measure),
``direction`` (``higher`` or ``lower``), ``kolada_kpi`` (may be empty) and any
number of ``target_YYYY`` columns (a target per year; an empty cell sets none).
Reading gives goals.exchange's SourceRows, which carry their line for errors.
"""

import re

from django.utils.translation import gettext as _

from goals.exchange import formats as goal_files
from goals.exchange.formats import FileRefused, RowError, SourceRow

REQUIRED = ("goal", "title", "unit", "direction", "kolada_kpi")
TARGET_COLUMN = re.compile(r"^target_(\d{4})$")
FORMATS = ("csv", "xlsx")


def format_of(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        raise FileRefused(
            [RowError(1, "", _("Unknown file type “%(name)s”: use .csv or .xlsx.") % {"name": filename})]
        )
    return suffix


def target_years(header: list[str]) -> dict[str, int]:
    return {name: int(match.group(1)) for name in header if (match := TARGET_COLUMN.match(name))}


def check_header(header: list[str]) -> None:
    errors = [
        RowError(1, name or str(position), _("Unknown column."))
        for position, name in enumerate(header, start=1)
        if name not in REQUIRED and not TARGET_COLUMN.match(name)
    ]
    errors += [RowError(1, name, _("The column is missing.")) for name in REQUIRED if name not in header]
    if len(set(header)) != len(header):
        errors.append(RowError(1, "", _("A column appears twice in the header.")))
    if errors:
        raise FileRefused(errors)


def read(data: bytes, fmt: str) -> tuple[list[str], list[SourceRow]]:
    """The header and rows of an indicator file, or FileRefused saying where it cannot be read.

    goals.exchange reads the file, so both imports meet the same errors for the same faults."""
    header: list[str] = []

    def accepted(names: list[str]) -> None:
        check_header(names)
        header.extend(names)

    reader = goal_files.read_xlsx if fmt == "xlsx" else goal_files.read_csv
    rows = reader(data, check_header=accepted)
    return header, [SourceRow(row.line, {n: v.strip() for n, v in row.values.items()}) for row in rows]
