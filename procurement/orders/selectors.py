"""Reads of ordering and delivery: what a hospital may order (from every registered price source),
scoped lists, four-same comparisons, public batches."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from procurement.catalogue.models import Product
from procurement.catalogue.selectors import product_search_or_near
from procurement.core import internals
from procurement.core.money import AmountField, round_price
from procurement.core.scoping import visible_to
from procurement.credit.selectors import barred_until_sql
from procurement.orders.choices import ORDER_STATE_OF_LINE, OrderState
from procurement.orders.models import AlliancePrice, CartItem, Order, OrderLine, Shipment
from procurement.orders.pricing import Quote, Refusal, offered_products, resolve_prices
from procurement.orders.public_price import public_price_sql
from procurement.organisations.models import Organisation

# R-ORD-3 in one place: the active distributors named for a product (``{product}``) in the hospital's
# region or a region above it (``%(regions)s``, the codes of the hospital's region path), each with the
# last day of its bad-record bar on ``%(on)s`` (NULL when it may deliver; R-LIST-14): two aligned arrays.
DESIGNATED_SQL = (
    """ARRAY(SELECT d.distributor_id FROM orders_distributordesignation d
              JOIN organisations_region r ON r.id = d.region_id
              JOIN organisations_organisation o ON o.id = d.distributor_id
              WHERE d.product_id = {product} AND d.is_active AND o.is_active AND r.code = ANY(%(regions)s::text[])
              ORDER BY d.distributor_id),
       ARRAY(SELECT """
    + barred_until_sql("d.distributor_id", "%(on)s::date")
    + """ FROM orders_distributordesignation d
              JOIN organisations_region r ON r.id = d.region_id
              JOIN organisations_organisation o ON o.id = d.distributor_id
              WHERE d.product_id = {product} AND d.is_active AND o.is_active AND r.code = ANY(%(regions)s::text[])
              ORDER BY d.distributor_id)"""
)


@dataclass(frozen=True)
class Designated:
    """The distributors named for a product in a hospital's region: who may deliver, who is barred."""

    allowed: frozenset[int]
    barred: dict[int, date]  # distributor → the last day of its bar


def split_designated(ids, bars) -> Designated:
    pairs = list(zip(ids, bars, strict=True))
    return Designated(
        frozenset(distributor for distributor, bar in pairs if bar is None),
        {distributor: bar for distributor, bar in pairs if bar is not None},
    )


def region_codes(hospital: Organisation) -> list[str]:
    return [code for code in hospital.region.path.split("/") if code]


def designated_distributors(hospital: Organisation, product_ids, on: date | None = None) -> dict[int, set[int]]:
    """R-ORD-3: for each product, the distributors named for the hospital's region (or a region above
    it) that may deliver on ``on`` (a distributor on the bad-record list may not: R-LIST-14)."""
    rows = internals.fetch_all(
        f"SELECT p.id, {DESIGNATED_SQL.format(product='p.id')} FROM unnest(%(ids)s::bigint[]) AS p(id)",
        {"ids": list(product_ids), "regions": region_codes(hospital), "on": on or timezone.localdate()},
    )
    return {product_id: set(split_designated(ids, bars).allowed) for product_id, ids, bars in rows}


# -- what a hospital may order (R-ORD-2, R-ORD-3) -----------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """A product as one hospital may buy it today: its resolved price and source, or why it may not be
    bought (R-ORD-2: "a clear reason"), and the distributors that may deliver it there (R-ORD-3)."""

    product: Product
    answer: Quote | Refusal
    distributors: tuple[tuple[int, str], ...]

    @property
    def quote(self) -> Quote | None:
        return self.answer if isinstance(self.answer, Quote) else None

    @property
    def refusal(self) -> Refusal | None:
        return self.answer if isinstance(self.answer, Refusal) else None

    @property
    def orderable(self) -> bool:
        return self.quote is not None

    @property
    def unit_price(self) -> Decimal | None:
        return self.product.unit_price(self.quote.price) if self.quote else None


def offered_to(hospital: Organisation, *, on: date, text: str = "") -> QuerySet[Product]:
    """The products the registered price sources offer to ``hospital`` on ``on`` (or refuse it with a
    reason), matching the search ``text``: the buy page and the HIS price list page through them."""
    products = Product.objects.filter(offered_products(hospital, on)).select_related("manufacturer")
    return product_search_or_near(products, text) if text.strip() else products


def offers_for(hospital: Organisation, products, *, on: date) -> list[Offer]:
    """R-ORD-2 / R-ORD-3: each product with the price the platform resolves for ``hospital`` and its
    source, or the refusal's reason; and the distributors named for its region that may deliver."""
    products = list(products)
    if not products:
        return []
    answers = resolve_prices(hospital, products, on)
    designated = designated_distributors(hospital, [product.pk for product in products], on)
    names = dict(
        Organisation.objects.filter(pk__in={pk for ids in designated.values() for pk in ids}).values_list("pk", "name")
    )
    return [
        Offer(
            product,
            answers[product.pk],
            tuple(sorted(((pk, names[pk]) for pk in designated[product.pk]), key=lambda pair: pair[1])),
        )
        for product in products
    ]


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
        # Converted per pack of ours, then rounded half up as all money is (issue 10 #15: never round()).
        price = round_price(
            candidate.price
            if candidate.pack_quantity == product.pack_quantity
            else (candidate.price / candidate.pack_quantity * product.pack_quantity)
        )
        if price < our_price and (best is None or price < best.price):
            best = AllianceComparison(candidate.platform, price, our_price, round_price(our_price - price))
    return best


