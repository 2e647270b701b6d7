"""The listing results as OCDS releases (R-SUP-7, through ``procurement.core.opendata``): one release per listed
product — the award of the listing to its manufacturer at the listing price, dated by the price's date. Only
what the public page shows (listed products, their listing prices)."""

from django.utils.translation import gettext_lazy

from listings.selectors import public_listings
from procurement.core import opendata


def listing_releases(period: opendata.Period):
    bureau = opendata.procuring_entity()
    buyer = [opendata.party(bureau, "buyer", "procuringEntity")] if bureau else []
    listings = opendata.in_period(public_listings().order_by("id"), "price_since", period)
    for listing in listings.iterator(chunk_size=2000):
        product, maker = listing.product, listing.manufacturer
        key = f"listing-{listing.pk}"
        release = {
            "ocid": opendata.ocid("listing", product.code),
            "id": f"{key}-{listing.price_since:%Y%m%d}",
            "date": opendata.moment(listing.price_since),
            "tag": ["award"],
            "initiationType": "tender",
            "language": "zh",
            "parties": opendata.merge_parties(buyer, [opendata.party(maker, "supplier", "tenderer")]),
            "tender": {
                "id": key,
                "title": "阳光挂网",
                "status": "complete",
                "procurementMethod": "open",
                "procurementMethodDetails": str(listing.get_category_display()),
                "mainProcurementCategory": "goods",
                "items": [opendata.drug_item(product)],
            },
            "awards": [
                {
                    "id": key,
                    "status": "active",
                    "date": opendata.moment(listing.listed_at),
                    "value": opendata.value(listing.price),
                    "suppliers": [opendata.reference(maker)],
                    "items": [opendata.drug_item(product, price=listing.price)],
                }
            ],
        }
        if bureau:
            release["buyer"] = opendata.reference(bureau)
            release["tender"]["procuringEntity"] = opendata.reference(bureau)
        yield release


opendata.register_release_source(
    opendata.OcdsReleaseSource("listings", gettext_lazy("Listing results"), listing_releases)
)
