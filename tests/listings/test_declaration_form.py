"""Issue 12, the manufacturer's declaration form: the cap of the chosen product and category with its
source before submitting (htmx asks ``declarations/cap/``; the one place that computes it is
``rules.cap_for``: R-LIST-1 … R-LIST-8), the supporting documents in the same form (all or nothing), and
a declaration already in progress for the product linked from the refusal."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from listings.choices import DeclarationStatus, ListingCategory
from listings.models import Declaration, DeclarationDocument
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
CAP = reverse("listings:declaration-cap")


def pdf(name="注册证.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 approval certificate", content_type="application/pdf")


@pytest.fixture
def clerk_client(world, client):
    client.force_login(world.user("manufacturer_clerk"))
    return client


def test_the_cap_is_the_national_lowest_with_its_province(world, product, feed, clerk_client):
    """R-LIST-2: not previously listed, capped by the national lowest — shown with where it comes from."""
    feed(product.code, "44", "8.50", date(2026, 9, 18))
    feed(product.code, "11", "8.00", date(2026, 9, 18))
    page = clerk_client.get(CAP, {"product": product.pk, "category": ListingCategory.NOT_PREVIOUSLY_LISTED})
    text = page.content.decode()
    assert "¥8.00" in re.search(r'data-testid="cap-value">(.*?)</p>', text, flags=re.S).group(1)
    source = re.search(r'data-testid="cap-source">(.*?)</p>', text, flags=re.S).group(1)
    assert "北京市" in source and "2026-09-18" in source


def test_the_cap_of_an_evaluated_generic_names_the_originator(world, product, feed, list_product, clerk_client):
    """R-LIST-5: at most the national lowest and the originator's price converted to this pack; the lower
    binds, and both are listed with their sources."""
    product.is_consistency_evaluated = True
    product.save()
    originator = ProductFactory(
        manufacturer=world.other_manufacturer,
        generic_name=product.generic_name,
        specification=product.specification,
        pack_quantity=14,
        is_originator=True,
    )
    list_product(originator, "14.00")  # 1.00 a tablet: 7.00 for our pack of 7
    feed(product.code, "11", "9.00")
    text = clerk_client.get(CAP, {"product": product.pk, "category": ListingCategory.REFERENCE_OR_EVALUATED}).content
    text = text.decode()
    assert "¥7.00" in re.search(r'data-testid="cap-value">(.*?)</p>', text, flags=re.S).group(1)
    assert originator.code in re.search(r'data-testid="cap-source">(.*?)</p>', text, flags=re.S).group(1)
    assert "¥9.00" in text and "北京市" in text  # the other limit, with its source


def test_a_category_the_product_does_not_qualify_for_says_why(world, product, feed, clerk_client):
    feed(product.code, "11", "9.50")
    text = clerk_client.get(CAP, {"product": product.pk, "category": ListingCategory.PREVIOUSLY_LISTED}).content
    assert 'data-testid="cap-refusal"' in text.decode()


def test_another_manufacturers_product_shows_no_cap(world, feed, clerk_client):
    """Scope: a clerk asks the cap of its own products only."""
    theirs = ProductFactory(manufacturer=world.other_manufacturer)
    feed(theirs.code, "11", "3.00")
    text = clerk_client.get(CAP, {"product": theirs.pk, "category": ListingCategory.NOT_PREVIOUSLY_LISTED}).content
    assert "¥3.00" not in text.decode() and 'data-testid="cap-value"' not in text.decode()


def test_the_form_asks_for_the_cap_as_the_choice_changes_and_shows_it_when_sent_back(
    world, product, feed, clerk_client
):
    feed(product.code, "11", "8.00")
    page = clerk_client.get(reverse("listings:declaration-new")).content.decode()
    section = re.search(r'<section id="declaration-cap"[^>]*>', page).group(0)
    assert f'hx-get="{CAP}"' in section and "change from:#id_product" in section and "#id_category" in section
    assert 'enctype="multipart/form-data"' in page
    # a price above the cap comes back with the cap shown beside it
    response = clerk_client.post(
        reverse("listings:declaration-new"),
        {"product": product.pk, "category": ListingCategory.NOT_PREVIOUSLY_LISTED, "price": "8.01", "submit": "1"},
    )
    assert not Declaration.objects.exists()
    assert 'data-testid="cap-value"' in response.content.decode() and "¥8.00" in response.content.decode()


def test_the_supporting_documents_come_with_the_declaration(world, product, feed, clerk_client):
    feed(product.code, "11", "8.00")
    response = clerk_client.post(
        reverse("listings:declaration-new"),
        {
            "product": product.pk,
            "category": ListingCategory.NOT_PREVIOUSLY_LISTED,
            "price": "8.00",
            "documents": [pdf("注册证.pdf"), pdf("价格证明.pdf")],
            "submit": "1",
        },
    )
    declaration = Declaration.objects.get()
    assert response["Location"] == reverse("listings:declaration-detail", args=[declaration.pk])
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert sorted(declaration.documents.values_list("title", flat=True)) == ["价格证明.pdf", "注册证.pdf"]


def test_a_document_that_is_not_a_pdf_or_an_image_refuses_it_all_on_its_field(world, product, feed, clerk_client):
    feed(product.code, "11", "8.00")
    response = clerk_client.post(
        reverse("listings:declaration-new"),
        {
            "product": product.pk,
            "category": ListingCategory.NOT_PREVIOUSLY_LISTED,
            "price": "8.00",
            "documents": [pdf(), SimpleUploadedFile("宏.docm", b"PK\x03\x04 macro")],
            "submit": "1",
        },
    )
    page = response.content.decode()
    assert re.search(r'id="id_documents_error"[^>]*>.*?宏\.docm', page, flags=re.S)
    assert not Declaration.objects.exists() and not DeclarationDocument.objects.exists()


def test_a_declaration_already_in_progress_is_linked_from_the_refusal(world, product, declare, clerk_client):
    existing = declare(product, ListingCategory.INNOVATIVE, "50.00", submit=False)
    response = clerk_client.post(
        reverse("listings:declaration-new"),
        {"product": product.pk, "category": ListingCategory.INNOVATIVE, "price": "40.00", "submit": "1"},
    )
    page = response.content.decode()
    link = re.search(r'<a href="([^"]+)" data-testid="existing-declaration">', page)
    assert link and link.group(1) == reverse("listings:declaration-detail", args=[existing.pk])
    assert Declaration.objects.count() == 1
