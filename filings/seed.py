"""Demo seeder of filed purchases: a few rare drugs no listing covers (with their national prices), three
months of filings confirmed in monthly batches, this month's filings waiting for the batch, and the
nightly watch run over them (filings not bought, a hospital over its warning line)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from filings import services
from filings.choices import FilingBasis, FilingStatus
from filings.jobs import filing_warning_lines, follow_up_filings
from filings.models import Filing, FilingBatch, FilingDocument
from procurement.catalogue.models import NationalPrice, NationalPriceImport, Product
from procurement.core.money import round_money
from procurement.core.seeding import SeedContext, demo_seeder
from procurement.orders import services as order_services
from procurement.organisations.choices import HospitalOwnership, OrganisationKind, RegionLevel
from procurement.organisations.models import Organisation, Region, User

# Rare drugs hospitals file for (备案采购's usual cases): name, form, specification, pack, unit, price,
# shortage, basis.
RARE = [
    ("注射用两性霉素B脂质体", "注射剂", "10mg", 1, "支", "386.00", False, FilingBasis.UNLISTED_GENERIC),
    ("注射用放线菌素D", "注射剂", "0.2mg", 1, "支", "58.00", True, FilingBasis.SHORTAGE),
    ("二巯丙醇注射液", "注射剂", "2ml:0.2g", 10, "支", "96.00", False, FilingBasis.LOW_USE),
    ("亚甲蓝注射液", "注射剂", "2ml:20mg", 5, "支", "45.00", True, FilingBasis.SHORTAGE),
    ("氯法齐明软胶囊", "胶囊剂", "50mg", 100, "粒", "220.00", False, FilingBasis.LOW_USE),
    ("注射用硫酸多黏菌素B", "注射剂", "50万单位", 1, "瓶", "198.00", False, FilingBasis.EMERGENCY_APPROVAL),
]
REASONS = {
    FilingBasis.UNLISTED_GENERIC: "侵袭性真菌感染患者肾功能不全，需脂质体剂型，省平台无挂网",
    FilingBasis.SHORTAGE: "国家短缺药品清单品种，临床抢救必需，平台无可替代挂网品种",
    FilingBasis.LOW_USE: "解毒/罕见病用药，全年用量极少，采购困难",
    FilingBasis.EMERGENCY_APPROVAL: "多重耐药菌感染应急审批品种，临床必需",
}
PDF = b"%PDF-1.4 demo filing document\n"


def _products(context: SeedContext) -> list[tuple[Product, str]]:
    """The rare drugs, made by the demo manufacturer, with national prices in two or three provinces, and
    the demo distributor named for them across the province.

    Written directly: products come from the national code list and prices from the feed, neither made by a
    service; the feed's rows join the demo's last import.
    """
    rng = context.random
    maker = Organisation.objects.get(name="北京嘉林药业股份有限公司")
    batch = NationalPriceImport.objects.order_by("-pk").first()
    province = Region.objects.get(level=RegionLevel.PROVINCE)
    clerk = User.objects.get(username="maker.clerk")
    distributor = Organisation.objects.get(name="国药控股宁夏有限公司")
    made = []
    for index, (name, form, spec, pack, unit, price, shortage, basis) in enumerate(RARE, start=1):
        product = Product.objects.create(
            code=f"XZZ{index:09d}001001{maker.pk % 100000:05d}",
            generic_name=name,
            dosage_form=form,
            specification=spec,
            route="注射" if form == "注射剂" else "口服",
            pack_quantity=pack,
            minimum_unit=unit,
            manufacturer=maker,
            holder=maker,
            approval_number=f"国药准字H2020{index:04d}",
            is_shortage=shortage,
        )
        if batch is not None:
            for province_code in rng.sample(["11", "31", "32", "33", "44", "51"], k=3):
                NationalPrice.objects.create(
                    product_code=product.code,
                    province=province_code,
                    price=round_money(Decimal(price) * Decimal(rng.randint(100, 118)) / 100),
                    effective_date=context.today - timedelta(days=rng.randint(60, 400)),
                    batch=batch,
                )
        order_services.designation_add(actor=clerk, product=product, region=province, distributor=distributor)
        made.append((product, basis))
    return made


def _aware(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@demo_seeder("filings", after=("listings", "orders"))
def seed_filings(context: SeedContext) -> None:
    """Rare drugs; three months of confirmed batches; this month's filings waiting; the nightly watch."""
    rng, today = context.random, context.today
    products = _products(context)
    reviewer = User.objects.get(username="bureau.reviewer")
    demo_buyer = User.objects.get(username="hospital.buyer")
    hospitals = list(
        Organisation.objects.filter(
            kind=OrganisationKind.HOSPITAL, ownership=HospitalOwnership.PUBLIC, hospital_level__gte=2
        ).order_by("name")
    )
    demo_hospital = demo_buyer.organisation
    county_buyer = User.objects.get(username="county.hospital.buyer")
    county_hospital = county_buyer.organisation
    this_month = today.replace(day=1)
    # Three past months, each confirmed in its batch on the 25th: history, written as it would have been.
    for back in (3, 2, 1):
        month = this_month - relativedelta(months=back)
        decided_on = month.replace(day=25)
        batch = FilingBatch.objects.create(month=month, confirmed_by=reviewer)
        FilingBatch.objects.filter(pk=batch.pk).update(confirmed_at=_aware(decided_on, 16))
        chosen = rng.sample([h for h in hospitals if h not in (demo_hospital, county_hospital)], k=4)
        if back == 1:
            chosen.append(demo_hospital)
        approved = rejected = 0
        for number, hospital in enumerate(chosen):
            product, basis = products[0] if hospital == demo_hospital else rng.choice(products)
            lowest = NationalPrice.objects.filter(product_code=product.code).order_by("price").first()
            price = round_money(lowest.price * Decimal(rng.randint(92, 100)) / 100)
            quantity = rng.randint(10, 300)
            reject = number == 1 and hospital != demo_hospital
            months = 12 if hospital == demo_hospital else rng.choice([3, 6, 12])
            filing = Filing.objects.create(
                hospital=hospital,
                product=product,
                basis=basis,
                reason=REASONS[basis],
                quantity=quantity,
                months=months,
                price=price,
                amount=round_money(price * quantity),
                national_lowest=lowest.price,
                national_lowest_province=lowest.province,
                national_lowest_date=lowest.effective_date,
                checked={"basis": basis, "checked_on": str(month.replace(day=10)), "seeded": True},
                status=FilingStatus.REJECTED if reject else FilingStatus.APPROVED,
                submitted_by=demo_buyer if hospital == demo_hospital else reviewer,
                batch=batch,
                decided_by=reviewer,
                decided_at=_aware(decided_on, 16),
                decision_reason="临床必需性证明不足，请补充病例资料后重新备案" if reject else "",
                valid_from=None if reject else decided_on,
                valid_until=None if reject else decided_on + relativedelta(months=months) - timedelta(days=1),
            )
            Filing.objects.filter(pk=filing.pk).update(submitted_at=_aware(month.replace(day=rng.randint(3, 20))))
            FilingDocument.objects.create(
                filing=filing, file=ContentFile(PDF, name="临床需求说明.pdf"), name="临床需求说明.pdf"
            )
            rejected += reject
            approved += not reject
        FilingBatch.objects.filter(pk=batch.pk).update(approved=approved, rejected=rejected)
    # This month: filings waiting for the batch, through the service; one large enough to cross the line.
    for buyer, (product, basis), quantity in (
        (demo_buyer, products[1], 40),
        (county_buyer, products[3], 30),
        (demo_buyer, products[5], 1100),  # ≈ 220,000 yuan: over the monthly warning line (R-FIL-5)
    ):
        lowest = NationalPrice.objects.filter(product_code=product.code).order_by("price").first()
        services.filing_submit(
            actor=buyer,
            request=services.FilingRequest(
                product=product,
                basis=basis,
                reason=REASONS[basis],
                quantity=quantity,
                months=6,
                price=round_money(lowest.price),
                documents=[SimpleUploadedFile("临床需求说明.pdf", PDF, content_type="application/pdf")],
            ),
        )
    counts = {**follow_up_filings(today=today), **filing_warning_lines(today=today)}
    context.write(
        f"  {Filing.objects.count()} filings ({Filing.objects.filter(status=FilingStatus.SUBMITTED).count()} waiting for"
        f" this month's batch), {counts['flagged']} flagged not bought, {counts['warnings_raised']} warning lines crossed"
    )
