"""Checks a channel adds to every order, on its priced lines, before they are written.

A price source answers for one product at a time and knows nothing of quantities; some rules weigh the
order's quantities against what the hospital bought before — R-VBP-6: non-winning products of a VBP
generic name never beyond the units of winning ones. A channel registers such a check with
``@order_check`` (from its ``apps.ready``), as it registers a price source; ``order_submit`` runs every
check inside the order's transaction, after every line is priced and before any is written, so a check
may take locks that hold until the order commits (two concurrent orders cannot together pass a cap).
A check returns the problems of the lines it refuses (``field="lines[i]…"``); any problem refuses the
whole order and nothing is written.
"""

from collections.abc import Callable

from procurement.core.errors import Problem
from procurement.organisations.models import Organisation

OrderCheck = Callable[[Organisation, list], list[Problem]]

_checks: list[OrderCheck] = []


def order_check(check: OrderCheck) -> OrderCheck:
    """Register ``check(hospital, lines)``: ``lines`` are the order's unsaved ``OrderLine``s, in the
    request's order, with their product (code, generic name, pack quantity …) and resolved price."""
    if check not in _checks:
        _checks.append(check)
    return check


def unregister_order_check(check: OrderCheck) -> None:
    if check in _checks:
        _checks.remove(check)


def run_order_checks(hospital: Organisation, lines: list) -> list[Problem]:
    problems: list[Problem] = []
    for check in list(_checks):
        problems.extend(check(hospital, lines) or ())
    return problems
