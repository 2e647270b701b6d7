"""Credit grades and their measures (R-SUP-3), enforced in the channel each one limits, and repaired
(信用修复) after an accepted rectification (R-SUP-5) and the set time; the bad-record bar (R-LIST-14)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from listings.choices import ListingCategory
from negotiation import services as negotiation_services
from procurement.core.errors import DomainError
from procurement.credit import grades, services
from procurement.credit.choices import CreditEventKind, Severity
from procurement.credit.models import CreditEvent
from procurement.credit.selectors import bar_on
from procurement.orders.pricing import Refusal, resolve_prices
from supervision import services as supervision_services
from tests.factories import ProductFactory
from vbp import services as vbp_services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def record(company, severity, days_ago=10, kind=CreditEventKind.UNTRUE_PRICE):
    return CreditEvent.objects.create(
        organisation=company,
        kind=kind,
        severity=severity,
        occurred_on=TODAY() - timedelta(days=days_ago),
        description="经核查属实",
    )


def innovative(world):
    return ProductFactory(manufacturer=world.manufacturer, is_innovative=True, pack_quantity=7)


class TestGrade:
    def test_the_grade_is_the_gravest_event_in_the_window(self, world):
        """R-SUP-3: 一般 and 严重 within the year → 严重; the 严重 one leaves the window after 365 days."""
        record(world.manufacturer, Severity.GENERAL, days_ago=10)
        serious = record(world.manufacturer, Severity.SERIOUS, days_ago=300)
        standing = grades.standing_on(world.manufacturer.pk, TODAY())
        assert (standing.grade, standing.measure, standing.since) == ("serious", "warning", serious.occurred_on)
        assert standing.warned and not standing.suspended
        # the serious event is 365 days old 65 days from now: only the general one counts then
        later = grades.standing_on(world.manufacturer.pk, TODAY() + timedelta(days=65))
        assert (later.grade, later.measure) == ("general", "reminder")
        assert grades.standing_on(world.other_manufacturer.pk, TODAY()).grade is None

    def test_measures_are_policy_values(self, world, set_policy):
        record(world.manufacturer, Severity.MODERATE)
        assert grades.standing_on(world.manufacturer.pk, TODAY()).measure == "interview"
        set_policy("CREDIT_MEASURE_MODERATE", "suspension")
        assert grades.standing_on(world.manufacturer.pk, TODAY()).suspended


class TestWarning:
    """Grade 严重 → a credit warning: shown with the listings, new listings and bids limited."""

    def test_new_listing_declarations_beyond_the_limit_are_refused(self, world, declare):
        record(world.manufacturer, Severity.SERIOUS)
        # given one declaration allowed under the warning (CREDIT_WARNING_NEW_DECLARATIONS = 1)
        declare(innovative(world), ListingCategory.INNOVATIVE, "10.00")
        # when the company submits a second one
        with pytest.raises(DomainError) as refused:
            declare(innovative(world), ListingCategory.INNOVATIVE, "10.00")
        # then it is refused with the figures
        problem = refused.value.problems[0]
        assert (problem.code, problem.rule, problem.params["limit"], problem.params["count"]) == (
            "credit_warning_limit",
            "R-SUP-3",
            1,
            1,
        )
        # and a company with no grade declares freely
        other = ProductFactory(manufacturer=world.other_manufacturer, is_innovative=True)
        declare(other, ListingCategory.INNOVATIVE, "10.00")
        declare(
            ProductFactory(manufacturer=world.other_manufacturer, is_innovative=True), ListingCategory.INNOVATIVE, "9"
        )

    def test_vbp_bids_beyond_the_limit_are_refused(self, world, bidding_round, atorvastatin, set_policy):
        _round, unit = bidding_round
        record(world.manufacturer, Severity.SERIOUS)
        clerk = world.user("manufacturer_clerk")
        # given no unit allowed per round under the warning
        set_policy("CREDIT_WARNING_BIDS_PER_ROUND", 0)
        with pytest.raises(DomainError) as refused:
            vbp_services.bid_submit(actor=clerk, unit_id=unit.pk, product_code=atorvastatin[0].code, price="6.30")
        assert refused.value.problems[0].code == "credit_warning_limit"
        # when the limit is one unit, the bid in the round's one unit is taken
        set_policy("CREDIT_WARNING_BIDS_PER_ROUND", 1)
        bid = vbp_services.bid_submit(actor=clerk, unit_id=unit.pk, product_code=atorvastatin[0].code, price="6.30")
        assert bid.pk

    def test_the_warning_is_shown_with_the_listings_and_on_the_buy_page(self, world, client, atorvastatin):
        record(world.manufacturer, Severity.SERIOUS)
        client.force_login(world.user("hospital_buyer"))
        page = client.get(reverse("orders:buy")).content.decode()
        rows = {
            code: page.split(f'data-testid="offer-{code}"')[1].split("</tr>")[0]
            for code in (atorvastatin[0].code, atorvastatin[2].code)
        }
        assert 'data-testid="credit-warning"' in rows[atorvastatin[0].code]
        assert 'data-testid="credit-warning"' not in rows[atorvastatin[2].code]  # the other manufacturer
        # the warned company's products are still bought (a warning is not a suspension)
        assert 'data-testid="refusal-' + atorvastatin[0].code not in page
        client.force_login(world.user("provincial_reviewer"))
        listings = client.get(reverse("listings:listing-list")).content.decode()
        assert listings.count('data-testid="credit-warning"') == 2  # the manufacturer's two listings
        public = client.get(reverse("public:public-list")).content.decode()
        assert public.count('data-testid="credit-warning"') == 2


class TestSuspension:
    """Grade 特别严重 → listing and bidding suspended: nothing declared, bid, negotiated or bought."""

    def test_every_channel_refuses(self, world, bidding_round, atorvastatin, declare):
        _round, unit = bidding_round
        record(world.manufacturer, Severity.ESPECIALLY_SERIOUS)
        with pytest.raises(DomainError) as declaration:
            declare(innovative(world), ListingCategory.INNOVATIVE, "10.00")
        assert declaration.value.problems[0].code == "credit_suspended"
        with pytest.raises(DomainError) as bid:
            vbp_services.bid_submit(
                actor=world.user("manufacturer_clerk"), unit_id=unit.pk, product_code=atorvastatin[0].code, price="6"
            )
        assert bid.value.problems[0].code == "credit_suspended"
        with pytest.raises(DomainError) as negotiation:
            negotiation_services.negotiation_request(
                actor=world.user("hospital_buyer"),
                request=negotiation_services.Request(product=atorvastatin[0], price=Decimal("25.00"), volume=100),
            )
        assert negotiation.value.problems[0].code == "credit_suspended"
        prices = resolve_prices(world.hospital, atorvastatin, TODAY())
        assert isinstance(prices[atorvastatin[0].pk], Refusal) and prices[atorvastatin[0].pk].code == "credit_suspended"
        assert not isinstance(prices[atorvastatin[2].pk], Refusal)  # the other manufacturer still sells


def test_the_grade_is_repaired_after_accepted_rectification_and_the_set_time(world, set_policy):
    """R-SUP-3 信用修复: the interview case closed as accepted; 180 days later (严重) the grade is lifted."""
    event = record(world.manufacturer, Severity.SERIOUS, days_ago=20)
    supervisor = world.user("provincial_supervisor")
    case = supervision_services.case_open_from_flag(
        actor=supervisor, flag_key="credit_event", subject_id=world.manufacturer.pk, day=TODAY() - timedelta(days=5)
    )
    supervision_services.interview_record(
        actor=supervisor,
        case_id=case.pk,
        held_on=TODAY() - timedelta(days=4),
        place="会议室",
        attendees="双方",
        minutes="约谈",
    )
    supervision_services.evidence_add(
        actor=supervisor, case_id=case.pk, upload=SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\nxx")
    )
    supervision_services.case_close(actor=supervisor, case_id=case.pk, conclusion="accepted", note="整改合格")
    # the day before the repair takes effect the warning stands; on the day it is lifted
    assert grades.standing_on(world.manufacturer.pk, TODAY() + timedelta(days=179)).grade == "serious"
    assert grades.standing_on(world.manufacturer.pk, TODAY() + timedelta(days=180)).grade is None
    # a later event counts again
    CreditEvent.objects.create(
        organisation=world.manufacturer,
        kind=CreditEventKind.BRIBERY,
        severity="general",
        occurred_on=TODAY(),
        description="新事件",
    )
    assert grades.standing_on(world.manufacturer.pk, TODAY() + timedelta(days=180)).grade == "general"
    assert event.occurred_on < case.flag_day


def test_the_bad_record_bar_runs_two_years_to_the_day_and_bars_bids_too(world, bidding_round, atorvastatin):
    """R-LIST-14: from 2026-03-01, barred to 2028-02-29 inclusive (the leap day is inside the two years: the
    bar used to end on the 28th); a VBP bid is refused while barred."""
    _round, unit = bidding_round
    record_ = services.bad_record_add(
        actor=world.user("provincial_supervisor"),
        organisation=world.manufacturer,
        starts_on=date(2026, 3, 1),
        reason="虚假材料",
    )
    assert record_.ends_on == date(2028, 2, 29)
    assert bar_on(world.manufacturer.pk, date(2028, 2, 29)) == record_
    assert bar_on(world.manufacturer.pk, date(2028, 3, 1)) is None
    assert bar_on(world.manufacturer.pk, date(2026, 2, 28)) is None
    with pytest.raises(DomainError) as bid:
        vbp_services.bid_submit(
            actor=world.user("manufacturer_clerk"), unit_id=unit.pk, product_code=atorvastatin[0].code, price="6"
        )
    assert bid.value.problems[0].code == "company_barred"


class TestPages:
    def test_the_grade_list_with_reasons_scoped_by_region(self, world, client):
        """R-SUP-3 / R-SUP-2: the distributor (银川市) is listed for the city bureau, not for 永宁县's."""
        record(world.distributor, Severity.MODERATE, kind=CreditEventKind.FAILURE_TO_SUPPLY)
        record(world.manufacturer, Severity.ESPECIALLY_SERIOUS)  # a company of the province's own region
        client.force_login(world.user("provincial_supervisor"))
        page = client.get(reverse("credit:grades")).content.decode()
        assert page.index(world.manufacturer.name) < page.index(world.distributor.name)  # gravest first
        assert "特别严重" in page and "暂停挂网和投标" in page and "未按约定供货配送" in page
        filtered = client.get(reverse("credit:grades") + "?grade=moderate").content.decode()
        assert world.distributor.name in filtered and world.manufacturer.name not in filtered
        client.force_login(world.user("city_bureau"))
        page = client.get(reverse("credit:grades")).content.decode()
        assert world.distributor.name in page and world.manufacturer.name not in page
        client.force_login(world.user("county_bureau"))
        assert world.distributor.name not in client.get(reverse("credit:grades")).content.decode()
        client.force_login(world.user("hospital_admin"))
        assert client.get(reverse("credit:grades")).status_code == 403

    def test_a_companys_credit_page_is_its_own_and_its_bureaus(self, world, client):
        record(world.manufacturer, Severity.SERIOUS)
        url = reverse("credit:company", args=[world.manufacturer.pk])
        client.force_login(world.user("manufacturer_clerk"))
        page = client.get(url).content.decode()
        assert "严重" in page and "信用警示，限制新增挂网和投标" in page
        client.force_login(world.user("other_manufacturer_clerk"))
        assert client.get(url).status_code == 404
        client.force_login(world.user("city_bureau"))  # the manufacturer is of the province, not of 银川市
        assert client.get(url).status_code == 404


