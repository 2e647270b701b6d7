"""Fixtures of negotiation: a listed, negotiable product and a distributor for it across the province."""

import pytest

from procurement.orders import services as order_services
from tests.factories import ProductFactory
from tests.listings.conftest import feed  # noqa: F401  (a fixture)
from tests.orders.conftest import make_listing


@pytest.fixture
def product(world):
    """阿托伐他汀钙片 20mg × 7, listed at 30.00 a pack, served across the province."""
    product = ProductFactory(manufacturer=world.manufacturer, pack_quantity=7)
    make_listing(product, "30.00")
    order_services.designation_add(
        actor=world.user("manufacturer_clerk"), product=product, region=world.province, distributor=world.distributor
    )
    return product


@pytest.fixture
def buyer(world):
    return world.user("hospital_buyer")


@pytest.fixture
def clerk(world):
    return world.user("manufacturer_clerk")
