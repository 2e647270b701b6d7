"""The credit check of the order resolver (R-LIST-14, R-SUP-3): whatever source would price it,
nothing of a company on the bad-record list, and no delisted product, is bought."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.catalogue.models import Product
from procurement.core import internals
from procurement.credit.selectors import barred_until_sql, delisted_sql
from procurement.orders.pricing import Refusal, register_price_source
from procurement.organisations.models import Organisation

# One round trip for every product of an order (this runs for every order line): the maker's bar
# and the product's delisting, each an index probe.
_SANCTIONS = f"""SELECT p.id, {barred_until_sql("p.manufacturer_id", "%(on)s::date")}, {delisted_sql("p.id", "%(on)s::date")}
                 FROM unnest(%(ids)s::bigint[], %(makers)s::bigint[]) AS p(id, manufacturer_id)"""


class CreditSanctions:
    """Refuses, never quotes: first in precedence, so its reason is the one the buyer reads."""

    kind = "credit"
    label = gettext_lazy("credit sanction")
    precedence = 0

    def offered(self, hospital: Organisation | None, on: date) -> None:
        return None

    def consider(self, hospital: Organisation, products: list[Product], on: date):
        rows = internals.fetch_all(
            _SANCTIONS,
            {"on": on, "ids": [p.pk for p in products], "makers": [p.manufacturer_id for p in products]},
        )
        by_id = {product.pk: product for product in products}
        answers = {}
        for product_id, barred_until, delisted in rows:
            product = by_id[product_id]
            if barred_until is not None:
                answers[product_id] = Refusal(
                    product_id,
                    "company_barred",
                    _(
                        "The manufacturer of “%(product)s” is on the bad-record list until %(until)s: nothing of it "
                        "may be bought (R-LIST-14)."
                    )
                    % {"product": product, "until": barred_until},
                    rule="R-LIST-14",
                    params={"until": barred_until},
                )
            elif delisted:
                answers[product_id] = Refusal(
                    product_id,
                    "product_delisted",
                    _("“%(product)s” is delisted as a credit sanction: it cannot be ordered (R-SUP-3).")
                    % {"product": product},
                    rule="R-SUP-3",
                )
        return answers


register_price_source(CreditSanctions())
