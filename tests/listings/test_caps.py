"""Every cap rule of the eight categories, at its boundary: equal to the cap, one fen above (R-LIST-1…8)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from listings.choices import DeclarationStatus, ListingCategory
from listings.models import Declaration
from procurement.core.errors import DomainError
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

C = ListingCategory


def refused(declare, product, category, price):
    with pytest.raises(DomainError) as error:
        declare(product, category, price)
    assert not Declaration.objects.filter(product=product, status=DeclarationStatus.SUBMITTED).exists()
    Declaration.objects.filter(product=product).delete()  # the draft made before the refused submission
    return error.value.problems[0]


def accepted(declare, product, category, price):
    declaration = declare(product, category, price)
    assert declaration.status == DeclarationStatus.SUBMITTED
    Declaration.objects.filter(pk=declaration.pk).delete()
    return declaration


class TestPreviouslyListed:
    """R-LIST-1: declared ≤ min(current provincial price, national lowest)."""

    def test_the_national_lowest_binds_when_lower(self, product, feed, declare):
        feed(product.code, "64", "10.00")  # the original provincial platform's price
        feed(product.code, "11", "9.50", date(2026, 9, 18))
        feed(product.code, "31", "9.80")
        declaration = accepted(declare, product, C.PREVIOUSLY_LISTED, "9.50")
        assert declaration.cap == Decimal("9.50") and declaration.cap_rule == "R-LIST-1"
        assert "北京市" in declaration.cap_source
        problem = refused(declare, product, C.PREVIOUSLY_LISTED, "9.51")
        assert (problem.code, problem.rule, problem.field) == ("above_cap", "R-LIST-1", "price")
        assert problem.params["cap"] == Decimal("9.5000")
        assert "¥9.51" in str(problem.message) and "¥9.50" in str(problem.message) and "北京市" in str(problem.message)
        assert {limit["kind"] for limit in problem.params["limits"]} == {"provincial_price", "national_lowest"}

    def test_the_provincial_price_binds_when_lower(self, product, feed, declare):
        feed(product.code, "64", "9.00")
        feed(product.code, "11", "9.50")
        accepted(declare, product, C.PREVIOUSLY_LISTED, "9.00")
        problem = refused(declare, product, C.PREVIOUSLY_LISTED, "9.01")
        assert problem.params["kind"] == "provincial_price"

    def test_a_product_never_priced_here_is_not_previously_listed(self, product, feed, declare):
        feed(product.code, "11", "9.50")
        problem = refused(declare, product, C.PREVIOUSLY_LISTED, "1.00")
        assert (problem.code, problem.field) == ("category_not_applicable", "category")


class TestNotPreviouslyListed:
    """R-LIST-2: declared ≤ national lowest; without one, the price-ratio rule and a flag."""

    def test_national_lowest(self, product, feed, declare):
        feed(product.code, "44", "8.00")
        assert not accepted(declare, product, C.NOT_PREVIOUSLY_LISTED, "8.00").flagged
        assert refused(declare, product, C.NOT_PREVIOUSLY_LISTED, "8.01").params["kind"] == "national_lowest"

    def test_without_a_national_price_the_price_ratio_rule_sets_the_cap(self, world, product, list_product, declare):
        # A listed 10mg × 7 at 7.00: 1.00 a tablet; 20mg is twice the content: 1.70 a tablet, 11.90 a pack of 7.
        reference = ProductFactory(
            manufacturer=world.other_manufacturer,
            generic_name=product.generic_name,
            specification="10mg",
            pack_quantity=7,
        )
        list_product(reference, "7.00")
        declaration = accepted(declare, product, C.NOT_PREVIOUSLY_LISTED, "11.90")
        assert declaration.cap == Decimal("11.90") and declaration.flagged
        assert refused(declare, product, C.NOT_PREVIOUSLY_LISTED, "11.91").params["kind"] == "price_ratio"

    def test_without_any_reference_the_review_is_flagged(self, product, declare):
        declaration = accepted(declare, product, C.NOT_PREVIOUSLY_LISTED, "99.00")
        assert declaration.cap is None and declaration.flagged and declaration.flag_reason


class TestNationalNegotiated:
    """R-LIST-3: the negotiated drug at its payment standard; its generic below it and ≤ national lowest."""

    @pytest.fixture
    def negotiated(self, world, product):
        today = timezone.localdate()
        return ProductFactory(
            manufacturer=world.other_manufacturer,
            generic_name=product.generic_name,
            specification="20mg",
            pack_quantity=7,
            is_national_negotiated=True,
            payment_standard=Decimal("100.00"),
            agreement_valid_from=today - timedelta(days=100),
            agreement_valid_until=today + timedelta(days=100),
        )

    def test_the_negotiated_drug_is_listed_at_its_payment_standard(self, negotiated, declare):
        accepted(declare, negotiated, C.NATIONAL_NEGOTIATED, "100.00")
        for price in ("100.01", "99.99"):
            assert refused(declare, negotiated, C.NATIONAL_NEGOTIATED, price).params["kind"] == "payment_standard"

    def test_its_generic_must_be_below_the_payment_standard(self, product, negotiated, declare):
        problem = refused(declare, product, C.NATIONAL_NEGOTIATED, "100.00")  # equal is not below
        assert (problem.rule, problem.params["kind"]) == ("R-LIST-3", "payment_standard")
        accepted(declare, product, C.NATIONAL_NEGOTIATED, "99.99")

    def test_and_not_above_the_national_lowest(self, product, negotiated, feed, declare):
        feed(product.code, "11", "95.00")
        accepted(declare, product, C.NATIONAL_NEGOTIATED, "95.00")
        assert refused(declare, product, C.NATIONAL_NEGOTIATED, "95.01").params["kind"] == "national_lowest"

    def test_once_the_agreement_expired_its_generic_is_not_in_this_category(self, product, negotiated, declare):
        negotiated.agreement_valid_until = timezone.localdate() - timedelta(days=1)
        negotiated.save()
        assert refused(declare, product, C.NATIONAL_NEGOTIATED, "50.00").code == "category_not_applicable"


class TestReferenceOrEvaluated:
    """R-LIST-5: ≤ national lowest and ≤ the originator's price per unit."""

    def test_the_originators_unit_price_converted_to_this_pack(self, world, product, feed, list_product, declare):
        product.is_consistency_evaluated = True
        product.save()
        originator = ProductFactory(
            manufacturer=world.other_manufacturer,
            generic_name=product.generic_name,
            specification="20mg",
            pack_quantity=28,
            is_originator=True,
        )
        list_product(originator, "56.00")  # 2.00 a tablet: 14.00 for our pack of 7
        feed(product.code, "11", "20.00")
        accepted(declare, product, C.REFERENCE_OR_EVALUATED, "14.00")
        problem = refused(declare, product, C.REFERENCE_OR_EVALUATED, "14.01")
        assert (problem.rule, problem.params["kind"]) == ("R-LIST-5", "originator")

    def test_with_no_national_lowest_and_no_originator_price_it_reaches_the_reviewer_flagged(self, product, declare):
        """Issue 10 #7: nothing to cap it with is no reason to let it through unremarked."""
        product.is_consistency_evaluated = True
        product.save()
        declaration = declare(product, C.REFERENCE_OR_EVALUATED, "99.00")
        assert declaration.status == DeclarationStatus.SUBMITTED and declaration.cap is None
        assert declaration.flagged and "R-LIST-5" in declaration.flag_reason

    def test_with_one_reference_missing_it_is_capped_by_the_other_and_flagged(self, product, feed, declare):
        product.is_consistency_evaluated = True
        product.save()
        feed(product.code, "11", "20.00")
        declaration = declare(product, C.REFERENCE_OR_EVALUATED, "20.00")
        assert declaration.cap == Decimal("20.00") and declaration.flagged

    def test_a_product_neither_reference_nor_evaluated_is_refused(self, product, declare):
        assert refused(declare, product, C.REFERENCE_OR_EVALUATED, "1.00").code == "category_not_applicable"


