"""One place for writing spreadsheets people open in Excel or LibreOffice.

A cell starting with = + - @ (or a tab / carriage return before one of them)
is read as a formula by spreadsheet programs: "CSV injection". Every CSV or
XLSX writer of the project goes through ``safe_cell`` / ``writer`` so the rule
is fixed in one place (OWASP's advice: prefix such a cell with a single quote).
"""

from __future__ import annotations

import csv
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet must show it: text that would start a formula
    is prefixed with a quote; numbers and dates stay typed."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, **kwargs) -> _SafeWriter:
    """A ``csv.writer`` whose every cell goes through ``safe_cell``."""
    return _SafeWriter(file, **kwargs)


def read_cell(value: str) -> str:
    """A cell of a CSV file read back: the quote ``safe_cell`` put before a formula
    trigger is taken off, so a file we exported (the rejected rows, fixed by a
    mediator) imports with the text as it was typed. Any other quote is the
    person's own and stays."""
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value
