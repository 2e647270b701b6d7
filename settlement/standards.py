"""Payment standards (医保支付标准, R-SET-8): the rules as functions, each in one place.

- ``standard_for``: the standard of each kind of drug from the price it rests on;
- ``convergence_years`` / ``converged``: the equal-step convergence of non-winners towards the VBP standard;
- ``split_price``: the split of any price into the fund's part and the patient's;
- ``compute_standards``: every product's standard for a year, from the prices the channels declare through
  the core's registry (``procurement.core.reference_prices``: VBP winning prices, listing and filed prices;
  settlement imports neither VBP nor listings) and the catalogue's national and supply prices.

A VBP group is a generic name and dosage form with a winner in force (R-VBP-7: competition per generic name;
specifications merge by the price-ratio rule, DOMAIN §2). Its standard is held as a unit price in the
specification of its cheapest winner and converted to each product's specification and pack; one standard
for originator, reference and evaluated generics (R-SET-8); with several winners at different prices, the
highest or the lowest, a policy value. A product whose specification cannot be compared with the group's
(a percentage, free text) is not in the group: its standard rests on its own price.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from procurement.catalogue.pricing import Content, parse_specification, price_ratio_convert
from procurement.core.errors import DomainError
from procurement.core.money import round_money, round_price
from settlement.choices import StandardBasis

# R-SET-8 (our choice): the first defaults of the policy values PAYMENT_STANDARD_FAR_ABOVE, _YEARS_FAR and
# _YEARS_NEAR (settlement/policies.py): a non-winner at twice the standard or more is "far above" it and
# converges over three years; nearer, over two.
FAR_ABOVE_FACTOR = Decimal("2")
YEARS_FAR = 3
YEARS_NEAR = 2


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


@dataclass(frozen=True)
class Convergence:
    """R-SET-8 policy values: "far above" and the years to converge (read once per computation)."""

    far_above: Decimal = FAR_ABOVE_FACTOR
    years_far: int = YEARS_FAR
    years_near: int = YEARS_NEAR

    @classmethod
    def in_force(cls) -> "Convergence":
        from procurement.core.policy import policy

        return cls(
            Decimal(policy("PAYMENT_STANDARD_FAR_ABOVE")),
            int(policy("PAYMENT_STANDARD_YEARS_FAR")),
            int(policy("PAYMENT_STANDARD_YEARS_NEAR")),
        )


def convergence_years(current: Decimal, standard: Decimal, rule: Convergence = Convergence()) -> int:
    """R-SET-8: a non-winner above the VBP standard converges in ``years_far`` years (3) when far above it
    (≥ ``far_above`` ×, 2), else in ``years_near`` (2); at or below it, at once (0)."""
    if current <= standard:
        return 0
    return rule.years_far if current >= standard * rule.far_above else rule.years_near


def converged(start: Decimal, standard: Decimal, years: int, year_no: int) -> Decimal:
    """R-SET-8: the standard in the ``year_no``-th year (1, 2, …) of a convergence from ``start`` to ``standard``
    over ``years`` equal annual steps; the last year (and every one after) reaches the standard exactly."""
    if years <= 0 or year_no >= years:
        return round_price(standard)
    step = (start - standard) / years
    return round_price(start - step * year_no)


def convergence_steps(current: Decimal, standard: Decimal, rule: Convergence = Convergence()) -> list[Decimal]:
    """R-SET-8: the non-winner's standard for each coming year, in equal annual steps from its current price
    down to the VBP standard, which the last year reaches exactly."""
    years = convergence_years(current, standard, rule)
    if years == 0:
        return [round_price(standard)]
    return [converged(current, standard, years, year_no) for year_no in range(1, years + 1)]


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


# ---------------------------------------------------------------------------------------------------------
# Every product's standard for a year (R-SET-8, R-VBP-10)


@dataclass(frozen=True)
class ProductFacts:
    """What the computation needs to know of one product (from the catalogue)."""

    id: int
    generic_name: str
    dosage_form: str
    specification: str
    pack_quantity: int
    is_originator: bool = False
    is_reference: bool = False
    is_consistency_evaluated: bool = False
    is_national_negotiated: bool = False
    payment_standard: Decimal | None = None  # the national negotiated payment standard (R-LIST-3)
    is_designated_production: bool = False
    is_provincial_reserve: bool = False
    designated_price: Decimal | None = None  # uniform price or supply price (R-LIST-7)
    is_shortage: bool = False

    @property
    def evaluated(self) -> bool:
        """Originator, reference or consistency-evaluated: they share one VBP standard (R-SET-8, R-VBP-7)."""
        return self.is_originator or self.is_reference or self.is_consistency_evaluated


@dataclass(frozen=True)
class Previous:
    """Last year's standard of a product, as far as a convergence continues from it."""

    basis: str
    convergence_from: Decimal | None
    convergence_start_year: int | None


