"""The API shell: OpenAPI schema and docs served locally, one error format, pagination, filters."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/products/" in schema and "HisToken" in schema


def test_the_docs_page_uses_only_local_assets(client):
    page = client.get(reverse("api:docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_validation_errors_name_the_field(api_client):
    response = api_client.get(reverse("api:working-days-deadline"), {"start": "tomorrow", "days": -1})
    assert response.status_code == 400
    errors = {error["field"]: error for error in response.json()["errors"]}
    assert set(errors) == {"start", "days"}
    assert all(set(error) == {"field", "rule", "code", "message", "params"} for error in errors.values())


def test_not_found_has_the_same_shape(world, api_as):
    response = api_as(world.user("hospital_admin")).get(reverse("api:product-detail", args=["X" + "0" * 22]))
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_products_are_paginated_and_filtered(world, api_client):
    for index in range(3):
        ProductFactory(manufacturer=world.manufacturer, generic_name=f"阿托伐他汀钙片{index}")
    ProductFactory(manufacturer=world.other_manufacturer, generic_name="瑞舒伐他汀钙片")
    page = api_client.get(reverse("api:product-list"), {"page_size": 2}).json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    by_pinyin = api_client.get(reverse("api:product-list"), {"q": "atft"}).json()
    assert by_pinyin["count"] == 3
    by_maker = api_client.get(reverse("api:product-list"), {"manufacturer": world.other_manufacturer.pk}).json()
    assert [product["generic_name"] for product in by_maker["results"]] == ["瑞舒伐他汀钙片"]
