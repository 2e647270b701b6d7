"""Reads of ordering and delivery: scoped lists, the HIS pull, four-same comparisons, public batches."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from procurement.core.scoping import visible_to
from procurement.orders.models import AlliancePrice, OrderLine, Shipment
from procurement.organisations.models import User


def lines_for(user: User) -> QuerySet[OrderLine]:
    return visible_to(user, OrderLine).select_related("product", "distributor", "order", "hospital")


def shipments_for(user: User) -> QuerySet[Shipment]:
    return visible_to(user, Shipment).select_related("line__product", "distributor", "hospital")


@dataclass(frozen=True)
class AllianceComparison:
    platform: str
    price: Decimal
    our_price: Decimal
    saving: Decimal


def cheaper_on_alliance(product, our_price: Decimal) -> AllianceComparison | None:
    """R-ORD-6: the cheapest price of the same "four-same" product on an alliance platform, if lower
    than ours (compared per pack of the same size, else per unit)."""
    candidates = AlliancePrice.objects.filter(
        generic_name=product.generic_name,
        dosage_form=product.dosage_form,
        specification=product.specification,
        manufacturer_name=product.manufacturer.name,
    )
    best = None
    for candidate in candidates:
        price = (
            candidate.price
            if candidate.pack_quantity == product.pack_quantity
            else (candidate.price / candidate.pack_quantity * product.pack_quantity)
        )
        if price < our_price and (best is None or price < best.price):
            best = AllianceComparison(candidate.platform, round(price, 4), our_price, round(our_price - price, 4))
    return best


def public_batches(text: str = "") -> QuerySet[Shipment]:
    """R-ORD-7: every batch delivered, for the public: product, price, companies, batch, expiry, report."""
    batches = Shipment.objects.select_related("line__product", "line__manufacturer", "distributor")
    if text:
        batches = batches.filter(
            Q(batch_number__icontains=text)
            | Q(line__product__generic_name__icontains=text)
            | Q(line__product__code__istartswith=text)
            | Q(line__manufacturer__name__icontains=text)
            | Q(distributor__name__icontains=text)
        )
    return batches.order_by("-shipped_at", "-id")


def lowest_bought_prices_sql(*, since_months: int) -> tuple[str, list]:
    """SQL of ``(product_id, price)``: the lowest pack price each product was bought at in the province.

    A purchase is an order line of which the hospital accepted at least part of a batch within the
    last ``since_months`` months (accepted means bought: a line submitted, declined or cancelled was
    not). R-LIST-11 takes it into the annual adjustment proposal.
    """
    return (
        """SELECT l.product_id, min(l.price) AS price FROM orders_orderline l
           WHERE EXISTS (SELECT 1 FROM orders_shipment s
                         WHERE s.line_id = l.id AND s.accepted_quantity > 0
                           AND s.accepted_at >= now() - make_interval(months => %s))
           GROUP BY l.product_id""",
        [since_months],
    )
