"""A hand-computed month of supervision (R-SUP-1): October 2026 of 永宁县人民医院, written straight into the
channels' tables (the rows as the channels leave them; their own tests prove how they get there).

Products (the first six characters of a code are its drug class, XC10AA the statins):
  A 阿托伐他汀钙片 20mg×7, the VBP winner, contract 1,200 minimum units a year (2026) → pace 100 a month;
  B 阿托伐他汀钙片 20mg×7 of another maker, not a winner;  C 瑞舒伐他汀钙片 ×7 (same class, other generic name);
  D 阿莫西林胶囊 ×10 (another class).
October 2026 of the hospital:
  lines: A 10 packs × 5.00 = 50.00 (10 accepted on 10-20, 1 returned → 63 units); B 2 × 30.00 = 60.00;
         C 3 × 20.00 = 60.00; D 5 × 6.00 = 30.00; A 4 × 5.00 declined (never bought).  → 200.00 online
  offline: 50.00;  October 2025: D 10 × 16.00 = 160.00;
  payables due 2026-10-31: 100.00 paid 10-30 (on time), 300.00 paid 11-03 (late), 100.00 unpaid;
  one VBP allocation past its deadline (2026-10-15) unconfirmed.
October 2026 of 平罗县人民医院 (石嘴山市): D 10 × 10.00 = 100.00.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from procurement.orders.choices import LineStatus, ShipmentStatus
from procurement.orders.models import OfflinePurchase, Order, OrderLine, Shipment
from settlement.models import Payable
from tests.factories import ProductFactory
from tests.orders.conftest import buyer, listed, storekeeper  # noqa: F401  (supervision reads every channel)
from vbp.choices import RoundKind, RoundStatus
from vbp.models import Allocation, CompetitionUnit, Contract, Round, Winner

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


@pytest.fixture(autouse=True)
def chinese():
    """Findings and flags explain themselves in the platform's language, whatever a test before left active."""
    with translation.override("zh-hans"):
        yield


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


_codes = iter(range(1, 10_000_000))


def code(klass: str) -> str:
    return f"{klass}{next(_codes):017d}"


@dataclass
class Month:
    a: object
    b: object
    c: object
    d: object
    contract: Contract
    line_a: OrderLine