def public_batches(text: str = "") -> QuerySet[Shipment]:
    """R-ORD-7: the batches hospitals accepted (in full or in part), for the public: product, the listing
    price (``public_price``; never what the hospital paid), companies, batch, expiry, report. Batches
    rejected or not yet accepted are not shown."""
    batches = (
        Shipment.objects.filter(accepted_quantity__gt=0)
        .select_related("line__product", "line__manufacturer", "distributor")
        .annotate(public_price=RawSQL(public_price_sql(f'"{OrderLine._meta.db_table}"."product_id"'), []))
    )
    if text:
        batches = batches.filter(
            Q(batch_number__icontains=text)
            | Q(line__product__generic_name__icontains=text)
            | Q(line__product__code__istartswith=text)
            | Q(line__manufacturer__name__icontains=text)
            | Q(distributor__name__icontains=text)
        )
    return batches.order_by("-shipped_at", "-id")


def lowest_bought_prices_sql(*, since_months: int) -> tuple[str, dict]:
    """SQL of ``(product_id, price)``: the lowest pack price each product was bought at in the province,
    with its named parameters (prefixed ``bought_``, to compose with the caller's own).

    A purchase is an order line of which the hospital accepted at least part of a batch within the
    last ``since_months`` months (accepted means bought: a line submitted, declined or cancelled was
    not). R-LIST-11 takes it into the annual adjustment proposal.
    """
    return (
        """SELECT l.product_id, min(l.price) AS price FROM orders_orderline l
           WHERE EXISTS (SELECT 1 FROM orders_shipment s
                         WHERE s.line_id = l.id AND s.accepted_quantity > 0
                           AND s.accepted_at >= now() - make_interval(months => %(bought_months)s))
           GROUP BY l.product_id""",
        {"bought_months": since_months},
    )


def orders_seen_by(user, orders: QuerySet | None = None, *, with_state: bool = False) -> QuerySet:
    """The orders ``user`` may see, each with only the lines the user may see (``lines_seen``, products
    and distributors joined) and their sum (``amount_seen``) — issue 11 #2: a distributor addressed by
    one line of an order sees that line and its amount, never another distributor's lines nor the
    order's total. A hospital or a bureau sees every line, and ``amount_seen`` is the order's total.
    ``with_state``: also ``state_seen``, the order's state from those lines (the order pages; the HIS
    API's lists do without the subquery).
    """
    orders = visible_to(user, orders if orders is not None else Order.objects.all())
    lines = visible_to(user, OrderLine).select_related("product", "distributor")
    amounts = (
        visible_to(user, OrderLine)
        .filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(amount=Sum("amount"))
        .values("amount")
    )
    orders = orders.prefetch_related(Prefetch("lines", queryset=lines, to_attr="lines_seen")).annotate(
        amount_seen=Coalesce(Subquery(amounts), Value(0), output_field=AmountField())
    )
    return orders.annotate(state_seen=_order_state(visible_to(user, OrderLine))) if with_state else orders


def _order_state(lines: QuerySet) -> Coalesce:
    """The order's state (``choices.ORDER_STATE_OF_LINE``) from the lines the reader sees: the state of its
    least advanced line, in one subquery per order."""
    rank = Min(
        Case(
            *[When(status=status, then=Value(rank)) for status, (rank, _state) in ORDER_STATE_OF_LINE.items()],
            output_field=IntegerField(),
        )
    )
    state = (
        lines.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(rank=rank)
        .annotate(
            state=Case(
                *[
                    When(rank=rank, then=Value(str(state)))
                    for rank, state in dict(ORDER_STATE_OF_LINE.values()).items()
                ],
                output_field=CharField(),
            )
        )
        .values("state")
    )
    return Coalesce(Subquery(state), Value(str(OrderState.CLOSED)), output_field=CharField())


def cart_items(user) -> QuerySet[CartItem]:
    """The user's cart (issue 12): its own items for its current hospital, oldest first, products joined."""
    return (
        visible_to(user, CartItem)
        .filter(user=user, hospital_id=user.organisation_id)
        .select_related("product__manufacturer", "distributor")
    )
