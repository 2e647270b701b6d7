"""Fixtures of ordering: listed products, distributors named for the province, a buyer and a HIS key."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from listings.choices import ListingStatus
from listings.models import Listing
from procurement.orders import services
from procurement.organisations import services as organisation_services
from procurement.organisations.choices import Role
from tests.factories import ProductFactory, UserFactory


def make_listing(product, price: str) -> Listing:
    return Listing.objects.create(
        product=product,
        manufacturer=product.manufacturer,
        category="innovative",
        price=Decimal(price),
        status=ListingStatus.LISTED,
        listed_at=timezone.now(),
        price_since=timezone.localdate(),
    )


@pytest.fixture
def listed(world):
    """Two listed products of the manufacturer, served by the distributor across the province."""
    products = [ProductFactory(manufacturer=world.manufacturer, pack_quantity=7) for _ in range(2)]
    for product, price in zip(products, ("12.60", "30.00"), strict=True):
        make_listing(product, price)
        services.designation_add(
            actor=world.user("manufacturer_clerk"),
            product=product,
            region=world.province,
            distributor=world.distributor,
        )
    return products


@pytest.fixture
def buyer(world):
    return world.user("hospital_buyer")


@pytest.fixture
def storekeeper(world):
    return UserFactory(username="keeper", organisation=world.hospital, roles=[Role.HOSPITAL_STOREKEEPER])


@pytest.fixture
def his_key(world):
    _token, key = organisation_services.api_token_create(
        actor=world.user("hospital_admin"), hospital=world.hospital, name="HIS"
    )
    return key


@pytest.fixture
def order_lines(world, listed):
    def lines(*quantities):
        return [
            services.LineRequest(product.code, quantity, world.distributor.pk)
            for product, quantity in zip(listed, quantities, strict=False)
        ]

    return lines


def report(name="report.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 inspection report", content_type="application/pdf")


BATCH = {
    "batch_number": "B2026101",
    "production_date": date(2026, 6, 1),
    "expiry_date": timezone.localdate() + timedelta(days=700),
}
