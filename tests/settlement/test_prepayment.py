"""VBP prepayment (R-SET-3): both policies month by month on a hand-computed contract, through the core's
contract registry; the nightly job run twice moves no money twice."""

from datetime import date
from decimal import Decimal

import pytest

from procurement.core.contracts import ContractSource, register_contract_source, unregister_contract_source
from settlement import jobs, ledger
from settlement.choices import Account
from settlement.models import LedgerTransaction
from tests.settlement.conftest import shanghai

pytestmark = pytest.mark.django_db

# The contract: 1,200,000 tablets a year of the first listed product at 10.00 a pack of 100 → 120,000.00.
TOTAL = Decimal("120000.00")


@pytest.fixture
def contract(world, listed):
    """One contract of 永宁县人民医院 for the first listed product, from 1 January to 31 December 2025,
    delivered by the distributor — declared through the registry, as VBP declares its own."""
    source = ContractSource(
        "test",
        f"""SELECT 'test:1'::text AS contract_key, {world.hospital.pk}::bigint AS hospital_id,
                   {listed[0].pk}::bigint AS product_id, {world.distributor.pk}::bigint AS distributor_id,
                   DATE '2025-01-01' AS valid_from, DATE '2025-12-31' AS valid_until, {TOTAL}::numeric AS total,
                   10.00::numeric AS price, 1200000::bigint AS volume_units, 0::bigint AS bought_units""",
    )
    register_contract_source(source)
    yield "test:1"
    unregister_contract_source("test")


def balance(account, owner, counterparty=None):
    balances = ledger.account_balances(account=account, owner=owner)
    return sum(
        (value for (_a, _o, other, _k), value in balances.items() if counterparty is None or other == counterparty.pk),
        Decimal("0.00"),
    )


def test_national_policy_month_by_month(world, contract, accepted_at, set_policy):
    """R-SET-3 (a): 30 % of 120,000.00 = 36,000.00 prepaid in month 1; each month then offsets 30 % of that
    month's purchases — 12,600.00 in January → 3,780.00; none in February; 25,200.00 in March → 7,560.00;
    126,000.00 in May → 37,800.00, capped at the 24,660.00 left — and nothing is left for month 12."""
    set_policy("VBP_PREPAYMENT_POLICY", "national")
    set_policy("VBP_PREPAYMENT_RATE", "0.30")
    fund = world.city_bureau  # the hospital is in 银川市
    accepted_at(shanghai(2025, 1, 15), packs=1000)  # 12,600.00
    accepted_at(shanghai(2025, 3, 10), packs=2000)  # 25,200.00
    accepted_at(shanghai(2025, 5, 20), packs=10000)  # 126,000.00

    def outstanding():
        return balance(Account.PREPAYMENT, fund, world.hospital)

    # month 1: the prepayment, no offset before January ends
    assert jobs.vbp_prepayments(date(2025, 1, 1)) == {"prepayment": 1, "offset": 0, "prepayment_return": 0}
    assert outstanding() == Decimal("36000.00")
    assert balance(Account.HOSPITAL_BANK, world.hospital, fund) == Decimal("36000.00")
    assert balance(Account.FUND_BANK, fund) == Decimal("-36000.00")
    # January's purchases offset after January
    assert jobs.vbp_prepayments(date(2025, 2, 1))["offset"] == 1
    assert outstanding() == Decimal("32220.00")
    # February: nothing bought, nothing offset
    assert jobs.vbp_prepayments(date(2025, 3, 1)) == {"prepayment": 0, "offset": 0, "prepayment_return": 0}
    assert jobs.vbp_prepayments(date(2025, 4, 1))["offset"] == 1
    assert outstanding() == Decimal("24660.00")
    # April nothing; May's 37,800.00 capped at what is left
    assert jobs.vbp_prepayments(date(2025, 6, 1))["offset"] == 1
    assert outstanding() == Decimal("0.00")
    assert balance(Account.PREPAYMENT_DUE, world.hospital, fund) == Decimal("0.00")
    # after month 12: nothing left to offset
    assert jobs.vbp_prepayments(date(2026, 1, 5)) == {"prepayment": 0, "offset": 0, "prepayment_return": 0}
    offsets = LedgerTransaction.objects.filter(kind="offset").order_by("value_on")
    assert [(t.value_on, -t.entries.get(account=Account.PREPAYMENT).amount) for t in offsets] == [
        (date(2025, 1, 31), Decimal("3780.00")),
        (date(2025, 3, 31), Decimal("7560.00")),
        (date(2025, 5, 31), Decimal("24660.00")),
    ]


