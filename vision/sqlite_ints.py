"""Integers past 64 bits match nothing on SQLite, as on PostgreSQL, instead of raising.

SQLite's driver raises OverflowError binding an int that does not fit 64 bits, so any
id a user can type (a form's goal choice, ``?open=``, a relink's parent) with 20 digits
was a 500 wherever a form or view passed it to a query unchecked. PostgreSQL compares
it as a number and finds no row. Bound here as an infinity, such an int finds no row on
SQLite either; ids that fit are passed through unchanged.
"""

import sqlite3

MAX_INTEGER = 2**63 - 1


def bounded(value: int) -> int | float:
    if -MAX_INTEGER - 1 <= value <= MAX_INTEGER:
        return value
    return float("inf") if value > 0 else float("-inf")


def register() -> None:
    sqlite3.register_adapter(int, bounded)
