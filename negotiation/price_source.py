"""The agreement price source of the order resolver (R-NEG-5): before the listing price (R-ORD-2)."""

from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from negotiation.choices import AgreementStatus
from negotiation.models import Agreement
from negotiation.rules import overtaken_sql
from procurement.catalogue.models import Product
from procurement.orders.pricing import Quote, considered_by_sql, register_price_source
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

    # The hospital's agreement in force for the product (a group's agreement is the member's own row:
    # R-NEG-3; one active agreement per hospital and product), read with the other sources' facts in
    # one prepared statement for every order (procurement.orders.pricing.price_sql).
    sql_columns = ("id", "price")

    def sql(self) -> str:
        return (
            "SELECT a.id, a.price FROM negotiation_agreement a"
            f" WHERE a.hospital_id = %(hospital)s::bigint AND a.product_id = p.id AND a.status = '{AgreementStatus.ACTIVE}'"
            " AND a.valid_from <= %(on)s::date AND a.valid_until >= %(on)s::date"
            # R-NEG-2: an agreement the listing price has fallen below quotes nothing; the lower applies.
            f" AND NOT {overtaken_sql('a')}"
        )

    def answer(self, hospital: Organisation, product: Product, values: tuple, on: date):
        agreement_id, price = values
        if agreement_id is None:
            return None
        return Quote(product.pk, price, self.kind, f"agreement:{agreement_id}", str(self.label))

    def consider(self, hospital: Organisation, products: list[Product], on: date):
        return considered_by_sql(self, hospital, products, on)


register_price_source(AgreementPriceSource())
