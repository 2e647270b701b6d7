"""Each app registers its own demo seeder; seed_demo runs them in dependency order (issue 9)."""

import io

import pypdf
import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from procurement.core.seeding import DemoSeeder, seeders_in_order


def seeder(name, after=(), before=()):
    return DemoSeeder(name, lambda context: None, tuple(after), tuple(before), "")


def test_seeders_run_after_what_they_need_and_before_what_needs_them():
    registered = {
        "orders": seeder("orders", after=["catalogue"]),
        "listings": seeder("listings", after=["catalogue"], before=["orders"]),
        "catalogue": seeder("catalogue", after=["organisations"]),
        "organisations": seeder("organisations"),
        "credit": seeder("credit", after=["orders"]),
    }
    assert [s.name for s in seeders_in_order(registered)] == [
        "organisations",
        "catalogue",
        "listings",
        "orders",
        "credit",
    ]


@pytest.mark.parametrize(
    "registered, message",
    [
        ({"a": seeder("a", after=["b"]), "b": seeder("b", after=["a"])}, "cycle"),
        ({"a": seeder("a", after=["nowhere"])}, "not registered"),
        ({"a": seeder("a", before=["nowhere"])}, "not registered"),
    ],
)
def test_a_cycle_or_an_unknown_seeder_is_an_error(registered, message):
    with pytest.raises(ValueError, match=message):
        seeders_in_order(registered)


@pytest.mark.django_db
def test_seed_demo_fills_every_channel_through_its_seeder_and_prints_the_logins(statutory_calendar, client):
    # when
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    # then: every app's part is there
    from listings.models import Listing, PriceLinkageNotice
    from negotiation.models import Agreement, AgreementZoning
    from procurement.credit.models import BadRecord
    from procurement.orders.models import Order, Shipment
    from procurement.organisations.models import User

    assert Listing.objects.count() > 400 and PriceLinkageNotice.objects.exists()
    assert Agreement.objects.count() > 200 and AgreementZoning.objects.exists()
    orders = Order.objects.count()
    assert orders >= 6 and Shipment.objects.filter(status="accepted").exists()
    assert BadRecord.objects.get().organisation.name == "宁夏康亚药业股份有限公司"
    assert "hospital.buyer" in out.getvalue() and "HIS API key" in out.getvalue()
    assert "already seeded" in again.getvalue() and Order.objects.count() == orders
    # VBP (issue 14): a national result allocated into contracts, bought from; a provincial round opened, one open
    from vbp.models import Contract, ContractProgress, Round

    assert Contract.objects.exists() and ContractProgress.objects.filter(bought_units__gt=0).exists()
    assert sorted(Round.objects.values_list("kind", "status")) == [
        ("national", "opened"),
        ("provincial", "bidding"),
        ("provincial", "opened"),
    ]
    # settlement (issue 15): payables in every state, payments by the hospital and the fund, books reconciled
    from settlement import ledger
    from settlement.models import LedgerTransaction, Payable, Payment, PaymentRate

    assert Payable.objects.filter(due_on__lt=timezone.localdate(), settled_on__isnull=True).exists()  # overdue
    assert Payable.objects.filter(settled_on__gt=F("due_on")).exists()  # paid late
    assert Payable.objects.filter(settled_on__isnull=False).exists()
    assert {"hospital", "fund"} <= set(Payment.objects.values_list("payer", flat=True))
    assert PaymentRate.objects.exists() and LedgerTransaction.objects.filter(kind="prepayment").exists()
    assert ledger.reconcile() == []
    # and the demo buyer's buy page shows the barred maker's products greyed out with the reason
    client.force_login(User.objects.get(username="hospital.buyer"))
    page = client.get("/orders/buy/", {"q": "宁夏康亚"}).content.decode()
    assert 'class="unorderable"' in page and "不良记录" in page and "R-LIST-14" not in page
    # and each shipped batch's inspection report is a real PDF with Chinese text (issue 12)
    shipment = Shipment.objects.order_by("pk").first()
    with shipment.inspection_report.open("rb") as report:
        pdf = report.read()
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert pdf.startswith(b"%PDF-") and "药品检验报告书" in text and shipment.batch_number in text
    # filed purchases: past batches, this month's waiting, the demo hospital buys its filed drug (R-FIL-3)
    from filings.models import Filing, FilingBatch, FilingWarning

    assert FilingBatch.objects.count() == 3 and Filing.objects.filter(status="submitted").count() == 3
    assert FilingWarning.objects.exists() and Filing.objects.filter(follow_up_flagged_on__isnull=False).exists()
    page = client.get("/orders/buy/", {"q": "两性霉素B脂质体"}).content.decode()
    assert 'class="unorderable"' not in page and 'data-testid="offer-XZZ' in page and "R-FIL-3" not in page
    client.force_login(User.objects.get(username="county.hospital.buyer"))
    page = client.get("/orders/buy/", {"q": "两性霉素B脂质体"}).content.decode()
    assert 'class="unorderable"' in page and "R-FIL-3" not in page  # plain words for a hospital (issue 12)
