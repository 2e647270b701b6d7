"""Demo seeder of negotiation: the public hospitals' agreements of the last month, zoned night by night
(for the red-share charts), and open negotiations of the demo hospital."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from listings.choices import ListingStatus
from listings.models import Listing
from negotiation import rules, services
from negotiation.choices import AgreementStatus, Party, ThreadStatus
from negotiation.jobs import zone_agreements
from negotiation.models import Agreement, Negotiation, Offer
from procurement.core.money import round_money
from procurement.core.seeding import SeedContext, demo_seeder
from procurement.organisations.choices import HospitalOwnership, OrganisationKind
from procurement.organisations.models import Organisation, User


@demo_seeder("negotiation", after=("listings",))
def seed_negotiation(context: SeedContext) -> None:
    """A month of agreements at the public hospitals, zoned each night; open threads of the demo hospital."""
    rng, today = context.random, context.today
    buyer = User.objects.get(username="hospital.buyer")
    clerk = User.objects.get(username="maker.clerk")
    hospitals = list(
        Organisation.objects.filter(kind=OrganisationKind.HOSPITAL, ownership=HospitalOwnership.PUBLIC).order_by("name")
    )
    negotiable = [
        listing
        for listing in Listing.objects.filter(status=ListingStatus.LISTED)
        .select_related("product")
        .order_by("product__code")
        if rules.exclusion(listing.product, today) is None
    ]
    demo_maker = [listing for listing in negotiable if listing.manufacturer_id == clerk.organisation_id]
    # A month of history: agreements made on past days cannot come from the services, which act today,
    # so the threads, their offers and agreements are written as they would have been.
    for listing in rng.sample(negotiable, k=min(40, len(negotiable))):
        for hospital in rng.sample(hospitals, k=min(len(hospitals), rng.randint(6, 24))):
            price = round_money(listing.price * Decimal(rng.randint(72, 99)) / 100)
            valid_from = today - timedelta(days=rng.randint(0, 30))
            thread = Negotiation.objects.create(
                hospital=hospital,
                product=listing.product,
                manufacturer_id=listing.manufacturer_id,
                listing_price=listing.price,
                volume=rng.randint(50, 2000),
                price=price,
                turn=Party.HOSPITAL,
                status=ThreadStatus.AGREED,
                requested_by=buyer,
                closed_at=timezone.now(),
            )
            Offer.objects.create(negotiation=thread, party=Party.HOSPITAL, price=price, made_by=buyer)
            Agreement.objects.create(
                negotiation=thread,
                hospital=hospital,
                product=listing.product,
                manufacturer_id=listing.manufacturer_id,
                price=price,
                unit_price=listing.product.unit_price(price),
                listing_price=listing.price,
                volume=thread.volume,
                valid_from=valid_from,
                valid_until=valid_from + timedelta(days=364),
                status=AgreementStatus.ACTIVE,
            )
    for days_ago in range(30, -1, -1):
        zone_agreements(today=today - timedelta(days=days_ago))
    # Open threads of the demo hospital with the demo manufacturer, through the services.
    taken = set(Agreement.objects.filter(hospital=buyer.organisation).values_list("product_id", flat=True))
    free = [listing for listing in demo_maker if listing.product_id not in taken][:2]
    for number, listing in enumerate(free):
        thread = services.negotiation_request(
            actor=buyer,
            request=services.Request(
                listing.product, round_money(listing.price * Decimal("0.85")), 600, note="年度用量较大，请求降价"
            ),
        )
        if number == 1:
            services.offer_counter(
                actor=clerk,
                negotiation_id=thread.pk,
                price=round_money(listing.price * Decimal("0.93")),
                note="原料成本上涨，可让利7%",
            )
