"""The price rules of the eight listing categories (DOMAIN.md §3, R-LIST-1 … R-LIST-8).

``limits_for`` lists every limit a declared price must respect, each with where it came from and
its figures; ``check_declared_price`` refuses a price that breaks one, naming the cap, its source
and the figures (R-LIST-9). ``check_category`` refuses a category the product does not qualify for.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from listings.choices import ListingCategory, ListingStatus
from procurement.catalogue.models import NationalPrice, Product
from procurement.catalogue.pricing import price_ratio_convert
from procurement.catalogue.selectors import NationalLowest, national_lowest
from procurement.core.errors import DomainError
from procurement.core.money import format_yuan, round_price
from procurement.organisations.choices import PROVINCES


@dataclass(frozen=True)
class Limit:
    """One bound on a declared pack price: ``price <= value`` (``< value`` when strict, ``==`` when exact)."""

    value: Decimal
    rule: str
    source: str  # what a user reads: where the figure came from
    kind: str  # national_lowest, provincial_price, originator, payment_standard, price_ratio, designated
    strict: bool = False
    exact: bool = False
    figures: dict = field(default_factory=dict)

    def allows(self, price: Decimal) -> bool:
        if self.exact:
            return price == self.value
        return price < self.value if self.strict else price <= self.value

    def as_dict(self) -> dict:
        return {
            "value": str(self.value),
            "rule": self.rule,
            "source": self.source,
            "kind": self.kind,
            "strict": self.strict,
            "exact": self.exact,
            **{k: str(v) for k, v in self.figures.items()},
        }


@dataclass
class Limits:
    rule: str
    limits: list[Limit] = field(default_factory=list)
    flag: str = ""  # why a reviewer must look closer (R-LIST-2 without a national price)

    @property
    def tightest(self) -> Limit | None:
        """The limit that binds: the lowest value (an exact one binds whatever its value)."""
        exact = [limit for limit in self.limits if limit.exact]
        if exact:
            return exact[0]
        return min(self.limits, key=lambda limit: (limit.value, not limit.strict), default=None)


def _lowest_limit(lowest: NationalLowest, rule: str) -> Limit:
    return Limit(
        value=lowest.price,
        rule=rule,
        kind="national_lowest",
        source=_("national lowest: %(province)s, effective %(date)s")
        % {"province": lowest.province_name, "date": lowest.effective_date.isoformat()},
        figures={"province": lowest.province_name, "effective_date": lowest.effective_date},
    )


def provincial_price(product: Product) -> tuple[Decimal, str] | None:
    """R-LIST-1: the product's current price in this province: its listing, else the province's feed row."""
    listing = getattr(product, "listing", None) if hasattr(product, "listing") else None
    if listing is not None and listing.status in (ListingStatus.LISTED, ListingStatus.SUSPENDED, ListingStatus.CLOSED):
        return listing.price, _("current listing price in this province")
    row = NationalPrice.objects.filter(product_code=product.code, province=settings.HOME_PROVINCE).first()
    if row is not None:
        return row.price, _("current price on the original provincial platform (%(province)s)") % {
            "province": PROVINCES.get(settings.HOME_PROVINCE, settings.HOME_PROVINCE)
        }
    return None


def _converted_pack_price(reference: Product, reference_pack_price: Decimal, product: Product) -> Decimal | None:
    """A reference product's pack price as the equivalent pack price of ``product`` (unit price, 差比价)."""
    unit = reference.unit_price(reference_pack_price)
    if reference.specification != product.specification:
        if reference.content is None or product.content is None or reference.content.unit != product.content.unit:
            return None
        unit = price_ratio_convert(unit, from_content=reference.content, to_content=product.content)
    return round_price(unit * product.pack_quantity)


def _same_generic(product: Product):
    return Product.objects.filter(generic_name=product.generic_name, dosage_form=product.dosage_form).exclude(
        pk=product.pk
    )


def negotiated_reference(product: Product, on: date) -> Product | None:
    """R-LIST-3: the national negotiated drug whose generic ``product`` is, with an agreement valid on ``on``."""
    candidates = _same_generic(product).filter(is_national_negotiated=True, payment_standard__isnull=False)
    return next((c for c in candidates.order_by("code") if c.negotiation_agreement_valid_on(on)), None)


