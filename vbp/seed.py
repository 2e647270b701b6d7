"""Demo seeder of volume-based procurement: a national result imported through the real import, its
volumes reported, based, allocated and (mostly) confirmed, the demo hospital buying its winners; a
provincial round opened with its results and contracts; and one open for the demo manufacturer's bid."""

import io
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook

from procurement.catalogue.models import Product
from procurement.core.money import round_price
from procurement.core.seeding import SeedContext, demo_seeder
from procurement.orders import services as order_services
from procurement.organisations.choices import HospitalOwnership, OrganisationKind, Role
from procurement.organisations.models import Organisation, User
from vbp import services
from vbp.excel import NATIONAL_HEADER
from vbp.jobs import recompute_completion
from vbp.models import Allocation, CompetitionUnit, Round

BARRED = "宁夏康亚药业股份有限公司"  # on the demo's bad-record list (credit seeder)
NATIONAL_NAMES = ("瑞舒伐他汀钙片", "硫酸氢氯吡格雷片", "厄贝沙坦片")
PROVINCIAL_NAME = "阿托伐他汀钙片"


def _user(organisation: Organisation, role: str, prefix: str) -> User:
    existing = User.objects.filter(organisation=organisation, roles__contains=[role]).order_by("pk").first()
    if existing is not None:
        return existing
    user = User(
        username=f"{prefix}.{organisation.pk}", full_name=organisation.name[:6], organisation=organisation, roles=[role]
    )
    user.set_unusable_password()
    user.save()
    return user


def _competitors(generic_name: str, route: str = "口服"):
    """One eligible listed product per manufacturer (originator, reference or evaluated), cheapest first."""
    products = (
        Product.objects.filter(generic_name=generic_name, route=route, listing__status="listed")
        .filter(Q(is_originator=True) | Q(is_reference=True) | Q(is_consistency_evaluated=True))
        .exclude(manufacturer__name=BARRED)
    )
    chosen = {}
    for product in products.select_related("listing", "manufacturer").order_by("code"):
        unit = product.unit_price(product.listing.price)
        if product.manufacturer_id not in chosen or unit < chosen[product.manufacturer_id][1]:
            chosen[product.manufacturer_id] = (product, unit)
    return sorted(chosen.values(), key=lambda item: item[1])


@demo_seeder("vbp", after=("listings", "orders", "negotiation"), before=("credit",))
def seed_vbp(context: SeedContext) -> None:
    """A national VBP result with allocated, confirmed and bought volumes; provincial rounds opened and open."""
    rng, today = context.random, context.today
    bureau = User.objects.get(username="bureau.reviewer")
    buyer = User.objects.get(username="hospital.buyer")
    others = (
        Organisation.objects.filter(kind=OrganisationKind.HOSPITAL, ownership=HospitalOwnership.PUBLIC)
        .exclude(pk=buyer.organisation_id)
        .order_by("name")[:11]
    )
    hospitals = [buyer.organisation, *others]
    # -- the national result, through the real import ---------------------------------------------------------
    valid_from = today - timedelta(days=150)
    valid_until = valid_from.replace(year=valid_from.year + 2) - timedelta(days=1)
    book = Workbook()
    sheet = book.active
    sheet.append(NATIONAL_HEADER)
    for name in NATIONAL_NAMES:
        for product, _unit in _competitors(name)[:2]:
            price = round_price(product.listing.price * Decimal("0.32"))
            sheet.append(
                [
                    name,
                    product.code,
                    product.manufacturer.name,
                    float(price),
                    "宁夏、甘肃、陕西、青海",
                    valid_from.isoformat(),
                    valid_until.isoformat(),
                ]
            )
    data = io.BytesIO()
    book.save(data)
    national = services.national_results_import(
        actor=bureau,
        name="第一批国家组织药品集中采购（4+7扩围）",
        upload=SimpleUploadedFile("national-vbp.xlsx", data.getvalue()),
    )
    for unit in CompetitionUnit.objects.filter(round=national).order_by("pk"):
        _volumes(unit, hospitals, bureau, rng)
    # one share of the demo hospital left to confirm, as its home page shows; the others confirmed
    for allocation in Allocation.objects.filter(unit__round=national).order_by("pk")[1:]:
        services.allocation_confirm(
            actor=_user(allocation.hospital, Role.HOSPITAL_BUYER, "buyer"), allocation_id=allocation.pk
        )
    _buy_winners(context, buyer, national)
    # -- a provincial round opened, with its results and contracts -------------------------------------------
    competitors = _competitors(PROVINCIAL_NAME)
    if len(competitors) >= 2:
        cheapest = competitors[0][1]
        opened = _round(bureau, "2026年宁夏第一批药品集中带量采购", today - timedelta(days=20))
        unit = services.unit_add(
            actor=bureau,
            round_id=opened.pk,
            generic_name=PROVINCIAL_NAME,
            route="口服",
            reference_specification="20mg",
            max_unit_price=round_price(cheapest * Decimal("2")),
        )
        services.round_start_bidding(actor=bureau, round_id=opened.pk)
        for product, _unit_price in competitors[:6]:
            factor = Decimal(rng.randint(30, 60)) / 100
            services.bid_submit(
                actor=_user(product.manufacturer, Role.MANUFACTURER_CLERK, "clerk"),
                unit_id=unit.pk,
                product_code=product.code,
                price=round_price(product.listing.price * factor),
            )
        for hospital in hospitals:
            report = services.demand_report(
                actor=_user(hospital, Role.HOSPITAL_BUYER, "buyer"),
                unit_id=unit.pk,
                reported_units=rng.randint(2000, 9000),
            )
            services.demand_base_set(actor=bureau, demand_id=report.pk, base_units=report.reported_units)
        # The bids were taken and the round opened in the past: the services act now, so the times are moved back.
        now = timezone.now()
        Round.objects.filter(pk=opened.pk).update(
            bid_deadline=now - timedelta(days=2), opening_at=now - timedelta(days=1)
        )
        services.round_open(actor=bureau, round_id=opened.pk)
    # -- a provincial round open for bids, the demo manufacturer's products among the eligible ---------------------
    clerk = User.objects.get(username="maker.clerk")
    mine = (
        Product.objects.filter(manufacturer=clerk.organisation, code__startswith="X", listing__status="listed")
        .exclude(generic_name__in=(*NATIONAL_NAMES, PROVINCIAL_NAME))
        .filter(is_consistency_evaluated=True)
        .order_by("generic_name")
        .first()
    )
    if mine is not None:
        open_round = _round(bureau, "2026年宁夏第二批药品集中带量采购", today + timedelta(days=5))
        services.unit_add(
            actor=bureau,
            round_id=open_round.pk,
            generic_name=mine.generic_name,
            route=mine.route,
            reference_specification=mine.specification,
            max_unit_price=round_price(mine.unit_price(mine.listing.price) * Decimal("1.2")),
        )
        services.round_start_bidding(actor=bureau, round_id=open_round.pk)
    recompute_completion(today)
    context.notes["vbp"] = national.name