class Builder:
    def __init__(self, world):
        self.world = world
        self.buyer = world.user("hospital_buyer")

    def line(self, hospital, product, packs, price, day, status=LineStatus.COMPLETED) -> OrderLine:
        price = Decimal(price)
        order = Order.objects.create(hospital=hospital, placed_by=self.buyer, total=price * packs)
        line = OrderLine.objects.create(
            order=order,
            hospital=hospital,
            product=product,
            manufacturer=product.manufacturer,
            distributor=self.world.distributor,
            quantity=packs,
            price=price,
            price_source="listing",
            amount=price * packs,
            status=status,
        )
        Order.objects.filter(pk=order.pk).update(created_at=at(day))
        OrderLine.objects.filter(pk=line.pk).update(created_at=at(day))
        line.refresh_from_db()
        return line

    def shipment(self, line, accepted, day, returned=0) -> Shipment:
        return Shipment.objects.create(
            line=line,
            hospital=line.hospital,
            distributor=line.distributor,
            batch_number=f"B{line.pk}",
            production_date=date(2026, 1, 1),
            expiry_date=date(2028, 1, 1),
            inspection_report="inspection/report.pdf",
            quantity=accepted,
            status=ShipmentStatus.ACCEPTED,
            shipped_by=self.world.user("distributor_clerk"),
            accepted_quantity=accepted,
            returned_quantity=returned,
            accepted_at=at(day),
        )

    def payable(self, hospital, amount, due_on, settled_on=None) -> Payable:
        product = ProductFactory(code=code("XJ01CA"), generic_name="阿莫西林胶囊", manufacturer=self.world.manufacturer)
        line = self.line(hospital, product, 1, amount, date(2026, 9, 10))
        shipment = self.shipment(line, 1, date(2026, 9, 15))
        return Payable.objects.create(
            shipment=shipment,
            line=line,
            hospital=hospital,
            distributor=line.distributor,
            manufacturer=line.manufacturer,
            product=product,
            quantity=1,
            price=Decimal(amount),
            amount=Decimal(amount),
            accepted_at=at(date(2026, 9, 15)),
            accepted_on=date(2026, 9, 15),
            due_on=due_on,
            settled_on=settled_on,
        )

    def offline(self, hospital, amount, day) -> OfflinePurchase:
        return OfflinePurchase.objects.create(
            hospital=hospital,
            description="急救药品",
            quantity=1,
            amount=Decimal(amount),
            purchased_on=day,
            reason="平台缺货",
            reported_by=self.buyer,
        )

    def contract(self, hospital, winner_product, volume_units, valid_from, valid_until, *, deadline=None):
        bureau = self.world.user("provincial_reviewer")
        round_ = Round.objects.create(
            kind=RoundKind.NATIONAL,
            name="第四批国家集采",
            status=RoundStatus.OPENED,
            valid_from=valid_from,
            valid_until=valid_until,
            created_by=bureau,
        )
        unit = CompetitionUnit.objects.create(
            round=round_, generic_name=winner_product.generic_name, route="口服", reference_specification="20mg"
        )
        winner = Winner.objects.create(
            unit=unit,
            product=winner_product,
            manufacturer=winner_product.manufacturer,
            price=Decimal("5.00"),
            unit_price=Decimal("0.7143"),
            rank=1,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        deadline = deadline or valid_from
        allocation = Allocation.objects.create(
            unit=unit,
            hospital=hospital,
            base_units=volume_units,
            agreed_units=volume_units,
            deadline_start=deadline,
            deadline_working_days=10,
            deadline=deadline,
            confirmed_at=at(deadline),
        )
        return Contract.objects.create(
            allocation=allocation,
            unit=unit,
            winner=winner,
            hospital=hospital,
            manufacturer=winner_product.manufacturer,
            product=winner_product,
            price=Decimal("5.00"),
            volume_units=volume_units,
            valid_from=valid_from,
            valid_until=valid_until,
        )


@pytest.fixture
def build(world):
    return Builder(world)


@pytest.fixture
def october(world, build) -> Month:
    statins = "XC10AA"
    a = ProductFactory(code=code(statins), generic_name="阿托伐他汀钙片", manufacturer=world.manufacturer)
    b = ProductFactory(code=code(statins), generic_name="阿托伐他汀钙片", manufacturer=world.other_manufacturer)
    c = ProductFactory(code=code(statins), generic_name="瑞舒伐他汀钙片", manufacturer=world.other_manufacturer)
    d = ProductFactory(
        code=code("XJ01CA"), generic_name="阿莫西林胶囊", pack_quantity=10, manufacturer=world.manufacturer
    )
    hospital = world.hospital
    contract = build.contract(hospital, a, 1200, date(2026, 1, 1), date(2026, 12, 31))
    # a second allocation of the hospital, its deadline passed unconfirmed (volume reporting, R-VBP-3)
    late = build.contract(hospital, d, 600, date(2027, 1, 1), date(2027, 12, 31), deadline=date(2026, 10, 15))
    Allocation.objects.filter(pk=late.allocation_id).update(confirmed_at=None)
    october_day = date(2026, 10, 12)
    line_a = build.line(hospital, a, 10, "5.00", october_day)
    build.shipment(line_a, 10, date(2026, 10, 20), returned=1)
    build.line(hospital, b, 2, "30.00", october_day)
    build.line(hospital, c, 3, "20.00", october_day)
    build.line(hospital, d, 5, "6.00", october_day)
    build.line(hospital, a, 4, "5.00", october_day, status=LineStatus.DECLINED)
    build.offline(hospital, "50.00", date(2026, 10, 8))
    build.line(hospital, d, 10, "16.00", date(2025, 10, 9))
    build.payable(hospital, "100.00", date(2026, 10, 31), settled_on=date(2026, 10, 30))
    build.payable(hospital, "300.00", date(2026, 10, 31), settled_on=date(2026, 11, 3))
    build.payable(hospital, "100.00", date(2026, 10, 31))
    build.line(world.other_hospital, d, 10, "10.00", october_day)
    return Month(a, b, c, d, contract, line_a)