@dataclass(frozen=True)
class Computed:
    """One product's standard for the year, with what it rests on (stored as a ``PaymentStandard``)."""

    product_id: int
    basis: str
    standard: Decimal  # per pack
    source_price: Decimal  # the price it rests on, per pack
    vbp_standard: Decimal | None = None  # the VBP group's standard in this product's pack
    convergence_from: Decimal | None = None  # the price a convergence started from, per pack
    convergence_start_year: int | None = None
    convergence_years: int = 0
    convergence_step: Decimal | None = None  # the equal annual step, per pack
    year_no: int | None = None  # which year of the convergence this is


def _lowest(prices: dict[str, list[Decimal]], kind: str) -> Decimal | None:
    found = prices.get(kind)
    return min(found) if found else None


def _convert(unit: Decimal, source: Content | None, target: Content | None, same_spec: bool) -> Decimal | None:
    """A unit price of the group's reference specification in ``target``'s; None when not comparable."""
    if same_spec:
        return unit
    if source is None or target is None or source.unit != target.unit:
        return None
    return price_ratio_convert(unit, from_content=source, to_content=target)


def _vbp_group_unit(winners: list[tuple[ProductFacts, Decimal]], several: str) -> tuple[str, Content | None, Decimal]:
    """The group's standard as (reference specification, its content, unit price there): winners' unit prices
    converted to the specification of the cheapest, then the highest or lowest as the policy says."""
    reference, _winning = min(winners, key=lambda pair: (pair[1] / pair[0].pack_quantity, pair[0].id))
    content = parse_specification(reference.specification)
    units = []
    for product, winning in winners:
        converted = _convert(
            winning / product.pack_quantity,
            parse_specification(product.specification),
            content,
            product.specification == reference.specification,
        )
        if converted is not None:
            units.append(converted)
    chosen = max(units) if several == "highest" else min(units)
    return reference.specification, content, chosen


def compute_standards(
    year: int,
    products: Iterable[ProductFacts],
    prices: dict[int, dict[str, list[Decimal]]],
    previous: dict[int, Previous],
    *,
    rule: Convergence = Convergence(),
    several: str = "highest",
) -> list[Computed]:
    """R-SET-8: the standard of every product that has a price to rest on, for ``year``.

    ``prices`` holds, per product, the declared prices by kind (``procurement.core.reference_prices``);
    ``previous`` last year's standards, from which a convergence continues in its next step.
    """
    from procurement.core.reference_prices import FILED, LISTING, VBP_WINNER

    groups: dict[tuple[str, str], list[ProductFacts]] = defaultdict(list)
    for product in products:
        groups[(product.generic_name, product.dosage_form)].append(product)
    computed: list[Computed] = []
    for members in groups.values():
        winners = [(p, _lowest(prices.get(p.id, {}), VBP_WINNER)) for p in members]
        winners = [(p, price) for p, price in winners if price is not None]
        group = _vbp_group_unit(winners, several) if winners else None
        for product in members:
            own = prices.get(product.id, {})
            listing, filed = _lowest(own, LISTING), _lowest(own, FILED)
            result = None
            if group is not None:
                result = _in_vbp_group(year, product, own, listing or filed, group, previous.get(product.id), rule)
            if result is None:
                result = _outside_vbp(product, listing, filed)
            if result is not None:
                computed.append(result)
    return sorted(computed, key=lambda row: row.product_id)


