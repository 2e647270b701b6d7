"""The VBP price source of the order resolver (R-ORD-2, R-VBP-1, R-VBP-4): before agreements and listings.

A product that wins a VBP unit supplying this province is quoted at its winning price to every hospital
(R-VBP-1: listed at the winning price directly) — at its contract price to a hospital with a contract for
it (R-VBP-4; the two are the same price, the reference says which). Suspended, withdrawn or barred products
are still refused by the sources that refuse them (a refusal wins whatever is quoted).
"""

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy

from procurement.catalogue.models import Product
from procurement.orders.pricing import Quote, considered_by_sql, register_price_source
from procurement.organisations.models import Organisation
from vbp.models import Contract, Winner


class VbpPriceSource:
    kind = "vbp"
    label = gettext_lazy("VBP winning price")
    contract_label = gettext_lazy("VBP contract price")
    precedence = 10

    def offered(self, hospital: Organisation | None, on: date) -> Q:
        # ``IN`` an uncorrelated subquery, not EXISTS: the database hashes the winners' products once, where a
        # correlated EXISTS is run again for each of 60,000 products on the unsearched buy page (bench/search.py).
        return Q(
            pk__in=Winner.objects.filter(supplies_home=True, valid_from__lte=on, valid_until__gte=on).values("product")
        )

    # Read with the other sources' facts in the one prepared statement of every order
    # (procurement.orders.pricing.price_sql): an index probe on the winners of the product.
    sql_columns = ("winner_id", "winner_price", "contract_id", "contract_price")

    def sql(self) -> str:
        return (
            f"SELECT w.id AS winner_id, w.price AS winner_price, c.id AS contract_id, c.price AS contract_price"
            f" FROM {Winner._meta.db_table} w"
            f" LEFT JOIN {Contract._meta.db_table} c ON c.hospital_id = %(hospital)s::bigint AND c.product_id = w.product_id"
            " AND c.winner_id = w.id"
            " AND c.valid_from <= %(on)s::date AND c.valid_until >= %(on)s::date"
            " WHERE w.product_id = p.id AND w.supplies_home"
            " AND w.valid_from <= %(on)s::date AND w.valid_until >= %(on)s::date"
            " ORDER BY c.id IS NULL, w.price LIMIT 1"
        )

    def answer(self, hospital: Organisation, product: Product, values: tuple, on: date):
        winner_id, winner_price, contract_id, contract_price = values
        if winner_id is None:
            return None
        if contract_id is not None:
            return Quote(product.pk, contract_price, self.kind, f"contract:{contract_id}", str(self.contract_label))
        return Quote(product.pk, winner_price, self.kind, f"winner:{winner_id}", str(self.label))

    def consider(self, hospital: Organisation, products: list[Product], on: date):
        return considered_by_sql(self, hospital, products, on)


register_price_source(VbpPriceSource())
