"""Reads of negotiation: zones by product, hospital and region; chart series; savings; R-NEG-7 flags."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest, Round
from django.utils import timezone

from listings.price_source import ListingPriceSource
from negotiation import rules
from negotiation.choices import AgreementStatus, ThreadStatus, Zone
from negotiation.models import Agreement, AgreementZoning, HospitalZoneDay, Negotiation
from negotiation.rules import overtaken_sql
from procurement.catalogue.models import Product
from procurement.catalogue.selectors import product_search_or_near
from procurement.core.policy import policy
from procurement.core.scoping import scope_q, visible_to
from procurement.orders.choices import LineStatus
from procurement.organisations.choices import OrganisationKind
from procurement.organisations.models import Organisation, User

ZONE_COUNTS = {
    "zoned": Count("pk", filter=~Q(zone=Zone.UNZONED)),
    "red": Count("pk", filter=Q(zone=Zone.RED)),
    "yellow": Count("pk", filter=Q(zone=Zone.YELLOW)),
    "blue": Count("pk", filter=Q(zone=Zone.BLUE)),
}


def threads_for(user: User) -> QuerySet[Negotiation]:
    return visible_to(user, Negotiation).select_related("hospital", "group", "product", "manufacturer")


# What a hospital would save over an agreement's volume at its peers' median unit price (0 at or below it).
SAVING_AT_PEERS_MEDIAN = (
    Greatest(
        Coalesce(F("zoning__unit_price") - F("zoning__peer_yellow_line"), Value(Decimal(0))),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )
    * F("volume")
    * F("product__pack_quantity")
)


def agreements_for(user: User) -> QuerySet[Agreement]:
    """The agreements in force the user may see, each with ``saving`` (at the peers' median)."""
    return (
        visible_to(user, Agreement)
        .filter(status=AgreementStatus.ACTIVE)
        .select_related("hospital", "product", "manufacturer", "group", "zoning")
        .annotate(
            saving=Round(SAVING_AT_PEERS_MEDIAN, 2),
            overtaken=RawSQL(overtaken_sql(Agreement._meta.db_table), [], output_field=BooleanField()),
        )
    )


def total_saving(agreements: QuerySet[Agreement]) -> Decimal:
    return agreements.aggregate(total=Coalesce(Sum("saving"), Value(Decimal(0))))["total"]


def zonings_for(user: User) -> QuerySet[AgreementZoning]:
    return visible_to(user, AgreementZoning)


def zones_by_product(user: User, search: str = ""):
    """Zones per product; ``search``: the products a search finds (names, strength, pinyin initials, code)."""
    zonings = zonings_for(user)
    if search.strip():
        found = product_search_or_near(Product.objects.all(), search)
        zonings = zonings.filter(product__in=found.values("pk"))
    return (
        zonings.values(
            "product",
            "product__generic_name",
            "product__specification",
            "product__pack_quantity",
            "product__minimum_unit",
            "product__pack_unit",
        )
        .annotate(agreements=Count("pk"), **ZONE_COUNTS)
        .order_by("-red", "-yellow", "product__generic_name")
    )


def zones_by_hospital(user: User):
    return (
        zonings_for(user)
        .values("hospital", "hospital__name", "hospital__region__name")
        .annotate(agreements=Count("pk"), **ZONE_COUNTS)
        .order_by("-red", "-yellow", "hospital__name")
    )


@dataclass
class ZoneRow:
    """One line of the by-region table: a county (or a city's own hospitals), a city's subtotal, the total."""

    level: str  # "county" | "city" | "total"
    name: str
    agreements: int = 0
    zoned: int = 0
    red: int = 0
    yellow: int = 0
    blue: int = 0

    def add(self, other: "ZoneRow") -> None:
        for name in ("agreements", "zoned", "red", "yellow", "blue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def share(self, count: int) -> Decimal | None:
        """A zone's share of the zoned agreements, in per cent to one decimal (None when none is zoned)."""
        if not self.zoned:
            return None
        return (Decimal(count) * 100 / self.zoned).quantize(Decimal("0.1"))

    @property
    def red_share(self):
        return self.share(self.red)

    @property
    def yellow_share(self):
        return self.share(self.yellow)

    @property
    def blue_share(self):
        return self.share(self.blue)


def zones_by_region_with_totals(user: User) -> list[ZoneRow]:
    """Zones per county grouped by city: each city's counties, then its subtotal; the total last (the
    province for the provincial bureau, its own region for a city or county bureau)."""
    rows = (
        zonings_for(user)
        .values(
            "hospital__region__name",
            "hospital__region__level",
            "hospital__region__code",
            "hospital__region__parent__name",
            "hospital__region__parent__code",
        )
        .annotate(agreements=Count("pk"), **ZONE_COUNTS)
        .order_by("hospital__region__code")
    )
    cities: dict[str, tuple[ZoneRow, list[ZoneRow]]] = {}
    total = ZoneRow("total", "")
    for row in rows:
        counts = {name: row[name] for name in ("agreements", "zoned", "red", "yellow", "blue")}
        if row["hospital__region__level"] == "county":
            city_code, city_name = row["hospital__region__parent__code"], row["hospital__region__parent__name"]
        else:  # a hospital of the city itself (or of the province)
            city_code, city_name = row["hospital__region__code"], row["hospital__region__name"]
        subtotal, counties = cities.setdefault(city_code, (ZoneRow("city", city_name), []))
        line = ZoneRow("county", row["hospital__region__name"], **counts)
        counties.append(line)
        subtotal.add(line)
        total.add(line)
    table = []
    for code in sorted(cities):
        subtotal, counties = cities[code]
        table += [*counties, subtotal]
    return [*table, total] if table else []


@dataclass(frozen=True)
class Point:
    hospital: Organisation
    unit_price: Decimal
    zone: str
    own: bool


@dataclass(frozen=True)
class Distribution:
    """Every public hospital's agreed unit price for one product, as the zoning saw them."""

    points: list[Point]
    national_lowest: Decimal | None
    own: AgreementZoning | None  # the marked hospital's zoning: its peers' lines


def may_see_product_distribution(user: User) -> bool:
    """A product's price distribution is shown to hospitals (themselves among anonymous peers) and to
    bureau staff; to nobody else (R-NEG-6: the peers' prices are not the manufacturers' business)."""
    return user.is_superuser or user.kind in (OrganisationKind.HOSPITAL, OrganisationKind.BUREAU)


def product_distribution(user: User, product_id: int, marked_hospital_id: int | None = None) -> Distribution:
    """For the chart of one product: the prices a user may see, the marked hospital's own figures.

    A hospital sees where its price stands among its peers (R-NEG-6) but not who they are: the
    peers' points come without names for a hospital.
    """
    every = (
        AgreementZoning.objects.filter(agreement__product_id=product_id)
        .select_related("hospital")
        .order_by("unit_price")
    )
    visible = set(zonings_for(user).filter(agreement__product_id=product_id).values_list("pk", flat=True))
    anonymous = user.kind == "hospital"
    points = [
        Point(
            row.hospital if (row.pk in visible or not anonymous) else None,
            row.unit_price,
            row.zone,
            row.hospital_id == marked_hospital_id,
        )
        for row in every
        if row.pk in visible or anonymous
    ]
    own = next((row for row in every if row.hospital_id == marked_hospital_id and row.pk in visible), None)
    return Distribution(points, every[0].national_lowest if every else None, own)


def zone_share_series(user: User, hospital_id: int | None = None) -> list[dict]:
    """Per night, how many of the zoned agreements fell in red, yellow and blue, for one hospital or every
    hospital the user sees (a city or county bureau: its region's)."""
    days = visible_to(user, HospitalZoneDay)
    if hospital_id is not None:
        days = days.filter(hospital_id=hospital_id)
    return list(
        days.values("day")
        .annotate(agreements=Sum("agreements"), red=Sum("red"), yellow=Sum("yellow"), blue=Sum("blue"))
        .order_by("day")
    )


# -- R-NEG-7: flags for supervision ----------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    kind: str  # "non_negotiation" | "red_share" | "abnormal_purchase"
    hospital: Organisation
    detail: str
    figures: dict


def _visible_hospital_ids(user: User) -> list[int] | None:
    """The hospitals a bureau user may see (None: every one)."""
    condition = scope_q(Organisation, user)
    if condition is None:
        return None
    return list(Organisation.objects.filter(condition, kind="hospital").values_list("pk", flat=True))


def flags(user: User, today: date | None = None, *, kinds: set[str] | None = None) -> list[Flag]:
    """R-NEG-7: long-term non-negotiation, a red share above the threshold, abnormal purchases (of ``kinds``,
    or all three)."""
    today = today or timezone.localdate()
    kinds = kinds or {"non_negotiation", "red_share", "abnormal_purchase"}
    hospitals = _visible_hospital_ids(user)
    found: list[tuple[str, int, str, dict]] = []
    since = today - timedelta(days=policy("NON_NEGOTIATION_DAYS"))
    with connection.cursor() as cursor:
        # Long-term non-negotiation: bought negotiable products at the listing price in the window, and had
        # no agreement in force at any time in it (a group's agreement is each member's own row, R-NEG-3;
        # asking without agreeing is not negotiating).
        if "non_negotiation" in kinds:
            cursor.execute(
                f"""SELECT l.hospital_id, count(DISTINCT l.product_id), sum(l.amount)
                   FROM orders_orderline l
                   JOIN catalogue_product p ON p.id = l.product_id
                   WHERE l.price_source = %(listing)s AND l.created_at >= %(since)s AND l.status <> %(cancelled)s
                     AND NOT ({rules.not_negotiable_sql("p", "%(today)s::date")})
                     AND (%(all)s OR l.hospital_id = ANY(%(hospitals)s))
                     AND NOT EXISTS (SELECT 1 FROM negotiation_agreement a
                                     WHERE a.hospital_id = l.hospital_id AND a.valid_until >= %(since)s
                                       AND a.valid_from <= %(today)s)
                   GROUP BY l.hospital_id""",
                {
                    "since": since,
                    "today": today,
                    "all": hospitals is None,
                    "hospitals": hospitals or [],
                    "listing": ListingPriceSource.kind,
                    "cancelled": LineStatus.CANCELLED,
                },
            )
            for hospital_id, products, amount in cursor.fetchall():
                found.append(
                    (
                        "non_negotiation",
                        hospital_id,
                        "",
                        {"products": products, "amount": amount, "days": policy("NON_NEGOTIATION_DAYS")},
                    )
                )
        # Red share above the threshold, on the current zoning.
        if "red_share" in kinds:
            cursor.execute(
                """SELECT hospital_id, count(*) FILTER (WHERE zone = %(red)s), count(*) FILTER (WHERE zone <> %(unzoned)s)
                   FROM negotiation_agreementzoning WHERE (%(all)s OR hospital_id = ANY(%(hospitals)s))
                   GROUP BY hospital_id
                   HAVING count(*) FILTER (WHERE zone = %(red)s)
                          > %(share)s * count(*) FILTER (WHERE zone <> %(unzoned)s)""",
                {
                    "all": hospitals is None,
                    "hospitals": hospitals or [],
                    "share": policy("RED_SHARE_FLAG"),
                    "red": Zone.RED,
                    "unzoned": Zone.UNZONED,
                },
            )
            for hospital_id, red, zoned in cursor.fetchall():
                found.append(("red_share", hospital_id, "", {"red": red, "zoned": zoned, "share": red / zoned}))
        # Abnormal purchases (R-SUP-4): the last 30 days above FACTOR × the monthly average of the months before.
        if "abnormal_purchase" in kinds:
            months = policy("ABNORMAL_PURCHASE_BASE_MONTHS")
            cursor.execute(
                """WITH recent AS (
                       SELECT hospital_id, product_id, sum(quantity) AS packs FROM orders_orderline
                       WHERE created_at >= %(today)s::date - 30 AND status <> %(cancelled)s
                         AND (%(all)s OR hospital_id = ANY(%(hospitals)s))
                       GROUP BY hospital_id, product_id),
                   before AS (
                       SELECT hospital_id, product_id, sum(quantity)::numeric / %(months)s AS monthly FROM orders_orderline
                       WHERE created_at >= %(today)s::date - 30 - 30 * %(months)s AND created_at < %(today)s::date - 30
                         AND status <> %(cancelled)s AND (%(all)s OR hospital_id = ANY(%(hospitals)s))
                       GROUP BY hospital_id, product_id)
                   SELECT r.hospital_id, r.product_id, p.generic_name, r.packs, round(b.monthly, 1)
                   FROM recent r JOIN before b USING (hospital_id, product_id)
                   JOIN catalogue_product p ON p.id = r.product_id
                   WHERE r.packs > %(factor)s * b.monthly
                   ORDER BY r.packs / b.monthly DESC""",
                {
                    "today": today,
                    "all": hospitals is None,
                    "hospitals": hospitals or [],
                    "months": months,
                    "factor": policy("ABNORMAL_PURCHASE_FACTOR"),
                    "cancelled": LineStatus.CANCELLED,
                },
            )
            for hospital_id, _product_id, name, packs, monthly in cursor.fetchall():
                found.append(
                    (
                        "abnormal_purchase",
                        hospital_id,
                        name,
                        {"packs": packs, "monthly": monthly, "factor": policy("ABNORMAL_PURCHASE_FACTOR")},
                    )
                )
    names = Organisation.objects.in_bulk({hospital_id for _kind, hospital_id, _d, _f in found})
    return [Flag(kind, names[hospital_id], detail, figures) for kind, hospital_id, detail, figures in found]


def open_threads_awaiting(user: User) -> QuerySet[Negotiation]:
    """The threads waiting for this user's side to answer."""
    if user.kind == "manufacturer":
        return threads_for(user).filter(status=ThreadStatus.OPEN, turn="manufacturer")
    return threads_for(user).filter(status=ThreadStatus.OPEN, turn="hospital", hospital=user.organisation_id)