def check_category(product: Product, category: str, *, on: date) -> None:
    """Refuse a category the product does not qualify for, saying what it lacks."""
    category = ListingCategory(category)
    rule = category.rule
    problem = None
    if category == ListingCategory.PREVIOUSLY_LISTED and provincial_price(product) is None:
        problem = _("This product has no current price in this province: declare it as not previously listed.")
    elif category == ListingCategory.NATIONAL_NEGOTIATED:
        if product.is_national_negotiated:
            if product.payment_standard is None:
                problem = _("The national payment standard of this negotiated drug is not recorded yet.")
        elif negotiated_reference(product, on) is None:
            problem = _("Neither a national negotiated drug nor the generic of one with a valid agreement.")
    elif category == ListingCategory.INNOVATIVE and not product.is_innovative:
        problem = _("The product is not recorded as an innovative drug.")
    elif category == ListingCategory.REFERENCE_OR_EVALUATED and not (
        product.is_reference or product.is_consistency_evaluated
    ):
        problem = _("The product is neither a reference preparation nor a consistency-evaluated generic.")
    elif category == ListingCategory.NEWLY_REGISTERED and (
        product.registration_date is None or product.registration_date < on - relativedelta(years=1)
    ):
        problem = _("The product was not registered within the last year.")
    elif category == ListingCategory.DESIGNATED_OR_RESERVE:
        if not (product.is_designated_production or product.is_provincial_reserve):
            problem = _("The product is neither a national designated-production nor a provincial reserve drug.")
        elif product.designated_price is None:
            problem = _("The uniform or supply price of this product is not recorded yet: ask the bureau.")
    elif category == ListingCategory.SHORTAGE and not product.is_shortage:
        problem = _("The product is not recorded as a shortage drug.")
    if problem:
        raise DomainError(
            problem,
            code="category_not_applicable",
            field="category",
            rule=rule,
            params={"category": category.label, "product": product.code},
        )


def limits_for(product: Product, category: str, *, on: date) -> Limits:
    """Every limit on the declared pack price of ``product`` in ``category`` (the category must apply)."""
    category = ListingCategory(category)
    rule = category.rule
    result = Limits(rule=rule)
    lowest = national_lowest(product.code)
    if category == ListingCategory.PREVIOUSLY_LISTED:  # R-LIST-1
        price, source = provincial_price(product)
        result.limits.append(Limit(price, rule, source, "provincial_price"))
        if lowest:
            result.limits.append(_lowest_limit(lowest, rule))
    elif category == ListingCategory.NOT_PREVIOUSLY_LISTED:  # R-LIST-2
        if lowest:
            result.limits.append(_lowest_limit(lowest, rule))
        else:
            ratio = _price_ratio_limit(product, rule)
            if ratio:
                result.limits.append(ratio)
                result.flag = _(
                    "No province lists this product: the cap comes from listed products of the same "
                    "generic name and dosage form by the price-ratio rule."
                )
            else:
                result.flag = _(
                    "No province lists this product and no comparable product is listed here: "
                    "the reviewer must judge the price."
                )
    elif category == ListingCategory.NATIONAL_NEGOTIATED:  # R-LIST-3
        if product.is_national_negotiated:
            result.limits.append(
                Limit(product.payment_standard, rule, _("national payment standard"), "payment_standard", exact=True)
            )
        else:
            reference = negotiated_reference(product, on)
            standard = _converted_pack_price(reference, reference.payment_standard, product)
            result.limits.append(
                Limit(
                    standard,
                    rule,
                    _("national payment standard of %(name)s (%(code)s), agreement valid until %(until)s")
                    % {
                        "name": reference.generic_name,
                        "code": reference.code,
                        "until": reference.agreement_valid_until or "—",
                    },
                    "payment_standard",
                    strict=True,
                    figures={"reference": reference.code, "reference_payment_standard": reference.payment_standard},
                )
            )
            if lowest:
                result.limits.append(_lowest_limit(lowest, rule))
    elif category == ListingCategory.REFERENCE_OR_EVALUATED:  # R-LIST-5
        if lowest:
            result.limits.append(_lowest_limit(lowest, rule))
        originator = _originator_limit(product, rule)
        if originator:
            result.limits.append(originator)
        missing = [
            what
            for what, found in ((_("a national lowest"), lowest), (_("an originator's price"), originator))
            if not found
        ]
        if missing:
            result.flag = _(
                "This price is capped by the national lowest and the originator's price (R-LIST-5); there is no "
                "%(missing)s: the reviewer must judge the price."
            ) % {"missing": _(" and no ").join(str(what) for what in missing)}
    elif category == ListingCategory.DESIGNATED_OR_RESERVE:  # R-LIST-7
        source = _("national uniform price") if product.is_designated_production else _("agreed supply price")
        result.limits.append(Limit(product.designated_price, rule, source, "designated", exact=True))
    # R-LIST-4 innovative, R-LIST-6 newly registered (negotiated later), R-LIST-8 shortage: no cap.
    if category in CAPPED_CATEGORIES and not result.limits and not result.flag:
        # A capped category whose cap could not be found never passes unremarked (R-LIST-9).
        result.flag = _("No cap could be found for this price (%(rule)s): the reviewer must judge it.") % {"rule": rule}
    return result


