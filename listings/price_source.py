"""The listing price as a price source of the order resolver (R-ORD-2)."""

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy

from listings.choices import ListingStatus, SuspensionCause
from listings.models import Listing
from procurement.catalogue.models import Product
from procurement.orders.pricing import Quote, Refusal, considered_by_sql, register_price_source
from procurement.orders.public_price import register_public_price_sql
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

    # Every order line of the platform reads this: the resolver reads it with the other sources' facts,
    # for all the products of an order, in one prepared statement (procurement.orders.pricing.price_sql);
    # a listing per product, an index probe. A barred company or a delisted product is refused by the
    # core's credit check (procurement.credit.price_source), for every source.
    sql_columns = ("id", "price", "status", "suspension_cause")

    def sql(self) -> str:
        return "SELECT l.id, l.price, l.status, l.suspension_cause FROM listings_listing l WHERE l.product_id = p.id"

    def answer(self, hospital: Organisation, product: Product, values: tuple, on: date):
        listing_id, price, status, cause = values
        if listing_id is None:
            return None  # another source (a filing) may price it; if none does, it is "not listed"
        if status == ListingStatus.LISTED:
            return Quote(product.pk, price, self.kind, f"listing:{listing_id}", str(self.label))
        code, message = REFUSALS[status]
        cause_label = SuspensionCause(cause).label if cause else ""
        return Refusal(product.pk, code, str(message) % {"product": product, "cause": cause_label}, rule="R-ORD-2")

    def consider(self, hospital: Organisation, products: list[Product], on: date):
        return considered_by_sql(self, hospital, products, on)


register_price_source(ListingPriceSource())


# R-ORD-7: the public batch page shows the listing price, whatever the hospital paid.
register_public_price_sql(
    lambda product_id: (
        f"SELECT listed.price FROM {Listing._meta.db_table} listed WHERE listed.product_id = {product_id}"
    )
)