def test_national_policy_offsets_the_rest_after_month_12(world, contract, accepted_at, set_policy):
    """R-SET-3 (a): purchases below the agreed amount leave a rest, offset in full after month 12."""
    set_policy("VBP_PREPAYMENT_POLICY", "national")
    set_policy("VBP_PREPAYMENT_RATE", "0.40")  # a province may prepay more than 30 %
    accepted_at(shanghai(2025, 2, 1), packs=100)  # 1,260.00 → 504.00
    assert jobs.vbp_prepayments(date(2025, 12, 31)) == {"prepayment": 1, "offset": 1, "prepayment_return": 0}
    assert balance(Account.PREPAYMENT, world.city_bureau) == Decimal("48000.00") - Decimal("504.00")
    assert jobs.vbp_prepayments(date(2026, 1, 1)) == {"prepayment": 0, "offset": 1, "prepayment_return": 0}
    assert balance(Account.PREPAYMENT, world.city_bureau) == 0


def test_ningxia_policy_month_by_month(world, contract, set_policy):
    """R-SET-3 (b): the city fund prepays the distributor 60,000.00 in month 1 and 60,000.00 in month 7; the
    hospital returns 12,000.00, 24,000.00, 36,000.00 and 48,000.00 in months 3, 6, 9 and 12."""
    set_policy("VBP_PREPAYMENT_POLICY", "ningxia")
    fund, hospital, distributor = world.city_bureau, world.hospital, world.distributor
    steps = [
        (date(2025, 1, 15), {"prepayment": 1, "offset": 0, "prepayment_return": 0}, "-60000.00", "0.00"),
        (date(2025, 2, 28), {"prepayment": 0, "offset": 0, "prepayment_return": 0}, "-60000.00", "0.00"),
        (date(2025, 3, 1), {"prepayment": 0, "offset": 0, "prepayment_return": 1}, "-48000.00", "-12000.00"),
        (date(2025, 6, 30), {"prepayment": 0, "offset": 0, "prepayment_return": 1}, "-24000.00", "-36000.00"),
        (date(2025, 7, 1), {"prepayment": 1, "offset": 0, "prepayment_return": 0}, "-84000.00", "-36000.00"),
        (date(2025, 9, 2), {"prepayment": 0, "offset": 0, "prepayment_return": 1}, "-48000.00", "-72000.00"),
        (date(2025, 12, 1), {"prepayment": 0, "offset": 0, "prepayment_return": 1}, "0.00", "-120000.00"),
    ]
    for today, booked, fund_cash, hospital_cash in steps:
        assert jobs.vbp_prepayments(today) == booked, today
        assert balance(Account.FUND_BANK, fund) == Decimal(fund_cash), today
        assert balance(Account.HOSPITAL_BANK, hospital, fund) == Decimal(hospital_cash), today
    assert balance(Account.PREPAYMENT, fund, distributor) == TOTAL


def test_a_late_first_run_catches_up_and_a_second_run_moves_nothing(world, contract, set_policy):
    """R-SET-3: the job run in October books months 1–9 at once; run again (the same night or later the same
    month) it books nothing."""
    set_policy("VBP_PREPAYMENT_POLICY", "ningxia")
    assert jobs.vbp_prepayments(date(2025, 10, 5)) == {"prepayment": 2, "offset": 0, "prepayment_return": 3}
    movements = LedgerTransaction.objects.count()
    assert jobs.vbp_prepayments(date(2025, 10, 5)) == {"prepayment": 0, "offset": 0, "prepayment_return": 0}
    assert jobs.vbp_prepayments(date(2025, 10, 31)) == {"prepayment": 0, "offset": 0, "prepayment_return": 0}
    assert LedgerTransaction.objects.count() == movements


def test_a_change_of_policy_never_moves_a_months_money_twice(world, contract, set_policy):
    """R-SET-3: the keys name the contract, the month and the kind: switching policy mid-year does not book
    a second month-1 prepayment."""
    set_policy("VBP_PREPAYMENT_POLICY", "national")
    jobs.vbp_prepayments(date(2025, 1, 2))
    set_policy("VBP_PREPAYMENT_POLICY", "ningxia")
    assert jobs.vbp_prepayments(date(2025, 1, 3))["prepayment"] == 0


def test_the_bureau_reads_prepaid_recovered_and_outstanding(world, contract, accepted_at, set_policy, client):
    """R-SET-3: the bureau's overview, derived from the ledger — 36,000.00 prepaid, 3,780.00 offset."""
    from django.urls import reverse

    set_policy("VBP_PREPAYMENT_POLICY", "national")
    accepted_at(shanghai(2025, 1, 15), packs=1000)
    jobs.vbp_prepayments(date(2025, 2, 1))
    client.force_login(world.user("provincial_supervisor"))
    page = client.get(reverse("settlement:rates")).content.decode()
    table = page[page.index('data-testid="prepayments"') :]
    assert "永宁县人民医院" in table and "¥36,000.00" in table and "¥3,780.00" in table and "¥32,220.00" in table
