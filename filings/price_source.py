"""The filed price as a price source of the order resolver (R-FIL-3, R-ORD-2): for the filing hospital only.

A confirmed filing quotes its filed price to the hospital that filed it, from its ``valid_from`` to its
``valid_until``, after every other source (precedence 40: a filed product has no listing; were one
approved later, its price would come first). Any other hospital is shown the product — it is on the
platform — and refused with the reason, as a *fallback* refusal: given only when no other source
quotes the product, so a later listing still sells it to everyone.
"""

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filings.choices import FilingStatus
from filings.models import Filing
from filings.rules import FILING_SOURCE
from procurement.catalogue.models import Product
from procurement.orders.pricing import Quote, Refusal, considered_by_sql, register_price_source
from procurement.organisations.models import Organisation


class FilingPriceSource:
    kind = FILING_SOURCE
    label = gettext_lazy("filed price")
    precedence = 40

    def offered(self, hospital: Organisation | None, on: date) -> Q:
        # Every product with a filing in force: the filing hospital buys it, the others read why not.
        # ``IN`` an uncorrelated subquery (hashed once), not a correlated EXISTS run for every product.
        in_force = Filing.objects.filter(status=FilingStatus.APPROVED, valid_from__lte=on, valid_until__gte=on)
        return Q(pk__in=in_force.values("product"))

    # The filing in force for the product — the hospital's own first — read with the other sources' facts
    # in one prepared statement (procurement.orders.pricing.price_sql): an index probe on (product, status).
    sql_columns = ("id", "price", "own")

    def sql(self) -> str:
        return (
            "SELECT f.id, f.price, f.hospital_id = %(hospital)s::bigint AS own FROM filings_filing f"
            f" WHERE f.product_id = p.id AND f.status = '{FilingStatus.APPROVED}'"
            " AND f.valid_from <= %(on)s::date AND f.valid_until >= %(on)s::date"
            " ORDER BY f.hospital_id = %(hospital)s::bigint DESC, f.id LIMIT 1"
        )

    def answer(self, hospital: Organisation, product: Product, values: tuple, on: date):
        filing_id, price, own = values
        if filing_id is None:
            return None
        if own:
            return Quote(product.pk, price, self.kind, f"filing:{filing_id}", str(self.label))
        return Refusal(
            product.pk,
            "filed_by_another_hospital",
            _(
                "“%(product)s” is a filed purchase of another hospital: only the hospital that filed it may buy it "
                "(R-FIL-3). To buy it, file for it yourself."
            )
            % {"product": product},
            rule="R-FIL-3",
            fallback=True,
        )

    def consider(self, hospital: Organisation, products: list[Product], on: date):
        return considered_by_sql(self, hospital, products, on)


register_price_source(FilingPriceSource())
