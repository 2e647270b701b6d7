"""The listing price as a price source of the order resolver (R-ORD-2)."""

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy

from listings.choices import ListingStatus, SuspensionCause
from procurement.catalogue.models import Product
from procurement.core import internals
from procurement.orders.pricing import Quote, Refusal, register_price_source
from procurement.organisations.models import Organisation

REFUSALS = {
    ListingStatus.SUSPENDED: (
        "listing_suspended",
        gettext_lazy("“%(product)s” is suspended (%(cause)s) and cannot be ordered."),
    ),
    ListingStatus.CLOSED: (
        "listing_closed",
        gettext_lazy("Purchasing of “%(product)s” is closed (no sale for 12 months, R-LIST-12)."),
    ),
    ListingStatus.INVALID: (
        "listing_invalid",
        gettext_lazy("The listing of “%(product)s” is invalid: it cannot be ordered."),
    ),
    ListingStatus.WITHDRAWN: (
        "listing_withdrawn",
        gettext_lazy("“%(product)s” has been withdrawn from the platform (R-LIST-13)."),
    ),
}


class ListingPriceSource:
    """Listed products at their listing price; listings that are not orderable refused with their cause."""

    kind = "listing"
    label = gettext_lazy("listing price")
    precedence = 30

    def offered(self, hospital: Organisation | None, on: date) -> Q:
        # Every listed product, in whatever state: one that may not be bought is shown with the reason.
        # A join (a product has at most one listing), not EXISTS: OR-ed with another source's EXISTS, the
        # planner charged a subquery per product, compiled the buy page's count with JIT and built a hash
        # of every listing for each page (bench/search.py: the unsearched buy page's count 150 ms → 20 ms).
        return Q(listing__isnull=False)

    def consider(self, hospital: Organisation, products: list[Product], on: date):
        # One round trip for every product of an order (this runs for every order line the platform
        # receives). Prepared with one plan for any array: the lateral lookup keeps it an index probe
        # per product, whatever the size of the table. A barred company or a delisted product is
        # refused by the core's credit check (procurement.credit.price_source), for every source.
        rows = internals.fetch_all(
            """SELECT p.id, l.id, l.price, l.status, l.suspension_cause
                   FROM unnest(%s::bigint[]) AS p(id)
                   LEFT JOIN LATERAL (SELECT * FROM listings_listing l WHERE l.product_id = p.id LIMIT 1) l ON true""",
            [[p.pk for p in products]],
        )
        rows = {row[0]: row[1:] for row in rows}
        answers = {}
        for product in products:
            listing_id, price, status, cause = rows[product.pk]
            if listing_id is None:
                continue  # another source (a filing) may price it; if none does, it is "not listed"
            elif status == ListingStatus.LISTED:
                answers[product.pk] = Quote(product.pk, price, self.kind, f"listing:{listing_id}", str(self.label))
            else:
                code, message = REFUSALS[status]
                cause_label = SuspensionCause(cause).label if cause else ""
                answers[product.pk] = Refusal(
                    product.pk, code, str(message) % {"product": product, "cause": cause_label}, rule="R-ORD-2"
                )
        return answers


register_price_source(ListingPriceSource())
