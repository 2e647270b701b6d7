"""VBP declares its contracts through the core's registry (R-SET-3): settlement prepays a real VBP contract
without importing VBP."""

from decimal import Decimal

import pytest
from django.db import connection

from procurement.core.contracts import contracts_sql
from settlement import jobs, ledger
from settlement.choices import Account
from tests.vbp.conftest import atorvastatin, bureau, national_round  # noqa: F401
from tests.vbp.test_completion_and_cap import contract  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_vbp_contract_is_declared_and_prepaid(world, contract, set_policy):  # noqa: F811
    """730 tablets a year at 5.46 a pack of 7 = 569.40; the national policy prepays 30 % = 170.82."""
    with connection.cursor() as cursor:
        cursor.execute(contracts_sql().replace("%%", "%"))
        rows = {row[0]: row for row in cursor.fetchall()}
    key = f"vbp:{contract.pk}"
    assert rows[key][1] == world.hospital.pk and rows[key][6] == Decimal("569.40")
    set_policy("VBP_PREPAYMENT_POLICY", "national")
    assert jobs.vbp_prepayments(contract.valid_from)["prepayment"] == 1
    balances = ledger.account_balances(account=Account.PREPAYMENT, contract_key=key)
    assert list(balances.values()) == [Decimal("170.82")]
