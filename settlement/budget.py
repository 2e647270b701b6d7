"""Savings retention and budget deductions (结余留用 / 预算扣减, R-SET-6, R-SET-7): the rules, and the figures
they rest on read in two set-based queries.

For a year, every hospital with a VBP contract in force in it (read through the core's contract registry,
``procurement.core.contracts``: settlement does not import VBP) is assessed:

- **volume completed**: every contract's bought units (the channel's own completion count, R-VBP-5) reach its
  agreed annual volume;
- **paid on time**: of the payables falling due in the year (up to the day of the assessment), at least the share
  ``SAVINGS_ON_TIME_RATE`` by amount was paid by its due date, and nothing overdue is still owed;
- **savings** (R-SET-6) = Σ over its contracts (previous price − winning price) × volume bought, per minimum unit;
  the previous price is what the hospital paid per minimum unit for the same generic name, dosage form and
  specification in the twelve months before the contract began (its payables: amount ÷ units), none → no savings
  claimed for that contract (shown);
- a hospital that completed its volume and paid on time **retains** its savings; one that did not gets a
  **proposed deduction** (R-SET-7, our choice of formula, policy values):
  ``shortfall units × contract unit price × BUDGET_DEDUCTION_SHORTFALL_RATE
  + overdue amount still owed × BUDGET_DEDUCTION_OVERDUE_RATE``, to the fen.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from procurement.core.contracts import contracts_sql
from procurement.core.money import round_money, round_price

CONTRACT_FIGURES_SQL = """
WITH contracts AS ({contracts})
SELECT k.hospital_id, k.contract_key, p.code, p.generic_name, k.valid_from, k.valid_until,
       k.volume_units, k.bought_units, round(k.price / p.pack_quantity, 4) AS unit_price,
       before.amount AS before_amount, before.units AS before_units
FROM contracts k
JOIN catalogue_product p ON p.id = k.product_id
LEFT JOIN LATERAL (
    SELECT sum(pay.amount) AS amount, sum(pay.quantity * bp.pack_quantity) AS units
    FROM settlement_payable pay
    JOIN catalogue_product bp ON bp.id = pay.product_id
    WHERE pay.hospital_id = k.hospital_id
      AND bp.generic_name = p.generic_name AND bp.dosage_form = p.dosage_form AND bp.specification = p.specification
      AND pay.accepted_on >= k.valid_from - interval '12 months' AND pay.accepted_on < k.valid_from
) before ON true
WHERE k.valid_from <= %(year_end)s AND k.valid_until >= %(year_start)s
ORDER BY k.hospital_id, k.contract_key
"""

# R-SET-5 figures of the hospitals assessed: payables falling due in the year (by the day of the assessment), those
# paid by their due date, and what is overdue and still owed (from the ledger, R-SET-4).
PAYMENT_FIGURES_SQL = """
SELECT pay.hospital_id,
       coalesce(sum(pay.amount) FILTER (WHERE pay.due_on BETWEEN %(year_start)s AND %(year_end)s
                                       AND pay.due_on < %(due_by)s), 0) AS due,
       coalesce(sum(pay.amount) FILTER (WHERE pay.due_on BETWEEN %(year_start)s AND %(year_end)s
                                       AND pay.due_on < %(due_by)s AND pay.settled_on <= pay.due_on), 0) AS on_time,
       coalesce(sum(owed.balance) FILTER (WHERE pay.settled_on IS NULL AND pay.due_on < %(on)s), 0) AS overdue
