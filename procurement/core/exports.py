"""What the platform writes into spreadsheets people open: text, never a formula (issue 11 #7).

A cell whose text begins with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is read by
Excel and WPS as a formula — a product name or a reason typed by another party could then run one
on a reviewer's machine. Every exported text cell goes through ``safe_cell``, which prefixes such
text with an apostrophe (OWASP's advice: shown as text, never evaluated); numbers and dates stay
numbers and dates.
"""

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
