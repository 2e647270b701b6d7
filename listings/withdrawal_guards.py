"""What may stop a product's withdrawal (撤网, R-LIST-13), registered by other channels.

DOMAIN.md's choice: a VBP winner cannot withdraw during its contract. The VBP channel knows its
contracts; it registers a guard here (``register_withdrawal_guard``), as channels register price
sources, and the withdrawal services ask every guard when a request is made and again when the
bureau approves it. This module imports nothing of the listing channel, so that registering is the
only thing another channel does with it (pyproject.toml names the exception).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class WithdrawalBlocked:
    code: str
    message: str
    rule: str = "R-LIST-13"
    params: dict = field(default_factory=dict)


# guard(product_id, manufacturer_id, day) → why the product may not be withdrawn on ``day``, or None
WithdrawalGuard = Callable[[int, int, date], WithdrawalBlocked | None]

_guards: dict[str, WithdrawalGuard] = {}


def register_withdrawal_guard(name: str, guard: WithdrawalGuard) -> None:
    _guards[name] = guard


def unregister_withdrawal_guard(name: str) -> None:
    _guards.pop(name, None)


def withdrawal_blocked(product_id: int, manufacturer_id: int, day: date) -> WithdrawalBlocked | None:
    for guard in _guards.values():
        blocked = guard(product_id, manufacturer_id, day)
        if blocked is not None:
            return blocked
    return None