FROM settlement_payable pay
LEFT JOIN LATERAL (
    SELECT -sum(e.amount) AS balance FROM settlement_ledgerentry e
    WHERE e.payable_id = pay.id AND e.account = 'payable'
) owed ON pay.settled_on IS NULL
WHERE pay.hospital_id = ANY(%(hospitals)s)
GROUP BY pay.hospital_id
"""


@dataclass
class ContractFigures:
    contract_key: str
    code: str
    generic_name: str
    volume_units: int
    bought_units: int
    unit_price: Decimal  # the winning (contract) price per minimum unit
    previous_unit_price: Decimal | None  # what the hospital paid per unit before the contract, if it bought any

    @property
    def completed(self) -> bool:
        return self.bought_units >= self.volume_units

    @property
    def shortfall_units(self) -> int:
        return max(self.volume_units - self.bought_units, 0)

    @property
    def savings(self) -> Decimal:
        """R-SET-6: (previous price − winning price) × volume bought; none without an earlier price, never < 0."""
        if self.previous_unit_price is None:
            return Decimal("0.00")
        return round_money(max(self.previous_unit_price - self.unit_price, Decimal(0)) * self.bought_units)

    def as_json(self) -> dict:
        return {
            "contract": self.contract_key,
            "code": self.code,
            "generic_name": self.generic_name,
            "volume_units": self.volume_units,
            "bought_units": self.bought_units,
            "unit_price": str(self.unit_price),
            "previous_unit_price": None if self.previous_unit_price is None else str(self.previous_unit_price),
            "savings": str(self.savings),
            "shortfall_units": self.shortfall_units,
        }


@dataclass
class Assessed:
    hospital_id: int
    contracts: list[ContractFigures] = field(default_factory=list)
    payables_due: Decimal = Decimal("0.00")
    paid_on_time: Decimal = Decimal("0.00")
    overdue_amount: Decimal = Decimal("0.00")

    @property
    def agreed_units(self) -> int:
        return sum(contract.volume_units for contract in self.contracts)

    @property
    def bought_units(self) -> int:
        return sum(contract.bought_units for contract in self.contracts)

    @property
    def volume_completed(self) -> bool:
        return all(contract.completed for contract in self.contracts)

    def paid_on_time_ok(self, on_time_rate: Decimal) -> bool:
        """R-SET-6: paid on time: the share by amount at least ``on_time_rate``, and nothing overdue still owed."""
        if self.overdue_amount > 0:
            return False
        return self.payables_due == 0 or self.paid_on_time >= self.payables_due * on_time_rate

    @property
    def savings(self) -> Decimal:
        return round_money(sum((contract.savings for contract in self.contracts), Decimal(0)))

    def deduction(self, shortfall_rate: Decimal, overdue_rate: Decimal) -> Decimal:
        """R-SET-7 (our choice): the shortfall's value and the overdue amount owed, each at its policy rate."""
        shortfall = sum((contract.shortfall_units * contract.unit_price for contract in self.contracts), Decimal(0))
        return round_money(shortfall * shortfall_rate + self.overdue_amount * overdue_rate)


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def assess_year(year: int, on: date) -> list[Assessed]:
    """R-SET-6, R-SET-7: every hospital with a VBP contract in force in ``year``, its figures as of ``on``."""
    year_start, year_end = year_bounds(year)
    found: dict[int, Assessed] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            CONTRACT_FIGURES_SQL.format(contracts=contracts_sql()), {"year_start": year_start, "year_end": year_end}
        )
        for hospital_id, key, code, name, _from, _until, volume, bought, unit, amount, units in cursor.fetchall():
            previous = round_price(Decimal(amount) / units) if units else None
            found.setdefault(hospital_id, Assessed(hospital_id)).contracts.append(
                ContractFigures(key, code, name, int(volume), int(bought), Decimal(unit), previous)
            )
        if found:
            cursor.execute(
                PAYMENT_FIGURES_SQL,
                {
                    "year_start": year_start,
                    "year_end": year_end,
                    "due_by": min(on, year_end + timedelta(days=1)),
                    "on": on,
                    "hospitals": list(found),
                },
            )
            for hospital_id, due, on_time, overdue in cursor.fetchall():
                found[hospital_id].payables_due = round_money(due)
                found[hospital_id].paid_on_time = round_money(on_time)
                found[hospital_id].overdue_amount = round_money(overdue)
    return [found[hospital_id] for hospital_id in sorted(found)]
