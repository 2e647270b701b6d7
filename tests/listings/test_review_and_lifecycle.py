"""Review (R-LIST-9), the listing lifecycle (DOMAIN §3), withdrawals (R-LIST-13), bad records (R-LIST-14)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from listings import jobs, services
from listings.choices import DeclarationStatus, ListingCategory, ListingStatus, SuspensionCause, WithdrawalReason
from listings.models import Listing, ListingTransition
from procurement.core.errors import Conflict, DomainError, PermissionDenied
from procurement.credit import services as credit_services
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def transitions(listing):
    return [(t.from_status, t.to_status) for t in ListingTransition.objects.filter(listing=listing).order_by("id")]


class TestReview:
    def test_approval_lists_the_product_at_the_approved_price(self, world, product, feed, declare):
        feed(product.code, "11", "9.00")
        declaration = declare(product, ListingCategory.NOT_PREVIOUSLY_LISTED, "8.80")
        listing = services.declaration_approve(actor=world.user("provincial_reviewer"), declaration_id=declaration.pk)
        assert (listing.status, listing.price, listing.category) == (
            ListingStatus.LISTED,
            Decimal("8.80"),
            ListingCategory.NOT_PREVIOUSLY_LISTED,
        )
        declaration.refresh_from_db()
        assert declaration.status == DeclarationStatus.APPROVED
        assert declaration.reviewed_by == world.user("provincial_reviewer")
        event = ListingTransition.objects.get(listing=listing)
        assert (event.to_status, event.actor, event.price_after) == (
            "listed",
            world.user("provincial_reviewer"),
            Decimal("8.80"),
        )

    def test_return_and_reject_need_a_reason_and_a_returned_declaration_can_be_corrected(self, world, product, declare):
        reviewer = world.user("provincial_reviewer")
        declaration = declare(product, ListingCategory.NOT_PREVIOUSLY_LISTED, "8.80")
        with pytest.raises(DomainError) as error:
            services.declaration_return(actor=reviewer, declaration_id=declaration.pk, reason="  ")
        assert error.value.problems[0].field == "reason"
        services.declaration_return(actor=reviewer, declaration_id=declaration.pk, reason="请补充价格证明")
        clerk = world.user("manufacturer_clerk")
        services.declaration_update(
            actor=clerk,
            declaration_id=declaration.pk,
            category=ListingCategory.NOT_PREVIOUSLY_LISTED,
            price=Decimal("8.50"),
            note="",
        )
        declaration = services.declaration_submit(actor=clerk, declaration_id=declaration.pk)
        assert declaration.status == DeclarationStatus.SUBMITTED
        declaration = services.declaration_reject(actor=reviewer, declaration_id=declaration.pk, reason="资料不实")
        assert (declaration.status, declaration.review_reason) == (DeclarationStatus.REJECTED, "资料不实")
        with pytest.raises(Conflict):
            services.declaration_approve(actor=reviewer, declaration_id=declaration.pk)

    def test_nobody_reviews_their_own_organisations_declaration(self, world, product, declare):
        """R-LIST-9: a platform administrator who works for the manufacturer may not review its declaration."""
        declaration = declare(product, ListingCategory.NOT_PREVIOUSLY_LISTED, "8.80")
        insider = world.user("platform_admin")
        insider.organisation = world.manufacturer
        insider.save()
        with pytest.raises(PermissionDenied) as error:
            services.declaration_approve(actor=insider, declaration_id=declaration.pk)
        assert error.value.problems[0].rule == "R-LIST-9"
        declaration.refresh_from_db()
        assert declaration.status == DeclarationStatus.SUBMITTED

    def test_nobody_reviews_a_declaration_they_submitted(self, world, product):
        maker = world.user("manufacturer_clerk")
        maker.is_superuser = True  # an administrator account that also declares
        maker.save()
        declaration = services.declaration_create(
            actor=maker, product=product, category=ListingCategory.INNOVATIVE, price=Decimal("1"), submit=False
        )
        product.is_innovative = True
        product.save()
        services.declaration_submit(actor=maker, declaration_id=declaration.pk)
        with pytest.raises(PermissionDenied):
            services.declaration_approve(actor=maker, declaration_id=declaration.pk)

    def test_only_bureau_reviewers_review(self, world, product, declare):
        declaration = declare(product, ListingCategory.NOT_PREVIOUSLY_LISTED, "8.80")
        for role in ("city_bureau", "hospital_admin", "other_manufacturer_clerk"):
            with pytest.raises(PermissionDenied):
                services.declaration_approve(actor=world.user(role), declaration_id=declaration.pk)
        declaration.refresh_from_db()
        assert declaration.status == DeclarationStatus.SUBMITTED

    def test_a_manufacturer_declares_only_its_own_products(self, world, product):
        with pytest.raises(PermissionDenied):
            services.declaration_create(
                actor=world.user("other_manufacturer_clerk"),
                product=product,
                category=ListingCategory.INNOVATIVE,
                price=Decimal("1"),
            )

    def test_the_cap_is_checked_again_at_approval(self, world, product, feed, declare):
        feed(product.code, "11", "9.00")
        declaration = declare(product, ListingCategory.NOT_PREVIOUSLY_LISTED, "9.00")
        feed(product.code, "12", "8.50")  # a lower price took effect since submission
        with pytest.raises(DomainError) as error:
            services.declaration_approve(actor=world.user("provincial_reviewer"), declaration_id=declaration.pk)
        assert error.value.problems[0].params["cap"] == Decimal("8.5000")
        assert not Listing.objects.exists()

    def test_one_declaration_in_progress_per_product(self, product, declare):
        declare(product, ListingCategory.NOT_PREVIOUSLY_LISTED, "8.80")
        with pytest.raises(Conflict):
            declare(product, ListingCategory.NOT_PREVIOUSLY_LISTED, "8.70")


class TestLifecycle:
    def test_suspend_and_reinstate_are_recorded_with_who_and_why(self, world, product, list_product):
        listing = list_product(product)
        bureau = world.user("provincial_supervisor")
        bureau.roles = ["bureau_reviewer"]
        bureau.save()
        services.listing_suspend(actor=bureau, listing_id=listing.pk, reason="质量抽检不合格")
        services.listing_reinstate(actor=bureau, listing_id=listing.pk, reason="复检合格")
        assert transitions(listing) == [("", "listed"), ("listed", "suspended"), ("suspended", "listed")]
        suspension = ListingTransition.objects.get(listing=listing, to_status="suspended")
        assert (suspension.actor, suspension.reason) == (bureau, "质量抽检不合格")

    def test_no_sale_for_twelve_months_closes_purchasing_then_the_bureau_invalidates(
        self, world, product, list_product
    ):
        listing = list_product(product)
        Listing.objects.filter(pk=listing.pk).update(listed_at=timezone.now() - timedelta(days=400))
        assert jobs.close_unsold_listings() == {"listings_closed": 1}
        assert jobs.close_unsold_listings() == {"listings_closed": 0}
        listing.refresh_from_db()
        assert listing.status == ListingStatus.CLOSED
        services.listing_invalidate(actor=world.user("provincial_reviewer"), listing_id=listing.pk, reason="长期无销售")
        assert transitions(listing)[-2:] == [("listed", "closed"), ("closed", "invalid")]

    def test_a_recent_sale_keeps_purchasing_open(self, product, list_product):
        listing = list_product(product)
        Listing.objects.filter(pk=listing.pk).update(
            listed_at=timezone.now() - timedelta(days=400), last_sale_at=timezone.now() - timedelta(days=30)
        )
        assert jobs.close_unsold_listings() == {"listings_closed": 0}

    def test_transitions_outside_the_lifecycle_are_refused(self, world, product, list_product):
        listing = list_product(product)
        with pytest.raises(Conflict):
            services.listing_invalidate(actor=world.user("provincial_reviewer"), listing_id=listing.pk, reason="x")
        listing.refresh_from_db()
        assert listing.status == ListingStatus.LISTED


class TestWithdrawal:
    def test_the_bureau_approves_a_withdrawal(self, world, product, list_product):
        listing = list_product(product)
        request = services.withdrawal_request_submit(
            actor=world.user("manufacturer_clerk"),
            listing_id=listing.pk,
            reason=WithdrawalReason.STOPPED_PRODUCTION,
            explanation="生产线关闭",
        )
        with pytest.raises(Conflict):  # one pending request per listing
            services.withdrawal_request_submit(
                actor=world.user("manufacturer_clerk"),
                listing_id=listing.pk,
                reason=WithdrawalReason.STOPPED_SALE,
                explanation="again",
            )
        services.withdrawal_request_decide(actor=world.user("provincial_reviewer"), request_id=request.pk, approve=True)
        listing.refresh_from_db()
        assert listing.status == ListingStatus.WITHDRAWN
        assert transitions(listing)[-1] == ("listed", "withdrawn")

    def test_a_rejection_needs_a_reason_and_keeps_the_listing(self, world, product, list_product):
        listing = list_product(product)
        request = services.withdrawal_request_submit(
            actor=world.user("manufacturer_clerk"),
            listing_id=listing.pk,
            reason=WithdrawalReason.STOPPED_SALE,
            explanation="停止销售",
        )
        with pytest.raises(DomainError):
            services.withdrawal_request_decide(
                actor=world.user("provincial_reviewer"), request_id=request.pk, approve=False
            )
        services.withdrawal_request_decide(
            actor=world.user("provincial_reviewer"), request_id=request.pk, approve=False, reason="临床仍需，请保障供应"
        )
        listing.refresh_from_db()
        assert listing.status == ListingStatus.LISTED

    def test_another_company_cannot_withdraw_my_listing(self, world, product, list_product):
        listing = list_product(product)
        with pytest.raises(Listing.DoesNotExist):
            services.withdrawal_request_submit(
                actor=world.user("other_manufacturer_clerk"),
                listing_id=listing.pk,
                reason=WithdrawalReason.STOPPED_SALE,
                explanation="x",
            )


class TestBadRecord:
    """R-LIST-14: a company on the bad-record list can neither list nor sell for two years."""

    def test_a_barred_company_cannot_declare_and_its_listings_are_suspended_for_two_years(
        self, world, product, list_product, declare
    ):
        listing = list_product(product)
        other = ProductFactory(manufacturer=world.manufacturer)
        start = timezone.localdate()
        record = credit_services.bad_record_add(
            actor=world.user("platform_admin"),
            organisation=world.manufacturer,
            starts_on=start,
            reason="提供虚假证明材料",
        )
        assert record.ends_on == credit_services.bar_ends_on(start, years=2)
        with pytest.raises(DomainError) as error:
            declare(other, ListingCategory.NOT_PREVIOUSLY_LISTED, "5.00")
        assert error.value.problems[0].rule == "R-LIST-14"
        # the bar takes effect at once, in the name of who recorded it; the nightly job finds nothing left to do
        listing.refresh_from_db()
        assert (listing.status, listing.suspension_cause) == (ListingStatus.SUSPENDED, SuspensionCause.BAD_RECORD)
        assert listing.transitions.get(to_status=ListingStatus.SUSPENDED).actor == world.user("platform_admin")
        assert jobs.enforce_bad_records() == {"listings_suspended": 0, "listings_reinstated": 0}
        after_bar = record.ends_on + timedelta(days=1)
        assert jobs.enforce_bad_records(today=after_bar) == {"listings_suspended": 0, "listings_reinstated": 1}
        listing.refresh_from_db()
        assert listing.status == ListingStatus.LISTED

    def test_the_bar_period_is_a_setting(self, world, set_policy):
        set_policy("BAD_RECORD_BAR_YEARS", 3)
        record = credit_services.bad_record_add(
            actor=world.user("platform_admin"),
            organisation=world.manufacturer,
            starts_on=date(2026, 1, 1),
            reason="串通报价",
        )
        assert record.ends_on == date(2028, 12, 31)

    def test_a_bar_starting_later_is_enforced_by_the_nightly_job_on_its_first_day(self, world, product, list_product):
        listing = list_product(product)
        start = timezone.localdate() + timedelta(days=3)
        credit_services.bad_record_add(
            actor=world.user("platform_admin"), organisation=world.manufacturer, starts_on=start, reason="行贿"
        )
        listing.refresh_from_db()
        assert listing.status == ListingStatus.LISTED
        assert jobs.enforce_bad_records(today=start - timedelta(days=1))["listings_suspended"] == 0
        assert jobs.enforce_bad_records(today=start)["listings_suspended"] == 1
        assert listing.transitions.get(to_status=ListingStatus.SUSPENDED).actor_label == "job:enforce_bad_records"


def test_listing_transitions_cannot_be_edited_or_deleted(product, list_product):
    from django.db import DatabaseError, transaction

    listing = list_product(product)
    transition = ListingTransition.objects.get(listing=listing)
    for change in (
        lambda: ListingTransition.objects.filter(pk=transition.pk).update(reason="forged"),
        lambda: ListingTransition.objects.filter(pk=transition.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert ListingTransition.objects.get(pk=transition.pk).reason == transition.reason
