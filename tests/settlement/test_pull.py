"""R-ORD-5 for settlement: a HIS pulls its payables and payments by the change cursor."""

from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.organisations import services as organisation_services
from settlement import services

pytestmark = pytest.mark.django_db(transaction=True)


def pull(client, name, key, cursor=""):
    response = client.get(reverse(name), {"cursor": cursor}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_his_pulls_payables_and_payments_as_they_change(world, deliver, finance, client):
    # given
    _token, key = organisation_services.api_token_create(
        actor=world.user("hospital_admin"), hospital=world.hospital, name="HIS"
    )
    payable = deliver(10).payable
    # when: the first pull
    page = pull(client, "api:his-payables", key)
    # then
    assert [(row["id"], row["balance"], row["settled_on"]) for row in page["results"]] == [(payable.pk, "126.00", None)]
    assert pull(client, "api:his-payables", key, page["next_cursor"])["results"] == []
    # when: paid in full — the payable comes back settled, the payment is pulled too
    services.payment_record(actor=finance, payable_id=payable.pk, amount=Decimal("126.00"))
    again = pull(client, "api:his-payables", key, page["next_cursor"])
    assert [(row["id"], row["balance"]) for row in again["results"]] == [(payable.pk, "0.00")]
    assert again["results"][0]["settled_on"]
    payments = pull(client, "api:his-payments", key)["results"]
    assert [(row["payable"], row["amount"], row["payer"]) for row in payments] == [(payable.pk, "126.00", "hospital")]
    # and another hospital's HIS sees none of it
    _token, other = organisation_services.api_token_create(
        actor=world.user("other_hospital_admin"), hospital=world.other_hospital, name="HIS"
    )
    assert pull(client, "api:his-payables", other)["results"] == []
