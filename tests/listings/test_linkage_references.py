"""What the price linkage (R-LIST-10) writes by the thousand names rows that exist, checked by the database
once a statement (procurement.core.references) where a foreign key checked each row; the listings it
suspends or reinstates are stamped for the HIS pull by the statement itself (R-ORD-5, core.changes)."""

from datetime import date

import pgtrigger
import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone

from listings import jobs
from listings.choices import ListingStatus
from listings.models import Listing, ListingTransition, PriceLinkageNotice
from procurement.credit.models import CreditEvent
from procurement.organisations.choices import OrganisationKind
from procurement.organisations.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(product, list_product):
    return list_product(product, "10.00")


def notice(listing, **names):
    values = {
        "listing_id": listing.pk,
        "manufacturer_id": listing.manufacturer_id,
        "listing_price": "10.00",
        "target_price": "9.00",
        "target_province": "11",
        "target_effective_date": date(2026, 9, 18),
        "deadline_start": date(2026, 9, 18),
        "deadline_working_days": 20,
        "deadline": date(2026, 10, 22),
    }
    return PriceLinkageNotice(**{**values, **names})


def missing(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def test_a_notice_a_transition_or_a_credit_event_naming_nothing_is_refused_at_once(world, listing):
    for refused in (
        lambda: PriceLinkageNotice.objects.bulk_create([notice(listing), notice(listing, listing_id=missing(Listing))]),
        lambda: PriceLinkageNotice.objects.bulk_create([notice(listing, manufacturer_id=missing(Organisation))]),
        lambda: ListingTransition.objects.create(listing_id=missing(Listing), to_status="listed", reason="x"),
        lambda: CreditEvent.objects.create(
            organisation_id=missing(Organisation), kind="other", occurred_on=date(2026, 9, 1), description="x"
        ),
    ):
        with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
            refused()
    assert not PriceLinkageNotice.objects.exists() and not CreditEvent.objects.exists()
    PriceLinkageNotice.objects.bulk_create([notice(listing)])  # naming what exists: written


def test_what_a_notice_or_a_credit_event_names_never_changes(world, listing):
    written = PriceLinkageNotice.objects.bulk_create([notice(listing)])[0]
    other = OrganisationFactory(kind=OrganisationKind.MANUFACTURER)
    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        PriceLinkageNotice.objects.filter(pk=written.pk).update(manufacturer=other)
    event = CreditEvent.objects.create(
        organisation=world.manufacturer, kind="other", occurred_on=date(2026, 9, 1), description="x"
    )
    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        CreditEvent.objects.filter(pk=event.pk).update(organisation=other)
    CreditEvent.objects.filter(pk=event.pk).update(description="y")  # its other columns may change


@pytest.mark.parametrize("named_by", ["notice", "transition"])
def test_a_listing_still_named_is_never_deleted_even_by_raw_sql(world, product, named_by):
    listing = Listing.objects.create(
        product=product,
        manufacturer=world.manufacturer,
        category="innovative",
        price="10.00",
        listed_at=timezone.now(),
        price_since=date(2026, 9, 1),
    )
    if named_by == "notice":
        PriceLinkageNotice.objects.bulk_create([notice(listing)])
    else:
        ListingTransition.objects.create(listing=listing, to_status="listed", reason="x")
    with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM listings_listing WHERE id = %s", [listing.pk])
    assert Listing.objects.filter(pk=listing.pk).exists()


@pytest.mark.parametrize("named_by", ["notice", "credit event"])
def test_a_company_still_named_is_never_deleted_even_by_raw_sql(world, listing, named_by):
    if named_by == "notice":
        PriceLinkageNotice.objects.bulk_create([notice(listing)])
        company = world.manufacturer
    else:
        company = OrganisationFactory(kind=OrganisationKind.MANUFACTURER)
        CreditEvent.objects.create(organisation=company, kind="other", occurred_on=date(2026, 9, 1), description="x")
    with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM organisations_organisation WHERE id = %s", [company.pk])
    assert Organisation.objects.filter(pk=company.pk).exists()


def stamped_long_ago(listing):
    with pgtrigger.ignore("listings.Listing:stamp_change"):
        Listing.objects.filter(pk=listing.pk).update(change_xid=1)


def test_a_listing_suspended_then_reinstated_by_the_linkage_is_stamped_by_its_transaction(listing, feed):
    """Its stamp is the linkage's transaction (the HIS pull returns the change once that commits), written by
    the statement itself: the stamp trigger is not called for it, and a stamp from before is not kept."""
    feed(listing.product.code, "11", "9.00", date(2026, 9, 18))
    jobs.national_price_linkage(today=date(2026, 9, 21))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_change_xid()")
        this_transaction = cursor.fetchone()[0]
    stamped_long_ago(listing)
    jobs.national_price_linkage(today=date(2026, 10, 23))  # overdue: suspended
    listing.refresh_from_db()
    assert (listing.status, listing.change_xid) == (ListingStatus.SUSPENDED, this_transaction)
    stamped_long_ago(listing)
    feed(listing.product.code, "11", "10.50", date(2026, 11, 1))
    jobs.national_price_linkage(today=date(2026, 11, 2))  # no longer above: reinstated
    listing.refresh_from_db()
    assert (listing.status, listing.change_xid) == (ListingStatus.LISTED, this_transaction)
    stamped_long_ago(listing)
    listing.save()  # any other write is stamped by the trigger
    listing.refresh_from_db()
    assert listing.change_xid == this_transaction
