"""The credit check of the order resolver (R-LIST-14, R-SUP-3): whatever source would price it,
nothing of a company on the bad-record list, and no delisted product, is bought."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.catalogue.models import Product
from procurement.credit.choices import Measure, Severity
from procurement.credit.grades import grade_of_rank, grade_rank_sql, measure_of
from procurement.credit.selectors import barred_until_sql, delisted_sql
from procurement.orders.pricing import Refusal, considered_by_sql, register_price_source
from procurement.organisations.models import Organisation


class CreditSanctions:
    """Refuses, never quotes: first in precedence, so its reason is the one the buyer reads."""

    kind = "credit"
    label = gettext_lazy("credit sanction")
    precedence = 0

    def offered(self, hospital: Organisation | None, on: date) -> None:
        return None

    # The maker's bar and the product's delisting, each an index probe, read with the other sources'
    # facts in one prepared statement for every order (procurement.orders.pricing.price_sql).
    # And the maker's credit grade (R-SUP-3): a grade whose measure suspends it sells nothing.
    sql_columns = ("barred_until", "delisted", "grade_rank")

    def sql(self) -> str:
        return (
            f"SELECT {barred_until_sql('p.manufacturer_id', '%(on)s::date')} AS barred_until,"
            f" {delisted_sql('p.id', '%(on)s::date')} AS delisted,"
            f" {grade_rank_sql('p.manufacturer_id', '%(on)s::date')} AS grade_rank"
        )

    def answer(self, hospital: Organisation, product: Product, values: tuple, on: date):
        barred_until, delisted, grade_rank = values
        if barred_until is not None:
            return Refusal(
                product.pk,
                "company_barred",
                _(
                    "The manufacturer of “%(product)s” is on the bad-record list until %(until)s: nothing of it "
                    "may be bought (R-LIST-14)."
                )
                % {"product": product, "until": barred_until},
                rule="R-LIST-14",
                params={"until": barred_until},
            )
        if delisted:
            return Refusal(
                product.pk,
                "product_delisted",
                _("“%(product)s” is delisted as a credit sanction: it cannot be ordered (R-SUP-3).")
                % {"product": product},
                rule="R-SUP-3",
            )
        grade = grade_of_rank(grade_rank)
        if grade and measure_of(grade) == Measure.SUSPENSION:
            return Refusal(
                product.pk,
                "credit_suspended",
                _(
                    "The manufacturer of “%(product)s” has the credit grade “%(grade)s”: its listing is suspended "
                    "and nothing of it may be bought (R-SUP-3)."
                )
                % {"product": product, "grade": Severity(grade).label},
                rule="R-SUP-3",
                params={"grade": grade},
            )
        return None

    def consider(self, hospital: Organisation, products: list[Product], on: date):
        return considered_by_sql(self, hospital, products, on)


register_price_source(CreditSanctions())
