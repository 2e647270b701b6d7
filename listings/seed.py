"""Demo seeder of the listing channel: the products listed on the former provincial platform, a few
above a recent lower national price (open notices, two overdue), declarations in review."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from listings import services
from listings.choices import ListingCategory, ListingStatus
from listings.models import Listing, ListingTransition
from procurement.catalogue.models import NationalPrice, Product
from procurement.catalogue.selectors import national_lowest_map
from procurement.core import jobs
from procurement.core.money import round_money
from procurement.core.seeding import SeedContext, demo_seeder
from procurement.organisations.models import Organisation, User


@demo_seeder("listings", after=("catalogue",), before=("orders",))
def seed_listings(context: SeedContext) -> None:
    """Listings migrated from the former platform, the nightly price linkage, declarations in review."""
    rng, today = context.random, context.today
    products = list(Product.objects.select_related("manufacturer").order_by("code"))
    lowest = national_lowest_map(product.code for product in products)
    home = {row.product_code: row.price for row in NationalPrice.objects.filter(province=settings.HOME_PROVINCE)}
    maker = Organisation.objects.get(name="北京嘉林药业股份有限公司")
    unlisted = {product.pk for product in products if product.manufacturer_id == maker.pk}
    unlisted = set(rng.sample(sorted(unlisted), k=min(4, len(unlisted))))
    # Migrated in bulk, as a platform takes over its predecessor's list (no declaration was made here):
    # one statement for the listings and one for their first transitions.
    listings, now = [], timezone.now()
    for product in products:
        if product.pk in unlisted or rng.random() < 0.06:
            continue
        candidates = [
            price
            for price in (home.get(product.code), lowest.get(product.code) and lowest[product.code].price)
            if price is not None
        ]
        if not candidates:
            continue
        category = ListingCategory.PREVIOUSLY_LISTED
        if product.is_national_negotiated:
            category, price = ListingCategory.NATIONAL_NEGOTIATED, product.payment_standard
        else:
            price = min(candidates)
        listings.append(
            Listing(
                product=product,
                manufacturer=product.manufacturer,
                category=category,
                price=price,
                listed_at=now - timedelta(days=rng.randint(30, 300)),
                price_since=today - timedelta(days=rng.randint(30, 300)),
            )
        )
    Listing.objects.bulk_create(listings)
    ListingTransition.objects.bulk_create(
        ListingTransition(
            listing=listing,
            to_status=ListingStatus.LISTED,
            price_after=listing.price,
            actor_label="command:seed_demo",
            reason="原省平台入围产品迁移挂网",
        )
        for listing in listings
    )
    # Some listings face a lower price that took effect recently (notices); two long ago (overdue). The
    # feed's history is the demo's own invention: its dates are set directly.
    above = rng.sample(
        [
            listing
            for listing in listings
            if listing.category == ListingCategory.PREVIOUSLY_LISTED and listing.product.code in lowest
        ],
        k=min(32, len(listings)),
    )
    for index, listing in enumerate(above):
        low = lowest[listing.product.code]
        Listing.objects.filter(pk=listing.pk).update(price=round_money(low.price * Decimal("1.12")))
        days_ago = 75 if index < 2 else rng.randint(1, 20)
        NationalPrice.objects.filter(product_code=listing.product.code, province=low.province).update(
            effective_date=today - timedelta(days=days_ago)
        )
    for run in jobs.run_jobs(["national_price_linkage"], triggered_by="seed_demo"):
        context.write(f"  {run.name}: {run.status} {run.counts}")
    # Declarations of the demo manufacturer, through the services: one waiting for review, one returned.
    clerk, reviewer = User.objects.get(username="maker.clerk"), User.objects.get(username="bureau.reviewer")
    for index, product in enumerate(Product.objects.filter(pk__in=unlisted).order_by("code")[:2]):
        low = lowest.get(product.code)
        if low is None:
            continue
        declaration = services.declaration_create(
            actor=clerk,
            product=product,
            category=ListingCategory.NOT_PREVIOUSLY_LISTED,
            price=low.price,
            note="新品挂网申报",
            submit=True,
        )
        if index == 1:
            services.declaration_return(
                actor=reviewer, declaration_id=declaration.pk, reason="请补充药品注册证书和价格证明材料"
            )
