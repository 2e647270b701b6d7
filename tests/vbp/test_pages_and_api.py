"""VBP pages and API: sealing as the bureau sees it (R-VBP-9), public results after the opening, the
national import page (R-VBP-1), demand and confirmation pages (R-VBP-2, R-VBP-3), completion (R-VBP-5)."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.vbp.conftest import buy, national_row, workbook
from vbp import services
from vbp.excel import NATIONAL_HEADER
from vbp.models import Allocation, CompetitionUnit, Contract, Round


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_bureau_user_sees_no_bid_price_before_the_opening_and_everyone_after(
    world, atorvastatin, bidding_round, makers, api_as
):
    """R-VBP-9: the bureau's round page and the API show no price before the opening time; the bid API answers
    the bidder a receipt, not a price; after the opening the results are public, by page and API."""
    round_, unit = bidding_round
    _maker, product, clerk = makers[0]
    # when: the company bids by the API
    answer = api_as(clerk).post(
        "/api/v1/vbp/bids/", {"unit": unit.pk, "product_code": product.code, "price": "5.4321"}, format="json"
    )
    assert answer.status_code == 201, answer.content
    assert "5.4321" not in answer.content.decode() and len(answer.json()["receipt"]) == 64
    # then: nobody reads it before the opening
    bureau = world.user("provincial_reviewer")
    page = as_user(bureau).get(reverse("vbp:round-detail", args=[round_.pk]))
    assert page.status_code == 200 and "5.4321" not in page.content.decode()
    assert "5.4321" not in as_user(bureau).get(reverse("vbp:unit-detail", args=[unit.pk])).content.decode()
    for url in ("/api/v1/vbp/bids/", "/api/v1/vbp/results/", f"/api/v1/vbp/rounds/{round_.pk}/"):
        body = api_as(bureau).get(url)
        assert body.status_code == 200 and "5.4321" not in body.content.decode(), url
    assert api_as(bureau).get("/api/v1/vbp/bids/").json()["count"] == 0
    own = api_as(clerk).get("/api/v1/vbp/bids/").json()
    assert own["count"] == 1 and "5.4321" not in str(own)
    assert Client().get(reverse("vbp-public:round", args=[round_.pk])).status_code == 404
    # when: the opening time passes and the bureau opens
    Round.objects.filter(pk=round_.pk).update(
        bid_deadline=timezone.now() - timedelta(minutes=2), opening_at=timezone.now() - timedelta(minutes=1)
    )
    opened = as_user(bureau).post(reverse("vbp:round-detail", args=[round_.pk]), {"action": "open"})
    assert opened.status_code == 302
    # then: public, page and API, for anyone
    public = Client().get(reverse("vbp-public:round", args=[round_.pk]))
    assert public.status_code == 200 and "¥5.4321" in public.content.decode()
    results = Client().get("/api/v1/vbp/results/").json()
    assert [row["price"] for row in results["results"]] == ["5.4321"]


def test_the_national_import_page_shows_every_problem_and_saves_nothing(world, atorvastatin):
    """R-VBP-1: a broken row refuses the file with a table of rows and columns."""
    client = as_user(world.user("provincial_reviewer"))
    upload = workbook(NATIONAL_HEADER, national_row(atorvastatin[0], "abc"))
    answer = client.post(reverse("vbp:national-import"), {"name": "第四批", "file": upload})
    assert answer.status_code == 400
    assert 'data-testid="problem-table"' in answer.content.decode() and "中选价格" in answer.content.decode()
    assert not Round.objects.exists()
    good = workbook(NATIONAL_HEADER, national_row(atorvastatin[0], 5.46))
    answer = client.post(reverse("vbp:national-import"), {"name": "第四批", "file": good})
    assert answer.status_code == 302 and Round.objects.count() == 1


def test_demand_base_allocation_and_confirmation_by_pages(world, atorvastatin, national_round):
    """R-VBP-2, R-VBP-3: the hospital reports, the bureau sets the base and allocates, the hospital confirms."""
    unit = CompetitionUnit.objects.get(round=national_round)
    url = reverse("vbp:unit-detail", args=[unit.pk])
    hospital = as_user(world.user("hospital_buyer"))
    bureau = as_user(world.user("provincial_reviewer"))
    assert hospital.post(url, {"action": "demand", "reported_units": "700", "note": ""}).status_code == 302
    demand = unit.demands.get()
    assert bureau.post(url, {"action": "base", "demand": demand.pk, "base_units": "700"}).status_code == 302
    assert bureau.post(url, {"action": "allocate"}).status_code == 302
    allocation = Allocation.objects.get(unit=unit)
    assert allocation.agreed_units == 350
    page = hospital.get(url).content.decode()
    assert "350" in page
    assert hospital.post(url, {"action": "confirm", "allocation": allocation.pk}).status_code == 302
    allocation.refresh_from_db()
    assert allocation.confirmed_at is not None
    # another hospital's share is not found
    other = as_user(world.user("other_hospital_admin"))
    assert other.post(url, {"action": "confirm", "allocation": allocation.pk}).status_code == 404


def test_completion_pages_by_role(world, atorvastatin, national_round):
    """R-VBP-5: the hospital sees its completion rise on its contract page; the bureau reads completion by
    hospital and region; a city bureau outside the hospital's region sees none of it."""
    unit = CompetitionUnit.objects.get(round=national_round)
    report = services.demand_report(actor=world.user("hospital_buyer"), unit_id=unit.pk, reported_units=1460)
    services.demand_base_set(actor=world.user("provincial_reviewer"), demand_id=report.pk, base_units=1460)
    services.unit_allocate(actor=world.user("provincial_reviewer"), unit_id=unit.pk)
    contract = Contract.objects.get()
    buy(world, atorvastatin[0], 3)
    hospital = as_user(world.user("hospital_buyer"))
    detail = hospital.get(reverse("vbp:contract-detail", args=[contract.pk])).content.decode()
    assert 'data-testid="completion">21<' in detail and 'data-testid="chart"' in detail
    bureau = as_user(world.user("provincial_supervisor"))
    assert world.hospital.name in bureau.get(reverse("vbp:completion")).content.decode()
    assert world.hospital.name in as_user(world.user("county_bureau")).get(reverse("vbp:completion")).content.decode()
    from procurement.organisations.choices import Role
    from tests.factories import UserFactory

    stranger = as_user(UserFactory(organisation=world.other_hospital, roles=[Role.HOSPITAL_BUYER]))
    assert stranger.get(reverse("vbp:contract-detail", args=[contract.pk])).status_code == 404
    api = hospital.get("/api/v1/vbp/contracts/").json()
    assert api["results"][0]["bought_units"] == 21


def test_pages_answer_each_role(world, atorvastatin, national_round, bidding_round):
    for name in ("provincial_reviewer", "city_bureau", "hospital_buyer", "manufacturer_clerk", "distributor_clerk"):
        client = as_user(world.user(name))
        for url in (reverse("vbp:round-list"), reverse("vbp:contract-list"), reverse("vbp-public:results")):
            assert client.get(url).status_code == 200, (name, url)
    assert as_user(world.user("manufacturer_clerk")).get(reverse("vbp:bids")).status_code == 200
    assert as_user(world.user("hospital_buyer")).get(reverse("vbp:bids")).status_code == 403
    assert as_user(world.user("hospital_buyer")).get(reverse("vbp:completion")).status_code == 403
    assert Client().get(reverse("vbp-public:results")).status_code == 200
