"""Input that should be refused is refused, on every way in, naming the field (issue 10 #14; R-LIST-9):
a price in exponent notation, NaN, an infinity or full-width digits; a malformed drug code."""

import pytest
from django.urls import reverse

from listings.choices import ListingCategory
from listings.models import Declaration
from tests.listings.test_excel import filled, located

pytestmark = pytest.mark.django_db

BAD_PRICES = ["1e3", "NaN", "Infinity", "１０", "-5", "0"]


@pytest.mark.parametrize("price", BAD_PRICES)
def test_the_api_refuses_a_bad_price_on_its_field(world, product, api_as, price):
    response = api_as(world.user("manufacturer_clerk")).post(
        "/api/v1/declarations/",
        {"product_code": product.code, "category": ListingCategory.INNOVATIVE, "price": price},
        format="json",
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["price"]
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("price", BAD_PRICES)
def test_the_form_refuses_a_bad_price_on_its_field(world, product, client, price):
    client.force_login(world.user("manufacturer_clerk"))
    response = client.post(
        reverse("listings:declaration-new"),
        {"product": product.pk, "category": ListingCategory.INNOVATIVE, "price": price},
    )
    assert response.status_code == 200 and "price" in response.context["form"].errors
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("price", ["1e3", "NaN", "inf"])
def test_the_excel_import_refuses_a_bad_price_by_row_and_column(world, client, product, price):
    label = str(ListingCategory.NOT_PREVIOUSLY_LISTED.label)
    stream = filled(world, client, [[product.code, label, price, ""]])
    response = client.post(reverse("listings:declaration-import"), {"file": stream})
    assert [(row, column) for row, column, _rule, _message in located(response.context["problems"])] == [
        (2, "申报价格（元/包装）")
    ]
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("code, problem", [("not-a-code", "drug_code_format"), ("X" + "0" * 22, "unknown_product")])
def test_a_malformed_or_unknown_drug_code_is_named_not_a_404(world, api_as, code, problem):
    response = api_as(world.user("manufacturer_clerk")).post(
        "/api/v1/declarations/",
        {"product_code": code, "category": ListingCategory.INNOVATIVE, "price": "10.00"},
        format="json",
    )
    assert response.status_code == 400
    assert [(error["field"], error["code"]) for error in response.json()["errors"]] == [("product_code", problem)]


@pytest.mark.parametrize("posted", [{}, {"request": "abc"}, {"request": "99999"}, {"request": "１"}])
def test_a_withdrawal_decision_on_no_such_request_is_a_404_not_a_500(world, client, posted):
    client.force_login(world.user("provincial_reviewer"))
    response = client.post(reverse("listings:withdrawals"), {**posted, "decision": "approve"})
    assert response.status_code == 404


def test_an_answer_to_another_manufacturers_proposal_is_a_404(world, client, product, list_product):
    from datetime import timedelta

    from django.utils import timezone

    from listings import services
    from listings.models import AdjustmentProposal

    list_product(product, "10.00")
    today = timezone.localdate()
    adjustment = services.adjustment_round_open(
        actor=world.user("provincial_reviewer"),
        year=2027,
        answer_by=today + timedelta(days=10),
        effective_date=today + timedelta(days=20),
    )
    proposal = AdjustmentProposal.objects.get(round=adjustment)
    client.force_login(world.user("other_manufacturer_clerk"))
    response = client.post(
        reverse("listings:adjustment-detail", args=[adjustment.pk]), {"proposal": proposal.pk, "accept": "accept"}
    )
    assert response.status_code == 404
    assert AdjustmentProposal.objects.get(pk=proposal.pk).status == "proposed"


def test_a_good_price_typed_on_the_form_is_declared(world, product, client):
    client.force_login(world.user("manufacturer_clerk"))
    product.is_innovative = True
    product.save()
    response = client.post(
        reverse("listings:declaration-new"),
        {"product": product.pk, "category": ListingCategory.INNOVATIVE, "price": "¥1,234.50"},
    )
    assert response.status_code == 302
    assert str(Declaration.objects.get().price) == "1234.5000"
