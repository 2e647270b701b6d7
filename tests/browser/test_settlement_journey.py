"""Issue 15: a hospital's finance officer sees a payable due, pays it in part and then in full; the supplier
sees the payments received and confirms one — in a real Chromium (R-SET-1, R-SET-2)."""

import pytest

from procurement.orders import services
from procurement.organisations.choices import Role
from settlement import ledger
from settlement.models import Payable, Payment
from tests.factories import UserFactory
from tests.orders.conftest import BATCH, buyer, listed, order_lines, report, storekeeper  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_hospital_pays_a_payable_and_the_supplier_sees_it_received(world, session, buyer, storekeeper, order_lines):  # noqa: F811
    # given: 10 packs at 12.60 accepted into stock — 126.00 owed to the distributor
    UserFactory(username="finance", organisation=world.hospital, roles=[Role.HOSPITAL_FINANCE])
    supplier = world.user("distributor_clerk")
    line = services.order_submit(actor=buyer, lines=order_lines(10)).order.lines.get()
    services.line_confirm(actor=supplier, line_id=line.pk)
    shipment = services.shipment_create(
        actor=supplier, line_id=line.pk, quantity=10, inspection_report=report(), **BATCH
    )
    services.shipment_accept(actor=storekeeper, shipment_id=shipment.pk, accepted_quantity=10)
    payable = Payable.objects.get(shipment=shipment)

    # when: the finance officer opens the payables from the menu and sees it due
    finance_context, finance = session("finance")
    finance.click("nav >> text=应付款")
    assert finance.inner_text(f"[data-testid=balance-{payable.pk}]") == "¥126.00"
    assert payable.due_on.isoformat() in finance.inner_text(f"[data-testid=payable-{payable.pk}]")
    # pays 0.001 first (refused: whole fen), then 100.00, then the rest
    finance.fill(f"[data-testid=amount-{payable.pk}]", "0.001")
    finance.click(f"[data-testid=pay-{payable.pk}]")
    assert "分" in finance.inner_text(".messages")
    finance.fill(f"[data-testid=amount-{payable.pk}]", "100.00")
    finance.click(f"[data-testid=pay-{payable.pk}]")
    assert finance.inner_text(f"[data-testid=balance-{payable.pk}]") == "¥26.00"
    finance.click(f"[data-testid=pay-{payable.pk}]")  # the field holds what is still owed
    assert "已付" in finance.inner_text(f"[data-testid=state-of-{payable.pk}]")
    finance_context.close()

    # then: the supplier sees both payments and confirms the first received
    supplier_context, clerk = session("distributor_clerk")
    clerk.click("nav >> text=收款")
    first, second = Payment.objects.order_by("pk")
    assert "¥100.00" in clerk.inner_text(f"[data-testid=receipt-{first.pk}]")
    clerk.click(f"[data-testid=confirm-{first.pk}]")
    assert clerk.inner_text(f"[data-testid=received-{first.pk}]") == "已收到"
    assert clerk.locator(f"[data-testid=confirm-{second.pk}]").count() == 1
    supplier_context.close()
    assert ledger.payable_balance(payable.pk) == 0 and ledger.reconcile() == []
