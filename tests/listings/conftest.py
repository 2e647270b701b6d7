"""Fixtures of the listing channel: products with feed prices, a submitted declaration, a listing."""

from datetime import date
from decimal import Decimal

import pytest

from listings import services
from listings.choices import ListingCategory
from procurement.catalogue.models import NationalPrice, NationalPriceImport
from tests.factories import ProductFactory


@pytest.fixture
def feed(world):
    """``feed(code, province, price, effective)``: put one row in the national price feed."""
    batch = NationalPriceImport.objects.create(
        original_name="test.csv", sha256="-", uploaded_by=world.user("platform_admin")
    )

    def put(code: str, province: str, price: str, effective: date = date(2026, 9, 18)):
        NationalPrice.objects.update_or_create(
            product_code=code,
            province=province,
            defaults={"price": Decimal(price), "effective_date": effective, "batch": batch},
        )

    return put


@pytest.fixture
def product(world):
    return ProductFactory(
        manufacturer=world.manufacturer, generic_name="阿托伐他汀钙片", specification="20mg", pack_quantity=7
    )


@pytest.fixture
def clerk_of(world):
    def clerk(product):
        name = "manufacturer_clerk" if product.manufacturer_id == world.manufacturer.pk else "other_manufacturer_clerk"
        return world.user(name)

    return clerk


@pytest.fixture
def declare(clerk_of):
    """``declare(product, category, price)``: the product's manufacturer's clerk declares and submits."""

    def make(product, category=ListingCategory.NOT_PREVIOUSLY_LISTED, price="10.00", submit=True):
        return services.declaration_create(
            actor=clerk_of(product), product=product, category=category, price=Decimal(price), submit=submit
        )

    return make


@pytest.fixture
def list_product(world, declare):
    """``list_product(product, price)``: declare, submit and approve: a listing at ``price``."""

    def make(product, price="10.00", category=ListingCategory.INNOVATIVE):
        if category == ListingCategory.INNOVATIVE and not product.is_innovative:
            product.is_innovative = True
            product.save()
        declaration = declare(product, category, price)
        return services.declaration_approve(actor=world.user("provincial_reviewer"), declaration_id=declaration.pk)

    return make
