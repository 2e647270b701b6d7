"""Fixtures of filed purchases: an unlisted product with national prices, documents, a filing helper."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from filings import services
from filings.choices import FilingBasis
from procurement.orders import services as order_services
from procurement.organisations.choices import Role
from tests.factories import ProductFactory, UserFactory
from tests.listings.conftest import feed  # noqa: F401  (a fixture)
from tests.orders.conftest import make_listing


def document(name="need.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 clinical need", content_type="application/pdf")


@pytest.fixture
def level2(world):
    """永宁县人民医院 (the world's hospital, level 2) and its buyer."""
    assert world.hospital.hospital_level == 2
    return world.user("hospital_buyer")


@pytest.fixture
def unlisted(world, feed):  # noqa: F811
    """注射用两性霉素B 50mg, no listing of its generic name; national lowest 38.50 in 浙江 (33), 41.00 in 北京 (11)."""
    product = ProductFactory(
        manufacturer=world.manufacturer,
        generic_name="注射用两性霉素B",
        dosage_form="注射剂",
        specification="50mg",
        pack_quantity=1,
        minimum_unit="支",
    )
    feed(product.code, "33", "38.50")
    feed(product.code, "11", "41.00")
    feed(product.code, "64", "30.00")  # the province's own row is not "another province"
    order_services.designation_add(
        actor=world.user("manufacturer_clerk"), product=product, region=world.province, distributor=world.distributor
    )
    return product


@pytest.fixture
def listed_generic(world):
    """A listed product of another generic name, as a control, and a factory of listed products."""

    def make(generic_name, dosage_form="片剂", price="12.00", **extra):
        product = ProductFactory(
            manufacturer=world.other_manufacturer, generic_name=generic_name, dosage_form=dosage_form, **extra
        )
        make_listing(product, price)
        return product

    return make


@pytest.fixture
def file_for(world):
    """``file_for(actor, product, price=…, basis=…, quantity=…, months=…)``: file through the service."""

    def make(actor, product, price="38.50", basis=FilingBasis.UNLISTED_GENERIC, quantity=100, months=6, **extra):
        return services.filing_submit(
            actor=actor,
            request=services.FilingRequest(
                product=product,
                basis=basis,
                reason=extra.pop("reason", "重症真菌感染，临床必需"),
                quantity=quantity,
                months=months,
                price=Decimal(price) if not isinstance(price, str) else price,
                documents=extra.pop("documents", [document()]),
            ),
        )

    return make


@pytest.fixture
def reviewer(world):
    return world.user("provincial_reviewer")


@pytest.fixture
def buyer_of(world):
    """``buyer_of(hospital)``: a buyer of that hospital."""

    def make(hospital):
        return UserFactory(organisation=hospital, roles=[Role.HOSPITAL_BUYER])

    return make


@pytest.fixture(autouse=True)
def english():
    """Messages read in English in these tests (the pages are Chinese by default; figures are checked too)."""
    from django.utils import translation

    with translation.override("en"):
        yield