class TestListedAtTheDeclaredPrice:
    """R-LIST-4 innovative and R-LIST-8 shortage: no cap, but only for such products."""

    @pytest.mark.parametrize("category, attribute", [(C.INNOVATIVE, "is_innovative"), (C.SHORTAGE, "is_shortage")])
    def test_any_price_for_a_qualifying_product(self, product, feed, declare, category, attribute):
        feed(product.code, "11", "1.00")
        assert refused(declare, product, category, "500.00").code == "category_not_applicable"
        setattr(product, attribute, True)
        product.save()
        assert accepted(declare, product, category, "500.00").cap is None


class TestDesignatedOrReserve:
    """R-LIST-7: the national uniform price or the agreed supply price, exactly."""

    def test_exactly_the_recorded_price(self, product, declare):
        product.is_provincial_reserve = True
        product.save()
        assert refused(declare, product, C.DESIGNATED_OR_RESERVE, "3.30").code == "category_not_applicable"
        product.designated_price = Decimal("3.30")
        product.save()
        accepted(declare, product, C.DESIGNATED_OR_RESERVE, "3.30")
        for price in ("3.31", "3.29"):
            assert refused(declare, product, C.DESIGNATED_OR_RESERVE, price).params["kind"] == "designated"


class TestNewlyRegistered:
    """R-LIST-6: registered within a year; priced by negotiation, so no cap at submission."""

    def test_only_within_a_year_of_registration(self, product, declare):
        product.registration_date = timezone.localdate() - timedelta(days=400)
        product.save()
        assert refused(declare, product, C.NEWLY_REGISTERED, "80.00").code == "category_not_applicable"
        product.registration_date = timezone.localdate() - timedelta(days=30)
        product.save()
        assert accepted(declare, product, C.NEWLY_REGISTERED, "80.00").cap is None
