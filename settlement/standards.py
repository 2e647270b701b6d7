"""Payment standards (医保支付标准, R-SET-8): the rules as functions, each in one place.

Built so far: the standard of each kind of drug from the price it rests on, the equal-step convergence of
non-winners towards the VBP standard over two or three years, and the split of any price into the fund's
part and the patient's. Still to come (issue 15): computing every generic name's standards nightly from
VBP results and listing prices through the core's registries, the public page and the API.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from procurement.core.errors import DomainError
from procurement.core.money import round_money, round_price

# R-SET-8 (our choice, a policy value would hold it): a non-winner priced at this many times the standard
# or more is "far above" it and converges over three years; nearer, over two.
FAR_ABOVE_FACTOR = Decimal("2")


class Basis:
    """What a drug's standard rests on (R-SET-8)."""

    VBP = "vbp"  # a VBP product (originator, reference or evaluated generic): the winning price
    NON_EVALUATED = "non_evaluated"  # a non-evaluated generic of a VBP name: never above the evaluated
    LISTED = "listed"  # listed and filed drugs: set yearly from the listing price
    DESIGNATED = "designated"  # designated production: the national price
    RESERVE = "reserve"  # reserve: the supply price
    SHORTAGE = "shortage"  # shortage: the listing price


def standard_for(
    basis: str,
    *,
    winning: Decimal | None = None,
    listing: Decimal | None = None,
    national: Decimal | None = None,
    supply: Decimal | None = None,
    own: Decimal | None = None,
) -> Decimal:
    """R-SET-8: the payment standard of one drug (per pack or per unit, as the prices given)."""
    price = {
        Basis.VBP: winning,
        Basis.LISTED: listing,
        Basis.SHORTAGE: listing,
        Basis.DESIGNATED: national,
        Basis.RESERVE: supply,
        Basis.NON_EVALUATED: None if own is None or winning is None else min(own, winning),
    }.get(basis)
    if price is None or price <= 0:
        raise DomainError(
            _("The price this standard rests on is missing."), code="invalid", field=basis, rule="R-SET-8"
        )
    return round_price(price)


def convergence_years(current: Decimal, standard: Decimal) -> int:
    """R-SET-8: a non-winner above the VBP standard converges in 3 years when far above it (≥ 2 ×), else in 2;
    at or below it, at once (0)."""
    if current <= standard:
        return 0
    return 3 if current >= standard * FAR_ABOVE_FACTOR else 2


def convergence_steps(current: Decimal, standard: Decimal) -> list[Decimal]:
    """R-SET-8: the non-winner's standard for each coming year, in equal annual steps from its current price
    down to the VBP standard, which the last year reaches exactly."""
    years = convergence_years(current, standard)
    if years == 0:
        return [round_price(standard)]
    step = (current - standard) / years
    return [round_price(current - step * year) for year in range(1, years)] + [round_price(standard)]


@dataclass(frozen=True)
class Split:
    fund: Decimal
    patient: Decimal


def split_price(price: Decimal, standard: Decimal) -> Split:
    """R-SET-8: of a price, the fund's part is up to the standard and the patient pays what is above it
    (before the scheme's own co-payment, which is not the platform's)."""
    if price < 0 or standard <= 0:
        raise DomainError(_("A price and a standard are amounts above zero."), code="invalid", rule="R-SET-8")
    fund = round_money(min(price, standard))
    return Split(fund=fund, patient=round_money(price) - fund)
