"""The listing price as a price source of the order resolver (R-ORD-2, R-LIST-14)."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from listings.choices import ListingStatus, SuspensionCause
from procurement.catalogue.models import Product
from procurement.core import prepared
from procurement.orders.choices import PriceSourceKind
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
    """Listed products at their listing price; not-orderable listings and barred companies refused."""

    kind = PriceSourceKind.LISTING
    precedence = 30

    def consider(self, hospital: Organisation, products: list[Product], on: date):
        # One round trip for every product of an order: its listing, and its maker's bar if any (this
        # runs for every order line the platform receives). Prepared with one plan for any array: the
        # lateral lookups keep it an index probe per product, whatever the size of the tables.
        rows = prepared.fetch_all(
            """SELECT p.id, l.id, l.price, l.status, l.suspension_cause, bar.ends_on
                   FROM unnest(%s::bigint[], %s::bigint[]) AS p(id, manufacturer_id)
                   LEFT JOIN LATERAL (SELECT * FROM listings_listing l WHERE l.product_id = p.id LIMIT 1) l ON true
                   LEFT JOIN LATERAL (SELECT max(b.ends_on) AS ends_on FROM supervision_badrecord b
                                      WHERE b.organisation_id = p.manufacturer_id AND b.starts_on <= %s::date
                                        AND b.ends_on >= %s::date) bar ON true""",
            [[p.pk for p in products], [p.manufacturer_id for p in products], on, on],
        )
        rows = {row[0]: row[1:] for row in rows}
        answers = {}
        for product in products:
            listing_id, price, status, cause, barred_until = rows[product.pk]
            if barred_until is not None:
                answers[product.pk] = Refusal(
                    product.pk,
                    "company_barred",
                    _(
                        "The manufacturer of “%(product)s” is on the bad-record list until %(until)s: nothing of it may be "
                        "bought (R-LIST-14)."
                    )
                    % {"product": product, "until": barred_until},
                    rule="R-LIST-14",
                )
            elif listing_id is None:
                continue  # another source (a filing) may price it; if none does, it is "not listed"
            elif status == ListingStatus.LISTED:
                answers[product.pk] = Quote(product.pk, price, self.kind, f"listing:{listing_id}", _("listing price"))
            else:
                code, message = REFUSALS[status]
                cause_label = SuspensionCause(cause).label if cause else ""
                answers[product.pk] = Refusal(
                    product.pk, code, str(message) % {"product": product, "cause": cause_label}, rule="R-ORD-2"
                )
        return answers


register_price_source(ListingPriceSource())
