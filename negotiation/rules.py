"""R-NEG-1: which products may be negotiated.

Any listed product below its listing price, except national negotiated drugs, national designated
production, provincial reserve drugs and VBP winners, which are bought at their listing price. The
first three are attributes of the catalogue; VBP winners are known to the VBP channel, which
registers its check here (``register_exclusion``) as channels register price sources — the
negotiation code does not change.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from procurement.catalogue.models import Product


@dataclass(frozen=True)
class Exclusion:
    code: str
    message: str  # with %(product)s


# An exclusion check: the reason a product may not be negotiated on a day, or None.
ExclusionCheck = Callable[[Product, date], Exclusion | None]

_CATALOGUE_EXCLUSIONS = (
    (
        "is_national_negotiated",
        "national_negotiated",
        _(
            "“%(product)s” is a national negotiated drug: it is bought at its listing price, without negotiation (R-NEG-1)."
        ),
    ),
    (
        "is_designated_production",
        "designated_production",
        _(
            "“%(product)s” is under national designated production: it is bought at its listing price, without "
            "negotiation (R-NEG-1)."
        ),
    ),
    (
        "is_provincial_reserve",
        "provincial_reserve",
        _(
            "“%(product)s” is a provincial reserve drug: it is bought at its listing price, without negotiation "
            "(R-NEG-1)."
        ),
    ),
)

_registered: dict[str, ExclusionCheck] = {}


def register_exclusion(name: str, check: ExclusionCheck) -> None:
    """A channel adds a reason products may not be negotiated (the VBP channel: contract winners)."""
    _registered[name] = check


def exclusion(product: Product, on: date) -> Exclusion | None:
    """Why ``product`` may not be negotiated on ``on``; None when it may."""
    for attribute, code, message in _CATALOGUE_EXCLUSIONS:
        if getattr(product, attribute):
            return Exclusion(code, str(message))
    for check in _registered.values():
        found = check(product, on)
        if found is not None:
            return found
    return None
