"""R-LIST-10: the nightly price linkage — notice, deadline across a holiday, compliance, suspension, re-runs."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from listings import jobs, services
from listings.choices import ListingCategory, ListingStatus, NoticeStatus, SuspensionCause
from listings.models import Listing, PriceLinkageNotice
from procurement.core.audit import audit_actor
from procurement.credit.models import CreditEvent
from procurement.workdays import services as workdays
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

NOTHING = {
    "notices_opened": 0,
    "notices_retargeted": 0,
    "notices_resolved": 0,
    "listings_reinstated": 0,
    "notices_overdue": 0,
    "listings_suspended": 0,
    "credit_events": 0,
}


def run(today):
    counts = jobs.national_price_linkage(today=today)
    return {key: counts[key] for key in NOTHING}


@pytest.fixture
def listing(product, list_product):
    return list_product(product, "10.00")


def test_a_lower_national_price_opens_a_notice_due_20_working_days_later_across_national_day(listing, feed):
    feed(listing.product.code, "11", "9.00", date(2026, 9, 18))  # Friday, effective date of the lower price
    feed(listing.product.code, "64", "8.00", date(2026, 9, 1))  # our own province's row is not "national"
    assert run(date(2026, 9, 21)) == {**NOTHING, "notices_opened": 1}
    notice = PriceLinkageNotice.objects.get()
    assert (notice.status, notice.target_price, notice.target_province) == (NoticeStatus.OPEN, Decimal("9.00"), "11")
    assert (notice.deadline, notice.deadline_provisional) == (date(2026, 10, 22), False)
    assert notice.manufacturer == listing.manufacturer


def test_re_running_the_same_night_changes_nothing(listing, feed):
    feed(listing.product.code, "11", "9.00")
    run(date(2026, 9, 21))
    before = list(PriceLinkageNotice.objects.values())
    assert run(date(2026, 9, 21)) == NOTHING
    assert list(PriceLinkageNotice.objects.values()) == before


def test_an_approved_compliant_declaration_closes_the_notice(world, listing, feed, declare):
    feed(listing.product.code, "11", "9.00")
    run(date(2026, 9, 21))
    notice = PriceLinkageNotice.objects.get()
    declaration = declare(listing.product, ListingCategory.INNOVATIVE, "9.00")
    assert declaration.notice == notice  # the declaration answers the notice
    services.declaration_approve(actor=world.user("provincial_reviewer"), declaration_id=declaration.pk)
    notice.refresh_from_db()
    assert (notice.status, notice.closed_by) == (NoticeStatus.COMPLIED, declaration)
    assert run(date(2026, 9, 22)) == NOTHING


def test_a_price_still_above_the_lowest_does_not_close_it(world, listing, feed, declare):
    feed(listing.product.code, "11", "9.00")
    run(date(2026, 9, 21))
    declaration = declare(listing.product, ListingCategory.INNOVATIVE, "9.50")
    services.declaration_approve(actor=world.user("provincial_reviewer"), declaration_id=declaration.pk)
    assert PriceLinkageNotice.objects.get().status == NoticeStatus.OPEN


def test_after_the_deadline_the_listing_is_suspended_and_a_credit_event_recorded_once(world, listing, feed, declare):
    feed(listing.product.code, "11", "9.00", date(2026, 9, 18))
    run(date(2026, 9, 21))
    assert run(date(2026, 10, 22)) == NOTHING  # the deadline day itself is still in time
    assert run(date(2026, 10, 23)) == {**NOTHING, "notices_overdue": 1, "listings_suspended": 1, "credit_events": 1}
    listing.refresh_from_db()
    assert (listing.status, listing.suspension_cause) == (ListingStatus.SUSPENDED, SuspensionCause.PRICE_LINKAGE)
    credit = CreditEvent.objects.get()
    assert (credit.organisation, credit.kind, credit.occurred_on) == (
        world.manufacturer,
        "price_linkage_overdue",
        date(2026, 10, 23),
    )
    assert run(date(2026, 10, 24)) == NOTHING
    # A compliant price ends the suspension.
    declaration = declare(listing.product, ListingCategory.INNOVATIVE, "9.00")
    services.declaration_approve(actor=world.user("provincial_reviewer"), declaration_id=declaration.pk)
    listing.refresh_from_db()
    assert (listing.status, listing.price) == (ListingStatus.LISTED, Decimal("9.00"))
    assert PriceLinkageNotice.objects.get().status == NoticeStatus.COMPLIED


def test_nothing_is_suspended_on_a_provisional_deadline_until_the_year_is_published(listing, feed):
    feed(listing.product.code, "11", "9.00", date(2026, 12, 18))
    run(date(2026, 12, 21))
    notice = PriceLinkageNotice.objects.get()
    assert (notice.deadline, notice.deadline_provisional) == (date(2027, 1, 15), True)
    assert run(date(2027, 2, 1)) == NOTHING  # past the provisional deadline: nothing happens
    listing.refresh_from_db()
    assert listing.status == ListingStatus.LISTED
    # The State Council publishes 2027 (New Year's Day off); the deadline is recomputed and final.
    workdays.calendar_year_draft(2027)
    workdays.calendar_day_set(date(2027, 1, 1), kind="holiday", name="元旦", reason="国办发明电")
    assert workdays.calendar_year_publish(2027, notice="国办发明电〔2026〕") == 1
    notice.refresh_from_db()
    assert (notice.deadline, notice.deadline_provisional) == (date(2027, 1, 18), False)
    assert run(date(2027, 2, 1))["listings_suspended"] == 1


def test_a_still_lower_price_retargets_the_notice_and_gets_its_own_period(listing, feed):
    feed(listing.product.code, "11", "9.00", date(2026, 9, 18))
    run(date(2026, 9, 21))
    feed(listing.product.code, "31", "8.50", date(2026, 10, 20))
    assert run(date(2026, 10, 21)) == {**NOTHING, "notices_retargeted": 1}
    notice = PriceLinkageNotice.objects.get()
    assert (notice.target_price, notice.target_province) == (Decimal("8.50"), "31")
    assert notice.deadline == workdays.add_working_days(date(2026, 10, 20), 20).date


def test_when_the_lower_price_goes_away_the_notice_is_resolved_and_a_suspension_lifted(listing, feed):
    feed(listing.product.code, "11", "9.00", date(2026, 9, 18))
    run(date(2026, 9, 21))
    run(date(2026, 10, 23))  # overdue: suspended
    feed(listing.product.code, "11", "10.50", date(2026, 11, 1))  # 北京 raised its price
    assert run(date(2026, 11, 2)) == {**NOTHING, "notices_resolved": 1, "listings_reinstated": 1}
    listing.refresh_from_db()
    assert listing.status == ListingStatus.LISTED
    assert PriceLinkageNotice.objects.get().status == NoticeStatus.RESOLVED


def test_the_working_day_count_is_a_setting(listing, feed, set_policy):
    set_policy("LINKAGE_WORKING_DAYS", 10)
    feed(listing.product.code, "11", "9.00", date(2026, 9, 18))
    run(date(2026, 9, 21))
    # 9-20 (make-up Sunday), 9-21…24, 9-28…30, 10-8, 10-9: the tenth working day.
    assert PriceLinkageNotice.objects.get().deadline == date(2026, 10, 9)


def test_prices_fixed_nationally_are_not_linked(listing, feed):
    """R-LIST-3 / R-LIST-7: a negotiated drug stays at its payment standard, a reserve drug at its supply price."""
    product = listing.product
    product.is_provincial_reserve = True
    product.save()
    feed(product.code, "11", "9.00")
    assert run(date(2026, 9, 21)) == NOTHING


def _written() -> dict[str, int]:
    """How many rows each table the linkage writes holds, its audit events included."""
    from listings.models import ListingTransition

    return {
        "notices": PriceLinkageNotice.objects.count(),
        "notice events": PriceLinkageNotice.events.field.model.objects.count(),
        "listing events": Listing.events.field.model.objects.count(),
        "transitions": ListingTransition.objects.count(),
        "credit events": CreditEvent.objects.count(),
        "credit event events": CreditEvent.events.field.model.objects.count(),
    }


def test_a_mixed_night_opens_enforces_and_resolves_each_once_and_a_re_run_writes_nothing(world, feed, list_product):
    """R-LIST-10 set-based over many listings in one night: new notices (one of them overdue at once, its
    lower price long in effect), an open notice past its deadline, one still in time, one resolved, one
    listing at its lowest; each suspension with its transition, credit event and audit events, once."""
    listings = {name: list_product(ProductFactory(manufacturer=world.manufacturer), "10.00") for name in "ABCDEF"}
    first_night, tonight = date(2026, 9, 21), date(2026, 10, 23)
    for name, effective in (("C", date(2026, 9, 18)), ("D", date(2026, 9, 21)), ("F", date(2026, 9, 18))):
        feed(listings[name].product.code, "11", "9.00", effective)
    with audit_actor(jobs.JOB):
        assert run(first_night) == {**NOTHING, "notices_opened": 3}
    notices = {name: PriceLinkageNotice.objects.get(listing=listings[name]) for name in "CDF"}
    assert notices["C"].deadline == date(2026, 10, 22) and notices["D"].deadline >= tonight
    feed(listings["A"].product.code, "31", "9.50", date(2026, 10, 20))  # lower since this week: in time
    feed(listings["B"].product.code, "31", "9.50", date(2026, 9, 1))  # lower since September: already overdue
    feed(listings["E"].product.code, "31", "10.00", date(2026, 9, 1))  # at its price: nothing to follow
    feed(listings["F"].product.code, "11", "10.50", date(2026, 10, 20))  # the lower price went away

    before = _written()
    with audit_actor(jobs.JOB):
        assert run(tonight) == {
            **NOTHING,
            "notices_opened": 2,  # A, B
            "notices_overdue": 2,  # B (at once), C
            "listings_suspended": 2,
            "credit_events": 2,
            "notices_resolved": 1,  # F
        }
    notices.update({name: PriceLinkageNotice.objects.get(listing=listings[name]) for name in "AB"})
    for notice in notices.values():
        notice.refresh_from_db()
    status = {name: notice.status for name, notice in notices.items()}
    assert status == {
        "A": NoticeStatus.OPEN,
        "B": NoticeStatus.OVERDUE,
        "C": NoticeStatus.OVERDUE,
        "D": NoticeStatus.OPEN,
        "F": NoticeStatus.RESOLVED,
    }
    assert not PriceLinkageNotice.objects.filter(listing=listings["E"]).exists()
    assert notices["B"].deadline == workdays.add_working_days(date(2026, 9, 1), 20).date < tonight
    for listing in listings.values():
        listing.refresh_from_db()
    suspended = {name for name, listing in listings.items() if listing.status == ListingStatus.SUSPENDED}
    assert suspended == {"B", "C"}
    assert {listings[name].suspension_cause for name in suspended} == {SuspensionCause.PRICE_LINKAGE}
    # Each suspension once: its transition, its credit event (the day after the deadline), its audit events.
    for name in "BC":
        notice, listing = notices[name], listings[name]
        assert notice.suspended_at is not None
        (transition,) = listing.transitions.filter(actor_label=jobs.JOB)
        assert (transition.from_status, transition.to_status) == (ListingStatus.LISTED, ListingStatus.SUSPENDED)
        credit = CreditEvent.objects.get(source=f"price_linkage_notice:{notice.pk}")
        assert (credit.organisation, credit.kind, credit.occurred_on) == (
            world.manufacturer,
            "price_linkage_overdue",
            notice.deadline + timedelta(days=1),
        )
        (credited,) = credit.events.all()
        assert (credited.pgh_label, credited.source, credited.pgh_context["actor"]) == (
            "insert",
            credit.source,
            jobs.JOB,
        )
        (update,) = listing.events.filter(pgh_label="update", status=ListingStatus.SUSPENDED)
        assert update.pgh_context["actor"] == jobs.JOB
    # The notices opened tonight are audited as inserted (B's already overdue), once each.
    for name, opened_as in (("A", NoticeStatus.OPEN), ("B", NoticeStatus.OVERDUE)):
        (inserted,) = notices[name].events.filter(pgh_label="insert")
        assert (inserted.status, inserted.listing_id, inserted.pgh_context["actor"]) == (
            opened_as,
            listings[name].pk,
            jobs.JOB,
        )
    after = _written()
    assert {table: after[table] - before[table] for table in after} == {
        "notices": 2,
        "notice events": 2 + 1 + 1,  # A and B inserted; C overdue; F resolved
        "listing events": 2,
        "transitions": 2,
        "credit events": 2,
        "credit event events": 2,
    }

    # The same night again: nothing to do, nothing written, not even an audit event.
    with audit_actor(jobs.JOB):
        assert run(tonight) == NOTHING
    assert _written() == after
