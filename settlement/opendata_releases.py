"""Payments to suppliers as OCDS releases (R-SUP-7, through ``procurement.core.opendata``): one release per hospital
and month — for each supplier it paid (or the fund paid for it, R-SET-2), the payments as the contract's
implementation transactions. Amounts between parties only: no product, quantity or price, so a hospital's
negotiated price (not public, R-NEG-4) cannot be read from them. Reversed payments are left out (R-SET-4)."""

from itertools import groupby

from django.utils.translation import gettext_lazy

from procurement.core import opendata
from settlement.choices import Payer
from settlement.models import Payment


def payment_releases(period: opendata.Period):
    # The publication of payments (R-SUP-7): every party's payments, as amounts, for the public.
    payments = opendata.in_period(
        Payment.objects.filter(reversal__isnull=True)
        .select_related("hospital", "distributor", "payer_organisation")
        .order_by("hospital_id", "paid_on", "id"),
        "paid_on",
        period,
    )
    month_of = lambda payment: (payment.hospital_id, payment.paid_on.strftime("%Y%m"))  # noqa: E731
    for (_hospital_id, month), group in groupby(payments.iterator(chunk_size=2000), key=month_of):
        group = list(group)
        hospital = group[0].hospital
        by_supplier: dict[int, list[Payment]] = {}
        for payment in group:
            by_supplier.setdefault(payment.distributor_id, []).append(payment)
        parties = opendata.merge_parties(
            [opendata.party(hospital, "buyer", "payer")],
            [opendata.party(payment.distributor, "supplier", "payee") for payment in group],
            [opendata.party(p.payer_organisation, "payer", "funder") for p in group if p.payer == Payer.FUND],
        )
        key = f"payments-{hospital.pk}-{month}"
        awards, contracts = [], []
        for distributor_id, paid in by_supplier.items():
            supplier = paid[0].distributor
            supply = f"supply-{hospital.pk}-{distributor_id}"
            awards.append({"id": supply, "status": "active", "suppliers": [opendata.reference(supplier)]})
            contracts.append(
                {
                    "id": f"{supply}-{month}",
                    "awardID": supply,
                    "title": "药品配送货款结算",
                    "status": "active",
                    "implementation": {
                        "transactions": [
                            {
                                "id": f"payment-{payment.pk}",
                                "source": "platform",
                                "date": opendata.moment(payment.paid_on),
                                "value": opendata.value(payment.amount),
                                "payer": opendata.reference(payment.payer_organisation),
                                "payee": opendata.reference(supplier),
                            }
                            for payment in paid
                        ]
                    },
                }
            )
        yield {
            "ocid": opendata.ocid("payments", hospital.credit_code, month),
            "id": f"{key}-{max(payment.paid_on for payment in group):%Y%m%d}",
            "date": opendata.moment(max(payment.paid_on for payment in group)),
            "tag": ["implementation"],
            "initiationType": "tender",
            "language": "zh",
            "parties": parties,
            "buyer": opendata.reference(hospital),
            "awards": awards,
            "contracts": contracts,
        }


opendata.register_release_source(
    opendata.OcdsReleaseSource("payments", gettext_lazy("Payments to suppliers"), payment_releases)
)
