"""The filings API: a HIS files (R-FIL-1, R-FIL-2) and pulls the bureau's decisions by the change cursor (R-ORD-5)."""

import pytest
from django.urls import reverse

from filings import services
from filings.models import Filing
from procurement.organisations import services as organisation_services
from tests.filings.conftest import document

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def his_key(world):
    _token, key = organisation_services.api_token_create(
        actor=world.user("hospital_admin"), hospital=world.hospital, name="HIS"
    )
    return key


def body(product, **overrides):
    values = {
        "product_code": product.code,
        "basis": "unlisted",
        "reason": "重症真菌感染",
        "quantity": 100,
        "months": 6,
        "price": "38.50",
        "documents": [document()],
    }
    values.update(overrides)
    return values


def post(client, key, data):
    return client.post(reverse("api:filing-list"), data, HTTP_AUTHORIZATION=f"Token {key}")


def pull(client, key, cursor=""):
    response = client.get(reverse("api:his-filings"), {"cursor": cursor}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    return response.json()


def test_a_his_files_and_pulls_the_decision_by_the_cursor(world, client, unlisted, his_key):
    """R-FIL-1 / R-ORD-5: filed over the API; the batch's decision comes to the HIS on its next pull."""
    response = post(client, his_key, body(unlisted))
    assert response.status_code == 201, response.content
    filed = response.json()
    assert (filed["status"], filed["price"], filed["national_lowest_province"]) == ("submitted", "38.5000", "33")
    first = pull(client, his_key)
    assert [(row["id"], row["status"]) for row in first["results"]] == [(filed["id"], "submitted")]
    assert pull(client, his_key, first["next_cursor"])["results"] == []
    services.filing_batch_confirm(
        actor=world.user("provincial_reviewer"), decisions=[services.Decision(filed["id"], approve=True)]
    )
    second = pull(client, his_key, first["next_cursor"])
    [row] = second["results"]
    assert row["status"] == "approved" and row["valid_from"] and row["valid_until"]
    assert pull(client, his_key, second["next_cursor"])["results"] == []


def test_a_refusal_over_the_api_names_the_rule_and_the_figures(world, client, unlisted, his_key):
    response = post(client, his_key, body(unlisted, price="38.51"))
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["field"], error["rule"], error["code"]) == ("price", "R-FIL-2", "above_national_lowest")
    assert error["params"]["province"] == "33" and "38.5" in error["params"]["national_lowest"]
    assert not Filing.objects.exists()


def test_another_hospitals_his_pulls_nothing_of_it(world, client, unlisted, his_key):
    post(client, his_key, body(unlisted))
    _token, other_key = organisation_services.api_token_create(
        actor=world.user("city_hospital_admin"), hospital=world.city_hospital, name="HIS"
    )
    assert pull(client, other_key)["results"] == []
    assert client.get(reverse("api:filing-list"), HTTP_AUTHORIZATION=f"Token {other_key}").json()["count"] == 0


def test_the_bureau_confirms_the_batch_over_the_api(world, client, unlisted, his_key, api_as):
    filed = post(client, his_key, body(unlisted)).json()
    api = api_as(world.user("provincial_reviewer"))
    refused = api.post(
        reverse("api:filing-batch"), {"decisions": [{"filing": filed["id"], "approve": False}]}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "decisions[0].reason"
    response = api.post(
        reverse("api:filing-batch"),
        {"decisions": [{"filing": filed["id"], "approve": False, "reason": "缺少临床证明"}]},
        format="json",
    )
    assert response.status_code == 200 and response.json()["rejected"] == 1
    assert Filing.objects.get().decision_reason == "缺少临床证明"
