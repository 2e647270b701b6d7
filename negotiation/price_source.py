"""The agreement price source of the order resolver (R-NEG-5): before the listing price (R-ORD-2)."""

from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from negotiation.choices import AgreementStatus
from negotiation.models import Agreement
from negotiation.rules import overtaken_sql
from procurement.catalogue.models import Product
from procurement.core import internals
from procurement.orders.pricing import Quote, register_price_source
from procurement.organisations.models import Organisation


class AgreementPriceSource:
    kind = "agreement"
    label = gettext_lazy("negotiated price")
    precedence = 20

    def offered(self, hospital: Organisation | None, on: date) -> Q:
        agreements = Agreement.objects.filter(
            product=OuterRef("pk"), status=AgreementStatus.ACTIVE, valid_from__lte=on, valid_until__gte=on
        )
        return Q(Exists(agreements if hospital is None else agreements.filter(hospital=hospital)))

    def consider(self, hospital: Organisation, products: list[Product], on: date):
        # The hospital's agreement in force for each product (a group's agreement is the member's own
        # row: R-NEG-3), unless the listing price has fallen below it (R-NEG-2: the lower applies, and the
        # listing source quotes it). Every order line runs this, hence a prepared statement.
        rows = internals.fetch_all(
            f"""SELECT a.product_id, a.id, a.price FROM negotiation_agreement a
               WHERE a.hospital_id = %s AND a.product_id = ANY(%s::bigint[]) AND a.status = %s
                 AND a.valid_from <= %s::date AND a.valid_until >= %s::date AND NOT {overtaken_sql("a")}""",
            [hospital.pk, [product.pk for product in products], AgreementStatus.ACTIVE, on, on],
        )
        return {
            product_id: Quote(product_id, price, self.kind, f"agreement:{agreement_id}", str(self.label))
            for product_id, agreement_id, price in rows
        }


register_price_source(AgreementPriceSource())
