"""R-NEG-1: which products may be negotiated — the rule's one owner, in Python and in SQL.

Any listed product below its listing price, except national negotiated drugs, national designated
production, provincial reserve drugs (the catalogue's products with a nationally fixed price) and
VBP winners, which are bought at their listing price. VBP winners are known to the VBP channel,
which registers its check here (``register_exclusion``) as channels register price sources — the
negotiation code does not change. Other apps ask ``exclusion`` (one product) or compose
``not_negotiable_sql`` (set-based); none restates the list.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from procurement.catalogue.models import PRICE_FIXED_NATIONALLY, Product, price_fixed_nationally_sql


@dataclass(frozen=True)
class Exclusion:
    code: str
    message: str  # with %(product)s


@dataclass(frozen=True)
class ExclusionCheck:
    """A channel's reason products may not be negotiated: for one product (``reason``) and set-based
    (``sql(product, day)``: an SQL boolean, never NULL — an EXISTS over the channel's own tables — of a
    catalogue_product alias and a date placeholder)."""

    reason: Callable[[Product, date], Exclusion | None]
    sql: Callable[[str, str], str]


_CATALOGUE_MESSAGES = {
    "is_national_negotiated": (
        "national_negotiated",
        _(
            "“%(product)s” is a national negotiated drug: it is bought at its listing price, without negotiation "
            "(R-NEG-1)."
        ),
    ),
    "is_designated_production": (
        "designated_production",
        _(
            "“%(product)s” is under national designated production: it is bought at its listing price, without "
            "negotiation (R-NEG-1)."
        ),
    ),
    "is_provincial_reserve": (
        "provincial_reserve",
        _(
            "“%(product)s” is a provincial reserve drug: it is bought at its listing price, without negotiation "
            "(R-NEG-1)."
        ),
    ),
}
assert set(_CATALOGUE_MESSAGES) == set(PRICE_FIXED_NATIONALLY)

_registered: dict[str, ExclusionCheck] = {}


def register_exclusion(name: str, check: ExclusionCheck) -> None:
    """A channel adds a reason products may not be negotiated (the VBP channel: contract winners)."""
    _registered[name] = check


def unregister_exclusion(name: str) -> None:
    _registered.pop(name, None)


def exclusion(product: Product, on: date) -> Exclusion | None:
    """Why ``product`` may not be negotiated on ``on``; None when it may."""
    for flag in PRICE_FIXED_NATIONALLY:
        if getattr(product, flag):
            code, message = _CATALOGUE_MESSAGES[flag]
            return Exclusion(code, str(message))
    for check in _registered.values():
        found = check.reason(product, on)
        if found is not None:
            return found
    return None


def not_negotiable_sql(product: str, day: str) -> str:
    """SQL: whether the product row ``product`` may not be negotiated on ``day`` (R-NEG-1)."""
    return " OR ".join(
        [price_fixed_nationally_sql(product), *(f"({check.sql(product, day)})" for check in _registered.values())]
    )


def overtaken_sql(agreement: str) -> str:
    """SQL: whether the agreement row ``agreement`` is overtaken (R-NEG-2) — its product's listing price
    has since fallen below the agreed price. A hospital is never charged more than the current listing
    price: the agreement then quotes nothing and the listing price applies; its pages say so."""
    from listings.models import Listing

    return (
        f"EXISTS (SELECT 1 FROM {Listing._meta.db_table} overtaking"
        f" WHERE overtaking.product_id = {agreement}.product_id AND overtaking.price < {agreement}.price)"
    )
