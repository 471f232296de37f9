"""Cells a spreadsheet would run as formulas, made harmless in every CSV and xlsx the app writes.

A cell whose text starts with "=", "+", "-", "@", a tab or a carriage return
(OWASP's CSV injection list) is written with an apostrophe in front, which
spreadsheets read as "this is text". So that the goal files read back to
exactly what was written, a text that already starts with apostrophes before
such a character gets one more too, and ``restored`` takes exactly one away
from the cells that carry one in front of such a character: every text
survives ``restored(neutralised(text))`` unchanged, and a typed "'=1+1"
reads as the text "=1+1" that a spreadsheet would show.
"""

TRIGGERS = frozenset("=+-@\t\r")
QUOTE = "'"


def _needs_quote(text: str) -> bool:
    return text.lstrip(QUOTE)[:1] in TRIGGERS


def neutralised(value):
    """The cell to write for ``value``: text a spreadsheet would run gets an apostrophe in front.

    Anything but text (numbers, None) is returned as it is: a number is no formula.
    """
    if isinstance(value, str) and value and _needs_quote(value):
        return QUOTE + value
    return value


def restored(value: str) -> str:
    """The text a cell written by ``neutralised`` stands for."""
    if value.startswith(QUOTE) and _needs_quote(value):
        return value[len(QUOTE) :]
    return value
