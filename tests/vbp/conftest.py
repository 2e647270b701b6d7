"""Fixtures of volume-based procurement: products of one generic name, listed and served across the
province, a national result workbook, and a provincial round open for bids."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import Workbook

from procurement.orders import services as order_services
from procurement.organisations.choices import Role
from tests.factories import OrganisationFactory, ProductFactory, UserFactory
from tests.orders.conftest import make_listing
from vbp import services
from vbp.excel import NATIONAL_HEADER

PERIOD = (date(2026, 1, 1), date(2027, 12, 31))


def workbook(header, *rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "results.xlsx"
    return buffer


def national_row(product, price, supply="宁夏、甘肃", period=PERIOD):
    return [
        product.generic_name,
        product.code,
        product.manufacturer.name,
        price,
        supply,
        period[0].isoformat(),
        period[1].isoformat(),
    ]


@pytest.fixture
def atorvastatin(world):
    """阿托伐他汀钙片 (口服): the manufacturer's 20mg × 7 (listed at 30.00) and 10mg × 14, the other
    manufacturer's 20mg × 7 (listed at 35.00), each served across the province by the distributor."""
    products = [
        ProductFactory(manufacturer=world.manufacturer, pack_quantity=7, route="口服", is_consistency_evaluated=True),
        ProductFactory(
            manufacturer=world.manufacturer,
            specification="10mg",
            pack_quantity=14,
            route="口服",
            is_consistency_evaluated=True,
        ),
        ProductFactory(manufacturer=world.other_manufacturer, pack_quantity=7, route="口服", is_originator=True),
    ]
    for product, price in zip(products, ("30.00", "32.00", "35.00"), strict=True):
        make_listing(product, price)
        order_services.designation_add(
            actor=UserFactory(organisation=product.manufacturer, roles=[Role.MANUFACTURER_CLERK]),
            product=product,
            region=world.province,
            distributor=world.distributor,
        )
    return products


@pytest.fixture
def bureau(world):
    return world.user("provincial_reviewer")


@pytest.fixture
def national_round(world, atorvastatin, bureau):
    """A national result: the manufacturer's 20mg wins at 5.46 a pack, supplying 宁夏 and 甘肃."""
    upload = workbook(NATIONAL_HEADER, national_row(atorvastatin[0], 5.46))
    return services.national_results_import(actor=bureau, name="第四批国家集采", upload=upload)


@pytest.fixture
def makers(world):
    """Four more manufacturers of the generic name, each with an evaluated 20mg × 7, and their clerks."""
    found = []
    for index in range(4):
        maker = OrganisationFactory(name=f"制药{index + 1}有限公司", region=world.province)
        product = ProductFactory(manufacturer=maker, pack_quantity=7, route="口服", is_consistency_evaluated=True)
        make_listing(product, "40.00")
        clerk = UserFactory(username=f"clerk{index + 1}", organisation=maker, roles=[Role.MANUFACTURER_CLERK])
        order_services.designation_add(
            actor=clerk, product=product, region=world.province, distributor=world.distributor
        )
        found.append((maker, product, clerk))
    return found


@pytest.fixture
def bidding_round(world, atorvastatin, bureau):
    """A provincial round for 阿托伐他汀钙片 (口服), 20mg, max valid unit price 1.0000, open for bids."""
    now = timezone.now()
    round_ = services.round_create(
        actor=bureau,
        name="2026年省级集采",
        bid_deadline=now + timedelta(days=2),
        opening_at=now + timedelta(days=3),
        valid_from=timezone.localdate() - timedelta(days=10),
        valid_until=timezone.localdate() - timedelta(days=10) + timedelta(days=729),
    )
    unit = services.unit_add(
        actor=bureau,
        round_id=round_.pk,
        generic_name="阿托伐他汀钙片",
        route="口服",
        reference_specification="20mg",
        max_unit_price=Decimal("1.0000"),
    )
    services.round_start_bidding(actor=bureau, round_id=round_.pk)
    round_.refresh_from_db()
    return round_, unit


def buy(world, product, packs, *, accept=None, hospital_buyer=None, batch="B1"):
    """The hospital orders ``packs`` of ``product``; the distributor confirms and ships them; the storekeeper
    accepts ``accept`` (default: all). Returns the shipment."""
    from tests.orders.conftest import BATCH, report

    buyer = hospital_buyer or world.user("hospital_buyer")
    order = order_services.order_submit(
        actor=buyer, lines=[order_services.LineRequest(product.code, packs, world.distributor.pk)]
    ).order
    line = order.lines.get()
    distributor = world.user("distributor_clerk")
    order_services.line_confirm(actor=distributor, line_id=line.pk)
    shipment = order_services.shipment_create(
        actor=distributor,
        line_id=line.pk,
        quantity=packs,
        inspection_report=report(),
        **{**BATCH, "batch_number": batch},
    )
    keeper = UserFactory(organisation=buyer.organisation, roles=[Role.HOSPITAL_STOREKEEPER])
    order_services.shipment_accept(
        actor=keeper,
        shipment_id=shipment.pk,
        accepted_quantity=packs if accept is None else accept,
        reason="" if accept in (None, packs) else "部分破损",
    )
    shipment.refresh_from_db()
    return shipment
