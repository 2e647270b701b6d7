"""Pages of settlement: a finance officer pays in part (a refusal shown, nothing paid), the supplier confirms,
the bureau reads on-time rates of its region only (R-SET-2, R-SET-5)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from settlement import jobs, ledger, services
from settlement.models import Payment
from tests.settlement.conftest import shanghai

pytestmark = pytest.mark.django_db


def test_a_finance_officer_pays_in_part_from_the_payables_page(deliver, finance, client):
    payable = deliver(10).payable
    client.force_login(finance)
    page = client.get(reverse("settlement:payables")).content.decode()
    assert f'data-testid="balance-{payable.pk}">¥126.00' in page
    # a sub-fen amount: refused with the rule's message, nothing paid
    refused = client.post(reverse("settlement:pay"), {"payable": payable.pk, "amount": "0.001"}, follow=True)
    assert "不是整分" in refused.content.decode() and not Payment.objects.exists()
    client.post(reverse("settlement:pay"), {"payable": payable.pk, "amount": "26.00"})
    assert ledger.payable_balance(payable.pk) == Decimal("100.00")


def test_the_supplier_confirms_on_its_receipts_page(deliver, finance, supplier, client):
    payable = deliver(10).payable
    payment = services.payment_record(actor=finance, payable_id=payable.pk, amount=Decimal("126.00"))
    client.force_login(supplier)
    assert f"confirm-{payment.pk}" in client.get(reverse("settlement:receipts")).content.decode()
    client.post(reverse("settlement:confirm"), {"payment": payment.pk})
    payment.refresh_from_db()
    assert payment.confirmed_by == supplier


def test_other_parties_cannot_pay_or_see_the_pages(world, deliver, client):
    payable = deliver(10).payable
    client.force_login(world.user("manufacturer_clerk"))
    assert client.get(reverse("settlement:payables")).status_code == 403
    client.force_login(world.user("other_hospital_admin"))
    assert client.post(reverse("settlement:pay"), {"payable": payable.pk, "amount": "1.00"}).status_code == 404


def test_the_bureau_reads_on_time_rates_of_its_region_only(world, accepted_at, finance, client):
    """R-SET-5: by amount and by count, per region and hospital; a county bureau sees its county only."""
    paid = accepted_at(shanghai(2025, 1, 10))
    accepted_at(shanghai(2025, 1, 10), hospital=world.other_hospital)
    services.payment_record(actor=finance, payable_id=paid.pk, amount=Decimal("126.00"), paid_on=date(2025, 2, 1))
    jobs.payment_rates(date(2025, 3, 5))
    client.force_login(world.user("provincial_supervisor"))
    page = client.get(reverse("settlement:rates")).content.decode()
    assert "银川市" in page and "石嘴山市" in page and 'data-testid="rate-chart"' in page
    client.force_login(world.user("county_bureau"))
    page = client.get(reverse("settlement:rates")).content.decode()
    assert "永宁县人民医院" in page and "平罗县人民医院" not in page and "石嘴山市" not in page


def test_the_payables_export_to_excel_with_the_state_filter(deliver, finance, client):
    """The issue's views: exports to Excel — what the page shows, what is still owed from the ledger."""
    import io

    from openpyxl import load_workbook

    payable = deliver(10).payable
    services.payment_record(actor=finance, payable_id=payable.pk, amount=Decimal("26.00"))
    client.force_login(finance)
    response = client.get(reverse("settlement:payables-export"), {"state": "open"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 2
    assert rows[1][7] == 100 and rows[1][3] == payable.product.generic_name
    empty = client.get(reverse("settlement:payables-export"), {"state": "paid"})
    assert len(list(load_workbook(io.BytesIO(b"".join(empty.streaming_content))).active.values)) == 1
