"""The payment standards published (R-SET-8): the public page (no login) searchable by name and pinyin, the
calculator explaining the patient's part, the API (documented in the OpenAPI schema) and the bureau's action."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from settlement.models import PaymentStandard
from settlement.standards_service import payment_standards_compute
from tests.vbp.conftest import atorvastatin, bureau, national_round  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def standards(world, atorvastatin, national_round):  # noqa: F811
    payment_standards_compute(year=2026, on=date(2026, 6, 1))
    return atorvastatin


def test_r_set_8_the_public_page_lists_and_searches_the_standards_without_login(client, standards):
    """R-SET-8: a visitor sees 2026's standards; the pinyin initials "atft" find 阿托伐他汀钙片, "xyz" nothing."""
    page = client.get(reverse("standards:list"), {"year": 2026})
    assert page.status_code == 200
    html = page.content.decode()
    assert "5.46" in html and "25.15" in html and "阿托伐他汀钙片" in html
    assert (
        "atft"
        and "阿托伐他汀钙片" in client.get(reverse("standards:list"), {"year": 2026, "q": "atft"}).content.decode()
    )
    found = client.get(reverse("standards:list"), {"year": 2026, "q": "xyzq"})
    assert "阿托伐他汀钙片" not in found.content.decode().split('data-testid="standards"')[1]
    export = client.get(reverse("standards:export"), {"year": 2026})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_r_set_8_the_calculator_shows_the_fund_and_the_patient_part(client, standards):
    """R-SET-8: 2 packs of the originator at 35.00 under 25.1533: the fund 50.31, the patient 19.69, explained."""
    code = standards[2].code
    page = client.get(reverse("standards:calculator"), {"year": 2026, "code": code, "price": "35.00", "packs": "2"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "50.31" in html and "19.69" in html
    assert "the patient pays the difference" in html or "患者" in html
    # a winner at its winning price: the patient pays nothing above the standard
    page = client.get(reverse("standards:calculator"), {"year": 2026, "code": standards[0].code, "price": "5.46"})
    assert 'data-testid="patient">¥0.00' in page.content.decode() or ">0.00<" in page.content.decode()


def test_r_set_8_the_api_publishes_the_standards_and_splits_a_price(api_client, standards):
    """R-SET-8 over the API, no login: the list by year and search; the split of 3 packs at 35.00."""
    listed = api_client.get("/api/v1/payment-standards/", {"year": 2026, "q": "atft"})
    assert listed.status_code == 200
    by_code = {row["product_code"]: row for row in listed.json()["results"]}
    assert by_code[standards[0].code]["standard"] == "5.4600"
    assert by_code[standards[2].code]["basis"] == "converging" and by_code[standards[2].code]["year_no"] == 1
    split = api_client.get(
        "/api/v1/payment-standards/split/", {"code": standards[2].code, "price": "35.00", "packs": 3, "year": 2026}
    )
    assert split.status_code == 200
    assert (split.json()["fund"], split.json()["patient"]) == ("75.46", "29.54")
    missing = api_client.get("/api/v1/payment-standards/split/", {"code": "X" * 23, "price": "1", "year": 2026})
    assert missing.status_code == 400 and missing.json()["errors"][0]["rule"] == "R-SET-8"
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/payment-standards/split/" in schema["paths"]


def test_r_set_8_only_the_provincial_bureau_computes_from_the_page(client, world, atorvastatin):  # noqa: F811
    """R-SET-8: the city bureau's POST is refused and changes nothing; the provincial bureau's sets the year."""
    year = date.today().year
    client.force_login(world.user("city_bureau"))
    client.post(reverse("standards:compute"), {"year": year})
    assert not PaymentStandard.objects.exists()
    client.force_login(world.user("provincial_supervisor"))
    assert 'data-testid="compute-form"' in client.get(reverse("standards:list")).content.decode()
    client.post(reverse("standards:compute"), {"year": year})
    assert PaymentStandard.objects.filter(year=year).count() == 3
    assert PaymentStandard.objects.get(year=year, product=atorvastatin[0]).standard == Decimal("30.0000")