CAPPED_CATEGORIES = (
    ListingCategory.PREVIOUSLY_LISTED,
    ListingCategory.NOT_PREVIOUSLY_LISTED,
    ListingCategory.NATIONAL_NEGOTIATED,
    ListingCategory.REFERENCE_OR_EVALUATED,
    ListingCategory.DESIGNATED_OR_RESERVE,
)


def _price_ratio_limit(product: Product, rule: str) -> Limit | None:
    """R-LIST-2 without a national price: the lowest listed price of the same generic name and form, converted."""
    best = None
    listed = _same_generic(product).filter(listing__status=ListingStatus.LISTED).select_related("listing")
    for other in listed:
        converted = _converted_pack_price(other, other.listing.price, product)
        if converted is not None and (best is None or converted < best[0]):
            best = (converted, other)
    if best is None:
        return None
    converted, other = best
    return Limit(
        converted,
        rule,
        _("price-ratio conversion of the listed %(spec)s×%(pack)s of %(code)s (¥%(price)s)")
        % {"spec": other.specification, "pack": other.pack_quantity, "code": other.code, "price": other.listing.price},
        "price_ratio",
        figures={"reference": other.code, "reference_price": other.listing.price},
    )


def _originator_limit(product: Product, rule: str) -> Limit | None:
    """R-LIST-5: the originator's price (listing here, else its national lowest), per unit, converted."""
    if product.is_originator:
        return None
    best = None
    originators = _same_generic(product).filter(Q(is_originator=True)).select_related("listing")
    for originator in originators:
        listing = getattr(originator, "listing", None) if hasattr(originator, "listing") else None
        if listing is not None and listing.status == ListingStatus.LISTED:
            price, where = listing.price, _("listing price")
        else:
            lowest = national_lowest(originator.code)
            if lowest is None:
                continue
            price, where = lowest.price, _("national lowest")
        converted = _converted_pack_price(originator, price, product)
        if converted is not None and (best is None or converted < best[0]):
            best = (converted, originator, price, where)
    if best is None:
        return None
    converted, originator, price, where = best
    return Limit(
        converted,
        rule,
        _("originator %(code)s (%(where)s ¥%(price)s, %(spec)s×%(pack)s), converted to this pack")
        % {
            "code": originator.code,
            "where": where,
            "price": price,
            "spec": originator.specification,
            "pack": originator.pack_quantity,
        },
        "originator",
        figures={"originator": originator.code, "originator_price": price},
    )


def cap_for(product: Product, category: str, *, on: date) -> Limits:
    """The cap a declared price of ``product`` in ``category`` must respect on ``on``, each limit with its
    source (R-LIST-1 … R-LIST-8), once the category is checked to apply (else the ``DomainError`` saying
    why). The declaration form shows it before submitting; ``check_declared_price`` enforces it."""
    check_category(product, category, on=on)
    return limits_for(product, category, on=on)


def check_declared_price(product: Product, category: str, price: Decimal, *, on: date) -> Limits:
    """R-LIST-9: refuse a declared price that breaks its category's cap, with the cap, source and figures."""
    limits = cap_for(product, category, on=on)
    for limit in sorted(limits.limits, key=lambda limit: (not limit.exact, limit.value)):
        if limit.allows(price):
            continue
        if limit.exact:
            message = _("The declared price ¥%(price)s must equal ¥%(cap)s, the %(source)s (%(rule)s).")
        elif limit.strict:
            message = _("The declared price ¥%(price)s must be below ¥%(cap)s, the %(source)s (%(rule)s).")
        else:
            message = _("The declared price ¥%(price)s is above the cap of ¥%(cap)s, the %(source)s (%(rule)s).")
        raise DomainError(
            message
            % {
                "price": format_yuan(price).lstrip("¥"),
                "cap": format_yuan(limit.value).lstrip("¥"),
                "source": limit.source,
                "rule": limit.rule,
            },
            code="above_cap",
            field="price",
            rule=limit.rule,
            params={
                "price": price,
                "cap": limit.value,
                "source": limit.source,
                "kind": limit.kind,
                "limits": [item.as_dict() for item in limits.limits],
            },
        )
    return limits
