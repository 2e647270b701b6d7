"""Demo seeder of ordering: distributors named for every product on offer, and orders of the demo
hospital in every state (waiting, confirmed, shipped, accepted)."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from procurement.catalogue.models import Product
from procurement.core.demo.reports import InspectionReport, inspection_report_pdf
from procurement.core.seeding import SeedContext, demo_seeder
from procurement.orders import selectors, services
from procurement.orders.pricing import offered_products
from procurement.organisations.choices import OrganisationKind, RegionLevel, Role
from procurement.organisations.models import Organisation, Region, User


@demo_seeder("orders", after=("catalogue",))
def seed_orders(context: SeedContext) -> None:
    """Each manufacturer names distributors for the province; the demo hospital orders, is delivered, accepts."""
    rng, today = context.random, context.today
    province = Region.objects.get(level=RegionLevel.PROVINCE)
    distributors = list(Organisation.objects.filter(kind=OrganisationKind.DISTRIBUTOR).order_by("name"))
    demo_distributor = Organisation.objects.get(name="国药控股宁夏有限公司")
    clerks = {}
    for product in (
        Product.objects.filter(offered_products(None, today)).select_related("manufacturer").order_by("code")
    ):
        clerk = clerks.get(product.manufacturer_id) or clerks.setdefault(
            product.manufacturer_id, _maker_clerk(product.manufacturer)
        )
        for distributor in sorted({demo_distributor, rng.choice(distributors)}, key=lambda d: d.pk):
            services.designation_add(actor=clerk, product=product, region=province, distributor=distributor)
    buyer = User.objects.get(username="hospital.buyer")
    keeper = User.objects.get(username="hospital.keeper")
    clerk = User.objects.get(username="distributor.clerk")
    offers = [
        offer
        for offer in selectors.offers_for(
            buyer.organisation,
            selectors.offered_to(buyer.organisation, on=today).order_by("code"),
            on=today,
        )
        if offer.orderable and demo_distributor.pk in dict(offer.distributors)
    ]
    for index in range(6):
        chosen = rng.sample(offers, k=3)
        lines = [services.LineRequest(offer.product.code, rng.randint(5, 60), demo_distributor.pk) for offer in chosen]
        order = services.order_submit(actor=buyer, lines=lines, note=f"第{index + 1}批临床用药").order
        for line in order.lines.all():
            if index == 0:
                continue  # waiting for the distributor
            services.line_confirm(actor=clerk, line_id=line.pk)
            if index == 1:
                continue  # confirmed, to ship
            batch = f"{today:%y%m}{rng.randint(1000, 9999)}"
            made, expires = today - timedelta(days=rng.randint(30, 200)), today + timedelta(days=rng.randint(400, 900))
            shipment = services.shipment_create(
                actor=clerk,
                line_id=line.pk,
                quantity=line.quantity,
                batch_number=batch,
                production_date=made,
                expiry_date=expires,
                inspection_report=SimpleUploadedFile(
                    f"检验报告-{batch}.pdf", _inspection_report(line, batch, made, expires), "application/pdf"
                ),
            )
            if index >= 3:
                services.shipment_accept(actor=keeper, shipment_id=shipment.pk, accepted_quantity=line.quantity)


def _inspection_report(line, batch: str, made, expires) -> bytes:
    """A real PDF of the batch's inspection report, in Chinese (procurement.core.demo.reports)."""
    product = line.product
    return inspection_report_pdf(
        InspectionReport(
            report_number=f"JY{made:%Y%m%d}-{batch}",
            product=f"{product.generic_name} {product.pack_description}",
            manufacturer=product.manufacturer.name,
            approval_number=product.approval_number or "—",
            batch_number=batch,
            quantity=f"{line.quantity} {product.pack_unit}",
            production_date=made,
            expiry_date=expires,
            inspected_on=made + timedelta(days=7),
        )
    )


def _maker_clerk(maker: Organisation) -> User:
    """The manufacturer's clerk who names its distributors: the demo login for the demo manufacturer, a
    clerk of its own for each of the others (they have no demo login)."""
    existing = User.objects.filter(organisation=maker, roles__contains=[Role.MANUFACTURER_CLERK]).first()
    if existing is not None:
        return existing
    clerk = User(
        username=f"clerk.{maker.pk}",
        full_name=f"{maker.name[:6]}申报员",
        organisation=maker,
        roles=[Role.MANUFACTURER_CLERK],
    )
    clerk.set_unusable_password()
    clerk.save()
    return clerk
