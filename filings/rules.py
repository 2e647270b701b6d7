"""The rules of a filing, in one place: who may file (R-FIL-1), for what (R-FIL-1), at what price (R-FIL-2).

"Listed" is asked of the core's price resolver (R-ORD-2), not of the listing channel: a product is
listed for a hospital when a registered source other than a filing quotes it a price today — the
listing price, an agreement, a VBP contract. A listing that may not be bought (suspended, closed,
withdrawn, a barred maker) is no listing a hospital can buy from, and does not make a generic
ineligible. A *substitute* (004 §二(三)) is a product of the same generic name and dosage form
(our choice: the documents do not define it; another strength of the same form substitutes by the
price-ratio rule, another form does not).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from filings.choices import SUBSTITUTE_BASES, FilingBasis
from procurement.catalogue.models import Product
from procurement.catalogue.selectors import NationalLowest, national_lowest
from procurement.core.errors import DomainError
from procurement.core.money import format_yuan
from procurement.orders.pricing import Quote, resolve_prices
from procurement.organisations.choices import OrganisationKind
from procurement.organisations.models import Organisation

FILING_SOURCE = "filing"
MIN_HOSPITAL_LEVEL = 2  # R-FIL-1 (000 §(五)): 二级以上医疗机构


def check_hospital(hospital: Organisation) -> None:
    """R-FIL-1: only a hospital of level 2 or above files."""
    if hospital.kind != OrganisationKind.HOSPITAL:
        raise DomainError(_("Only a hospital files a purchase."), code="not_a_hospital", rule="R-FIL-1")
    level = hospital.hospital_level or 0
    if level < MIN_HOSPITAL_LEVEL:
        raise DomainError(
            _("Only hospitals of level 2 or above may file a purchase (R-FIL-1); %(hospital)s is of level %(level)s.")
            % {"hospital": hospital.name, "level": level or "—"},
            code="hospital_level",
            rule="R-FIL-1",
            params={"hospital_level": level, "minimum": MIN_HOSPITAL_LEVEL},
        )


@dataclass(frozen=True)
class ListedProduct:
    """A product of the platform a hospital can buy today, and at what."""

    product: Product
    price: Decimal
    source: str

    def as_dict(self) -> dict:
        return {
            "code": self.product.code,
            "generic_name": self.product.generic_name,
            "dosage_form": self.product.dosage_form,
            "specification": self.product.specification,
            "manufacturer": self.product.manufacturer.name,
            "price": str(self.price),
            "source": self.source,
        }

    def describe(self) -> str:
        return _("%(product)s (%(code)s, %(maker)s) at %(price)s") % {
            "product": f"{self.product.generic_name} {self.product.specification} {self.product.dosage_form}",
            "code": self.product.code,
            "maker": self.product.manufacturer.name,
            "price": format_yuan(self.price),
        }


def listed_products(hospital: Organisation, candidates, on: date) -> list[ListedProduct]:
    """The products of ``candidates`` a source other than a filing prices for ``hospital`` on ``on``."""
    products = list(candidates.select_related("manufacturer").order_by("code"))
    if not products:
        return []
    answers = resolve_prices(hospital, products, on)
    by_id = {product.pk: product for product in products}
    return [
        ListedProduct(by_id[product_id], answer.price, answer.source)
        for product_id, answer in answers.items()
        if isinstance(answer, Quote) and answer.source != FILING_SOURCE
    ]


def check_eligible(hospital: Organisation, product: Product, basis: str, on: date) -> dict:
    """R-FIL-1: may ``hospital`` file for ``product`` on this ``basis``? The figures it was judged on, or
    a refusal naming the listed product that makes it ineligible."""
    check_hospital(hospital)
    if basis not in FilingBasis.values:
        raise DomainError(
            _("The basis is one of: %(bases)s.") % {"bases": ", ".join(FilingBasis.values)},
            code="invalid",
            field="basis",
        )
    listed_itself = listed_products(hospital, Product.objects.filter(pk=product.pk), on)
    if listed_itself:
        found = listed_itself[0]
        raise DomainError(
            _(
                "“%(product)s” is listed on the platform: buy it there (%(listed)s); a listed product is not filed (R-FIL-1)."
            )
            % {"product": product.generic_name, "listed": found.describe()},
            code="product_listed",
            field="product",
            rule="R-FIL-1",
            params={"listed": found.as_dict()},
        )
    if basis == FilingBasis.UNLISTED_GENERIC:
        same = Product.objects.filter(generic_name=product.generic_name)
        listed = listed_products(hospital, same, on)
        if listed:
            raise DomainError(
                _(
                    "The generic name “%(generic)s” is listed on the platform: %(listed)s. A generic with a listing "
                    "cannot be filed (R-FIL-1); for a shortage, emergency-approval or very-low-use product, file on "
                    "that basis when no listed product of the same form substitutes it."
                )
                % {"generic": product.generic_name, "listed": listed[0].describe()},
                code="generic_listed",
                field="product",
                rule="R-FIL-1",
                params={"listed": [item.as_dict() for item in listed]},
            )
        return {"basis": basis, "generic_listed": [], "checked_on": str(on)}
    # SUBSTITUTE_BASES: shortage, emergency approval, very low use (004 §二(三)).
    assert basis in SUBSTITUTE_BASES
    if basis == FilingBasis.SHORTAGE and not product.is_shortage:
        raise DomainError(
            _("“%(product)s” is not a shortage drug in the catalogue: file it on another basis (R-FIL-1).")
            % {"product": product.generic_name},
            code="not_shortage",
            field="basis",
            rule="R-FIL-1",
        )
    substitutes = Product.objects.filter(generic_name=product.generic_name, dosage_form=product.dosage_form)
    listed = listed_products(hospital, substitutes, on)
    if listed:
        raise DomainError(
            _(
                "A listed product substitutes “%(product)s”: %(listed)s. A product with a listed substitute "
                "cannot be filed (R-FIL-1)."
            )
            % {"product": product.generic_name, "listed": listed[0].describe()},
            code="substitute_listed",
            field="product",
            rule="R-FIL-1",
            params={"listed": [item.as_dict() for item in listed]},
        )
    return {"basis": basis, "substitutes_listed": [], "checked_on": str(on)}


def check_cap(product: Product, price: Decimal) -> NationalLowest | None:
    """R-FIL-2: the filed price is at most the product's national lowest (the lowest current price among
    the other provinces). Returns the national lowest it was checked against; None when no other
    province prices the product — then the reviewer judges the price (the filing says so)."""
    lowest = national_lowest(product.code)
    if lowest is not None and price > lowest.price:
        raise DomainError(
            _(
                "The filed price %(price)s is above the national lowest %(lowest)s (%(province)s, since %(since)s): "
                "a filed price may not exceed it (R-FIL-2)."
            )
            % {
                "price": format_yuan(price),
                "lowest": format_yuan(lowest.price),
                "province": lowest.province_name,
                "since": lowest.effective_date.isoformat(),
            },
            code="above_national_lowest",
            field="price",
            rule="R-FIL-2",
            params={
                "price": str(price),
                "national_lowest": str(lowest.price),
                "province": lowest.province,
                "province_name": lowest.province_name,
                "effective_date": lowest.effective_date.isoformat(),
            },
        )
    return lowest