def test_a_grade_whose_measure_is_an_interview_opens_a_case_once(world):
    """R-SUP-3 → R-SUP-5: 中等 (interview) and graver get a case from the nightly job; 一般 (reminder) does not;
    a second run opens none."""
    from procurement.core.jobs import run_job
    from supervision.models import Case

    record(world.manufacturer, Severity.MODERATE)
    record(world.other_manufacturer, Severity.GENERAL)
    run = run_job("credit_interview_cases", triggered_by="test")
    assert run.counts == {"opened": 1}
    case = Case.objects.get()
    assert (case.subject, case.flag_key, case.status) == (world.manufacturer, "credit_event", "open")
    assert case.explanation.startswith("1 次信用事件") and "中等" in case.explanation
    assert Case.pgh_event_model.objects.get(pgh_obj=case).pgh_context["actor"] == "job:credit_interview_cases"
    assert run_job("credit_interview_cases", triggered_by="test").counts == {"opened": 0}


def test_the_written_reminder_is_on_the_companys_home_page(world, client):
    """R-SUP-3: the grade 一般's measure, a written reminder, reaches the company on its home page."""
    record(world.distributor, Severity.GENERAL)
    client.force_login(world.user("distributor_clerk"))
    page = client.get("/").content.decode()
    assert "贵企业信用等级为“一般”" in page and "书面提醒" in page
    client.force_login(world.user("manufacturer_clerk"))
    assert "贵企业信用等级" not in client.get("/").content.decode()
