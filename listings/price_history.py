"""The listing price's history, offered to supervision's abnormal price detection (R-SUP-4) through the
core's registry: every change of a listing's price (ListingTransition), and the listed prices in force."""

from django.utils.translation import gettext_lazy

from listings.choices import ListingStatus
from listings.models import Listing, ListingTransition
from procurement.core.price_history import PriceHistorySource, register_price_history


def changes_sql() -> str:
    return (
        f"SELECT l.product_id, l.manufacturer_id AS company_id, t.created_at AS changed_at,"
        f" t.price_before, t.price_after"
        f" FROM {ListingTransition._meta.db_table} t JOIN {Listing._meta.db_table} l ON l.id = t.listing_id"
        f" WHERE t.price_before IS NOT NULL AND t.price_after IS NOT NULL AND t.price_after <> t.price_before"
    )


def current_sql() -> str:
    return (
        f"SELECT l.product_id, l.manufacturer_id AS company_id, l.price FROM {Listing._meta.db_table} l"
        f" WHERE l.status = '{ListingStatus.LISTED.value}'"
    )


register_price_history(PriceHistorySource("listing", gettext_lazy("listing price"), changes_sql, current_sql))