def _round(bureau, name, deadline_day):
    deadline = timezone.make_aware(datetime.combine(deadline_day, time(17, 0)))
    if deadline <= timezone.now():
        deadline = timezone.now() + timedelta(hours=1)  # moved back after the bids (see the caller)
    return services.round_create(
        actor=bureau,
        name=name,
        bid_deadline=deadline,
        opening_at=deadline + timedelta(hours=1),
        valid_from=timezone.localdate().replace(day=1),
        valid_until=timezone.localdate().replace(day=1).replace(year=timezone.localdate().year + 2) - timedelta(days=1),
    )


def _volumes(unit, hospitals, bureau, rng) -> None:
    """Each hospital reports its demand (last year's use beside it); the bureau sets the bases and allocates."""
    for hospital in hospitals:
        report = services.demand_report(
            actor=_user(hospital, Role.HOSPITAL_BUYER, "buyer"),
            unit_id=unit.pk,
            reported_units=rng.randint(1500, 12000),
        )
        base = report.reported_units
        reason = ""
        if rng.random() < 0.2:
            base, reason = int(base * 0.9), "报送量高于上年度实际使用量，按九成核定"
        services.demand_base_set(actor=bureau, demand_id=report.pk, base_units=base, reason=reason)
    services.unit_allocate(actor=bureau, unit_id=unit.pk)


def _buy_winners(context, buyer, national) -> None:
    """The demo hospital orders its contract products; the distributor ships; the storekeeper accepts most."""
    keeper = User.objects.get(username="hospital.keeper")
    clerk = User.objects.get(username="distributor.clerk")
    distributor = Organisation.objects.get(name="国药控股宁夏有限公司")
    contracts = buyer.organisation.vbp_contracts.filter(unit__round=national).select_related("product")
    for contract in contracts:
        packs = max(1, contract.volume_units // contract.product.pack_quantity // 3)
        order = order_services.order_submit(
            actor=buyer,
            lines=[order_services.LineRequest(contract.product.code, packs, distributor.pk)],
            note="集采中选产品",
        ).order
        line = order.lines.get()
        order_services.line_confirm(actor=clerk, line_id=line.pk)
        shipment = order_services.shipment_create(
            actor=clerk,
            line_id=line.pk,
            quantity=packs,
            batch_number=f"V{context.today:%y%m}{context.random.randint(1000, 9999)}",
            production_date=context.today - timedelta(days=60),
            expiry_date=context.today + timedelta(days=700),
            inspection_report=SimpleUploadedFile("检验报告.pdf", b"%PDF-1.4 demo inspection report"),
        )
        order_services.shipment_accept(actor=keeper, shipment_id=shipment.pk, accepted_quantity=packs)