def _in_vbp_group(year, product, own, current, group, previous, rule) -> Computed | None:
    """R-SET-8 inside a VBP group: a winner and every originator, reference or evaluated generic at or below the
    standard share it; one above it converges in equal steps; a non-evaluated generic never above it."""
    from procurement.core.reference_prices import VBP_WINNER

    spec, content, unit = group
    converted = _convert(unit, content, parse_specification(product.specification), product.specification == spec)
    if converted is None:
        return None
    target = round_price(converted * product.pack_quantity)
    winning = _lowest(own, VBP_WINNER)
    if winning is not None:
        return Computed(product.id, StandardBasis.VBP, target, round_price(winning), vbp_standard=target)
    if current is None:
        return None  # no price of its own (a designated or reserve drug of the name): its own basis decides
    if not product.evaluated:
        standard = standard_for(Basis.NON_EVALUATED, winning=target, own=current)
        return Computed(product.id, StandardBasis.NON_EVALUATED, standard, round_price(current), vbp_standard=target)
    if previous is not None and previous.basis == StandardBasis.VBP:
        # Already at the VBP standard last year (converged, or a former winner): it stays there.
        return Computed(product.id, StandardBasis.VBP, target, round_price(current), vbp_standard=target)
    continuing = (
        previous is not None
        and previous.basis == StandardBasis.CONVERGING
        and previous.convergence_from is not None
        and previous.convergence_start_year is not None
    )
    start = previous.convergence_from if continuing else round_price(current)
    start_year = previous.convergence_start_year if continuing else year
    years = convergence_years(start, target, rule)
    year_no = year - start_year + 1
    if years == 0 or year_no >= years:
        return Computed(product.id, StandardBasis.VBP, target, round_price(current), vbp_standard=target)
    standard = max(target, min(converged(start, target, years, year_no), round_price(current)))
    return Computed(
        product.id,
        StandardBasis.CONVERGING,
        standard,
        round_price(current),
        vbp_standard=target,
        convergence_from=start,
        convergence_start_year=start_year,
        convergence_years=years,
        convergence_step=round_price((start - target) / years),
        year_no=year_no,
    )


def _outside_vbp(product: ProductFacts, listing: Decimal | None, filed: Decimal | None) -> Computed | None:
    """R-SET-8 outside VBP: designated production the national price; reserve the supply price; a national
    negotiated drug its national payment standard; shortage the listing price; listed and filed drugs the
    listing (or filed) price of the year."""
    if product.is_designated_production and product.designated_price:
        basis, price = StandardBasis.DESIGNATED, standard_for(Basis.DESIGNATED, national=product.designated_price)
    elif product.is_provincial_reserve and product.designated_price:
        basis, price = StandardBasis.RESERVE, standard_for(Basis.RESERVE, supply=product.designated_price)
    elif product.is_national_negotiated and product.payment_standard:
        basis, price = StandardBasis.NEGOTIATED, round_price(product.payment_standard)
    elif product.is_shortage and listing:
        basis, price = StandardBasis.SHORTAGE, standard_for(Basis.SHORTAGE, listing=listing)
    elif listing:
        basis, price = StandardBasis.LISTED, standard_for(Basis.LISTED, listing=listing)
    elif filed:
        basis, price = StandardBasis.FILED, standard_for(Basis.LISTED, listing=filed)
    else:
        return None
    return Computed(product.id, basis, price, price)
