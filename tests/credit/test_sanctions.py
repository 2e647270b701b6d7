"""Credit records in the core (issue 9; R-SUP-3, R-LIST-14): recorded by bureau staff on the page or
through the API, a sanction takes effect at once in every channel; the list is published."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from listings import services as listing_services
from listings.choices import ListingCategory, ListingStatus, SuspensionCause
from listings.models import Listing
from negotiation import services as negotiation_services
from procurement.core.errors import DomainError
from procurement.credit import services as credit
from procurement.credit.models import BadRecord, CreditEvent
from procurement.orders import selectors as order_selectors
from procurement.orders import services as orders
from procurement.orders.pricing import Quote, Refusal, resolve_prices
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def pdf(name="证据.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def answer(world, product):
    return resolve_prices(world.hospital, [product], timezone.localdate())[product.pk]


class TestBadRecordTakesEffectEverywhere:
    def test_recorded_on_the_page(self, world, client, listed, buyer, order_lines):
        # given: the manufacturer's two listed products, orderable
        supervisor = world.user("provincial_supervisor")
        assert isinstance(answer(world, listed[0]), Quote)
        client.force_login(supervisor)
        # when: bureau staff put the manufacturer on the bad-record list, confirming
        form = {"organisation": world.manufacturer.pk, "starts_on": timezone.localdate(), "reason": "提供虚假材料"}
        refused = client.post(reverse("credit:bad-records"), form)
        response = client.post(reverse("credit:bad-records"), {**form, "confirm": "on"})
        # then: nothing without the confirmation; with it, on the list for two years
        assert refused.status_code == 200 and "confirm" in refused.context["form"].errors
        assert response.status_code == 302
        record = BadRecord.objects.get(organisation=world.manufacturer)
        assert record.ends_on == credit.bar_ends_on(timezone.localdate(), years=2)
        # ordering: every source's price is refused with the bar, and an order is refused
        refusal = answer(world, listed[0])
        assert isinstance(refusal, Refusal) and (refusal.code, refusal.rule) == ("company_barred", "R-LIST-14")
        with pytest.raises(DomainError) as error:
            orders.order_submit(actor=buyer, lines=order_lines(3))
        assert error.value.problems[0].rule == "R-LIST-14"
        # listing: its listings are suspended at once, by the supervisor, and it may not declare
        listing = Listing.objects.get(product=listed[0])
        assert (listing.status, listing.suspension_cause) == (ListingStatus.SUSPENDED, SuspensionCause.BAD_RECORD)
        assert listing.transitions.get(to_status=ListingStatus.SUSPENDED).actor == supervisor
        with pytest.raises(DomainError) as error:
            listing_services.declaration_create(
                actor=world.user("manufacturer_clerk"),
                product=ProductFactory(manufacturer=world.manufacturer),
                category=ListingCategory.INNOVATIVE,
                price=Decimal("9.00"),
                submit=True,
            )
        assert error.value.problems[0].code == "company_barred"
        # negotiation: nothing of it is negotiated
        with pytest.raises(DomainError) as error:
            negotiation_services.negotiation_request(
                actor=buyer, request=negotiation_services.Request(listed[1], Decimal("25.00"), 100)
            )
        assert (error.value.problems[0].code, error.value.problems[0].rule) == ("company_barred", "R-LIST-14")
        # the audit trail names who and why
        event = BadRecord.pgh_event_model.objects.get(pgh_obj=record)
        assert (event.pgh_context["username"], event.pgh_context["reason"]) == (supervisor.username, "提供虚假材料")

    def test_published_with_the_company_and_until_when(self, world, client):
        credit.bad_record_add(
            actor=world.user("provincial_supervisor"),
            organisation=world.manufacturer,
            starts_on=timezone.localdate(),
            reason="内部审查意见：行贿",
        )
        page = client.get(reverse("credit-public:bad-record-list"))
        text = page.content.decode()
        assert page.status_code == 200
        assert world.manufacturer.name in text and "内部审查意见" not in text
        assert world.other_manufacturer.name not in text

    def test_recorded_through_the_api_and_read_by_anyone(self, world, api_as, api_client, listed):
        # given / when: the bureau records a bar through the API
        created = api_as(world.user("provincial_supervisor")).post(
            "/api/v1/bad-records/",
            {"organisation": world.manufacturer.pk, "starts_on": str(timezone.localdate()), "reason": "串通投标"},
        )
        # then: in force in every channel, and published without the bureau's reason or staff
        assert created.status_code == 201, created.json()
        assert isinstance(answer(world, listed[0]), Refusal)
        api_client.logout()
        published = api_client.get("/api/v1/bad-records/").json()["results"]
        assert [(row["company"], row["ends_on"]) for row in published] == [
            (world.manufacturer.name, created.json()["ends_on"])
        ]
        assert "reason" not in published[0] and "recorded_by" not in published[0]

    def test_only_the_provincial_bureau_records_one(self, world, api_as, api_client):
        body = {"organisation": world.manufacturer.pk, "starts_on": str(timezone.localdate()), "reason": "x"}
        for name in ("hospital_buyer", "city_bureau", "other_manufacturer_clerk", "provincial_reviewer"):
            assert api_as(world.user(name)).post("/api/v1/bad-records/", body).status_code == 403, name
        api_client.logout()
        assert api_client.post("/api/v1/bad-records/", body).status_code == 401
        assert not BadRecord.objects.exists()


@pytest.mark.parametrize(
    "starts_on, ends_on",
    [
        ("2026-12-03", "2028-12-02"),
        ("2028-02-29", "2030-02-28"),  # from a leap day: the day before its (missing) anniversary
        ("2028-03-01", "2030-02-28"),
        ("2027-03-01", "2029-02-28"),
        ("2026-03-01", "2028-02-29"),  # the leap day before the anniversary is inside the bar
        ("2026-01-01", "2027-12-31"),
    ],
)
def test_a_bar_lasts_its_years_to_the_day_before_the_anniversary_across_leap_days(world, starts_on, ends_on):
    """R-LIST-14: two years, whatever the calendar (issue 10, #17)."""
    from datetime import date

    record = credit.bad_record_add(
        actor=world.user("provincial_supervisor"),
        organisation=world.manufacturer,
        starts_on=date.fromisoformat(starts_on),
        reason="串通报价",
    )
    assert record.ends_on == date.fromisoformat(ends_on)


class TestBarredDistributor:
    """R-LIST-14 / R-SUP-3: a barred distributor can be neither named nor ordered from."""

    def test_it_cannot_be_named(self, world):
        credit.bad_record_add(
            actor=world.user("provincial_supervisor"),
            organisation=world.distributor,
            starts_on=timezone.localdate(),
            reason="配送不到位",
        )
        with pytest.raises(DomainError) as error:
            orders.designation_add(
                actor=world.user("manufacturer_clerk"),
                product=ProductFactory(manufacturer=world.manufacturer),
                region=world.province,
                distributor=world.distributor,
            )
        assert (error.value.problems[0].code, error.value.problems[0].field) == ("distributor_barred", "distributor")

    def test_it_cannot_be_ordered_from_though_named_before(self, world, listed, buyer, order_lines, api_as, his_key):
        # given: named for both products, then barred
        credit.bad_record_add(
            actor=world.user("provincial_supervisor"),
            organisation=world.distributor,
            starts_on=timezone.localdate(),
            reason="配送不到位",
        )
        # when / then: the order is refused on the distributor, naming the rule
        with pytest.raises(DomainError) as error:
            orders.order_submit(actor=buyer, lines=order_lines(2))
        problem = error.value.problems[0]
        assert (problem.code, problem.field, problem.rule) == (
            "distributor_barred",
            "lines[0].distributor",
            "R-LIST-14",
        )
        # and no one offers it any more: the products stay orderable, with no distributor to choose
        assert order_selectors.designated_distributors(world.hospital, [listed[0].pk]) == {listed[0].pk: set()}
        prices = api_as(buyer).get("/api/v1/prices/", {"codes": listed[0].code}).json()["results"]
        assert prices[0]["distributors"] == []


class TestCreditEvents:
    def test_recorded_on_the_page_with_evidence_and_read_by_the_company(self, world, client):
        client.force_login(world.user("provincial_supervisor"))
        form = {
            "organisation": world.distributor.pk,
            "kind": "failure_to_supply",
            "severity": "serious",
            "occurred_on": timezone.localdate(),
            "description": "连续三次配送不到位",
        }
        # a text file is no evidence: refused on its field, nothing recorded
        refused = client.post(reverse("credit:event-new"), {**form, "evidence": SimpleUploadedFile("a.pdf", b"hello")})
        assert "evidence" in refused.context["form"].errors and not CreditEvent.objects.exists()
        assert client.post(reverse("credit:event-new"), {**form, "evidence": pdf()}).status_code == 302
        event = CreditEvent.objects.get()
        assert (event.severity, event.recorded_by) == ("serious", world.user("provincial_supervisor"))
        # the company reads its own record and its evidence; another company does not
        client.force_login(world.user("distributor_clerk"))
        assert "连续三次配送不到位" in client.get(reverse("credit:event-list")).content.decode()
        assert client.get(reverse("credit:event-evidence", args=[event.pk])).status_code == 200
        client.force_login(world.user("other_manufacturer_clerk"))
        assert "连续三次配送不到位" not in client.get(reverse("credit:event-list")).content.decode()
        assert client.get(reverse("credit:event-evidence", args=[event.pk])).status_code == 404

    def test_recorded_through_the_api_and_scoped_by_region(self, world, api_as):
        supervisor = api_as(world.user("provincial_supervisor"))
        for company in (world.distributor, world.manufacturer):
            response = supervisor.post(
                "/api/v1/credit-events/",
                {
                    "organisation": company.pk,
                    "kind": "untrue_price",
                    "severity": "moderate",
                    "occurred_on": str(timezone.localdate()),
                    "description": "虚报价格",
                },
            )
            assert response.status_code == 201, response.json()
        # 银川市's bureau reads the distributor of 银川市, not the manufacturer registered at the province
        city = api_as(world.user("city_bureau")).get("/api/v1/credit-events/").json()["results"]
        assert [row["organisation"] for row in city] == [world.distributor.pk]

    def test_a_hospital_is_not_a_company(self, world):
        with pytest.raises(DomainError) as error:
            credit.credit_event_record(
                actor=world.user("provincial_supervisor"),
                organisation=world.hospital,
                kind="bribery",
                severity="general",
                occurred_on=timezone.localdate(),
                description="x",
            )
        assert error.value.problems[0].code == "not_a_company"


def test_a_delisted_product_is_sold_by_no_source(world, api_as, listed):
    # when: the bureau delists one product through the API
    response = api_as(world.user("provincial_supervisor")).post(
        "/api/v1/delistings/",
        {"product_code": listed[0].code, "starts_on": str(timezone.localdate()), "reason": "质量问题"},
    )
    # then: refused with its rule, its listing suspended for it; the maker's other product is not touched
    assert response.status_code == 201, response.json()
    refusal = answer(world, listed[0])
    assert (refusal.code, refusal.rule) == ("product_delisted", "R-SUP-3")
    assert isinstance(answer(world, listed[1]), Quote)
    listing = Listing.objects.get(product=listed[0])
    assert (listing.status, listing.suspension_cause) == (ListingStatus.SUSPENDED, SuspensionCause.DELISTED)
    assert Listing.objects.get(product=listed[1]).status == ListingStatus.LISTED
