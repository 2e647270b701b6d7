"""The settlement API (R-SET-2): payments by the hospital and by the fund's settlement centre, refusals in the
one error shape, scope (another hospital's payable is a 404), the supplier's confirmation."""

from decimal import Decimal

import pytest
from django.urls import reverse

from settlement import ledger
from settlement.models import Payment

pytestmark = pytest.mark.django_db


def pay(client, payable_id, body, **headers):
    return client.post(reverse("api:payable-payments", args=[payable_id]), body, format="json", **headers)


def test_a_finance_officer_pays_part_then_the_rest(deliver, finance, api_as):
    """R-SET-2 over the API: partial payments, the balance derived from the ledger."""
    payable = deliver(10).payable
    client = api_as(finance)
    first = pay(client, payable.pk, {"amount": "100.00", "reference": "B-1"})
    assert first.status_code == 201 and first.json()["amount"] == "100.00"
    assert client.get(reverse("api:payable-detail", args=[payable.pk])).json()["balance"] == "26.00"
    assert pay(client, payable.pk, {"amount": "26.00"}).status_code == 201
    listed = client.get(reverse("api:payable-list"), {"state": "paid"}).json()["results"]
    assert [row["id"] for row in listed] == [payable.pk]


@pytest.mark.parametrize(
    ("amount", "code"), [("126.01", "overpayment"), (0.001, "sub_fen"), ("0.001", "sub_fen"), ("-1", "not_positive")]
)
def test_refusals_name_the_field_and_the_rule(deliver, finance, api_as, amount, code):
    """R-SET-2: an overpayment, a 0.001 payment (as text or a JSON number) or a negative amount: 400, nothing paid."""
    payable = deliver(10).payable
    response = pay(api_as(finance), payable.pk, {"amount": amount})
    assert response.status_code == 400
    [problem] = response.json()["errors"]
    assert (problem["field"], problem["code"], problem["rule"]) == ("amount", code, "R-SET-2")
    assert not Payment.objects.exists() and ledger.payable_balance(payable.pk) == Decimal("126.00")


def test_another_hospitals_payable_is_not_found(world, deliver, api_as):
    """Scope: a finance officer of another hospital gets a 404, not a 403."""
    from procurement.organisations.choices import Role
    from tests.factories import UserFactory

    payable = deliver(10).payable
    stranger = UserFactory(organisation=world.other_hospital, roles=[Role.HOSPITAL_FINANCE])
    client = api_as(stranger)
    assert pay(client, payable.pk, {"amount": "1.00"}).status_code == 404
    assert client.get(reverse("api:payable-detail", args=[payable.pk])).status_code == 404


def test_the_settlement_centre_pays_a_batch_all_or_nothing_and_once(deliver, fund, supplier, api_as):
    """R-SET-2: the fund's direct payments — one bad item refuses the batch; a retried batch pays once."""
    first, second = deliver(10).payable, deliver(5).payable
    client = api_as(fund)
    url = reverse("api:direct-payments")
    bad = {
        "payments": [
            {"payable": first.pk, "amount": "126.00", "key": "SC-1"},
            {"payable": second.pk, "amount": "63.01", "key": "SC-2"},
        ]
    }
    refused = client.post(url, bad, format="json")
    assert refused.status_code == 400
    assert [p["field"] for p in refused.json()["errors"]] == ["payments[1].amount"]
    assert not Payment.objects.exists()
    good = {"payments": [{**bad["payments"][0]}, {**bad["payments"][1], "amount": "63.00"}]}
    assert client.post(url, good, format="json").status_code == 201
    assert client.post(url, good, format="json").status_code == 201  # the retry
    assert Payment.objects.count() == 2
    assert ledger.payable_balance(first.pk) == 0 and ledger.payable_balance(second.pk) == 0
    # the supplier confirms receipt
    payment = Payment.objects.get(payable=first)
    confirmed = api_as(supplier).post(reverse("api:payment-confirm", args=[payment.pk]))
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_at"]


def test_only_the_settlement_centre_pays_directly(deliver, finance, api_as):
    payable = deliver(10).payable
    body = {"payments": [{"payable": payable.pk, "amount": "1.00", "key": "x"}]}
    assert api_as(finance).post(reverse("api:direct-payments"), body, format="json").status_code == 403
