"""The listing price as a price source of the order resolver (R-ORD-2, R-LIST-14)."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from listings.choices import ListingStatus
from listings.models import Listing
from procurement.catalogue.models import Product
from procurement.orders.choices import PriceSourceKind
from procurement.orders.pricing import Quote, Refusal, register_price_source
from procurement.organisations.models import Organisation
from supervision.models import BadRecord

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
        listings = {listing.product_id: listing for listing in Listing.objects.filter(product__in=products)}
        barred = dict(
            BadRecord.objects.filter(
                organisation__in={p.manufacturer_id for p in products}, starts_on__lte=on, ends_on__gte=on
            ).values_list("organisation_id", "ends_on")
        )
        answers = {}
        for product in products:
            if product.manufacturer_id in barred:
                answers[product.pk] = Refusal(
                    product.pk, "company_barred",
                    _("The manufacturer of “%(product)s” is on the bad-record list until %(until)s: nothing of it may be "
                      "bought (R-LIST-14).") % {"product": product, "until": barred[product.manufacturer_id]},
                    rule="R-LIST-14",
                )  # fmt: skip
                continue
            listing = listings.get(product.pk)
            if listing is None:
                continue  # another source (a filing) may price it; if none does, it is "not listed"
            if listing.status == ListingStatus.LISTED:
                answers[product.pk] = Quote(product.pk, listing.price, self.kind, f"listing:{listing.pk}",
                                            _("listing price"))  # fmt: skip
            else:
                code, message = REFUSALS[listing.status]
                answers[product.pk] = Refusal(product.pk, code, str(message) % {
                    "product": product, "cause": listing.get_suspension_cause_display()}, rule="R-ORD-2")  # fmt: skip
        return answers


register_price_source(ListingPriceSource())
