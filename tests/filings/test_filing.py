"""Filing (事前备案): who may file (R-FIL-1), for what (R-FIL-1), at what price (R-FIL-2)."""

from decimal import Decimal

import pytest

from filings.choices import FilingBasis, FilingStatus
from filings.models import Filing
from procurement.core.errors import Conflict, DomainError, PermissionDenied
from tests.factories import ProductFactory
from tests.filings.conftest import document

pytestmark = pytest.mark.django_db


def refusal(excinfo):
    return excinfo.value.problems[0]


# -- who: a hospital of level 2 or above ----------------------------------------------------------------


def test_a_level_1_hospital_is_refused_naming_the_rule_and_its_level(world, level2, unlisted, file_for):
    """R-FIL-1: only hospitals of level 2 or above file."""
    # given the hospital is of level 1
    world.hospital.hospital_level = 1
    world.hospital.save()
    # when its buyer files
    with pytest.raises(DomainError) as excinfo:
        file_for(level2, unlisted)
    # then it is refused with the rule and the level, and nothing is written
    problem = refusal(excinfo)
    assert (problem.code, problem.rule) == ("hospital_level", "R-FIL-1")
    assert "level 2 or above" in problem.message and "永宁县人民医院" in problem.message
    assert problem.params["hospital_level"] == 1
    assert not Filing.objects.exists()


def test_a_level_2_hospital_files_and_waits_for_the_monthly_batch(world, level2, unlisted, file_for):
    """R-FIL-1, R-FIL-2: level 2, an unlisted generic, at the national lowest: filed, with its figures."""
    filing = file_for(level2, unlisted, price="38.50", quantity=120, months=6)
    assert filing.status == FilingStatus.SUBMITTED
    assert filing.hospital == world.hospital and filing.product == unlisted
    assert filing.amount == Decimal("4620.00")
    assert (filing.national_lowest, filing.national_lowest_province) == (Decimal("38.50"), "33")
    assert filing.documents.count() == 1
    assert filing.checked["basis"] == "unlisted"


def test_a_manufacturer_may_not_file(world, unlisted, file_for):
    with pytest.raises(PermissionDenied):
        file_for(world.user("manufacturer_clerk"), unlisted)


# -- what: no listing under its generic name, or no listed substitute ---------------------------------


def test_a_listed_generic_is_refused_naming_the_listed_product(world, level2, unlisted, listed_generic, file_for):
    """R-FIL-1: a generic name with a listing cannot be filed; the refusal names the listed product."""
    # given another maker's product of the same generic name is listed (another form, another strength)
    listed = listed_generic("注射用两性霉素B", dosage_form="注射剂", specification="25mg", price="45.00")
    # when the hospital files for the unlisted one
    with pytest.raises(DomainError) as excinfo:
        file_for(level2, unlisted)
    # then it is refused, naming the listed product, its maker and price
    problem = refusal(excinfo)
    assert (problem.code, problem.rule, problem.field) == ("generic_listed", "R-FIL-1", "product")
    assert listed.code in problem.message and "辉瑞制药有限公司" in problem.message and "¥45.00" in problem.message
    assert problem.params["listed"][0]["code"] == listed.code
    assert not Filing.objects.exists()


def test_a_listed_product_itself_is_refused(world, level2, unlisted, file_for):
    from tests.orders.conftest import make_listing

    make_listing(unlisted, "37.00")
    with pytest.raises(DomainError) as excinfo:
        file_for(level2, unlisted)
    assert refusal(excinfo).code == "product_listed"


def test_a_suspended_listing_does_not_make_the_generic_listed(world, level2, unlisted, listed_generic, file_for):
    """R-FIL-1 (our choice): "listed" is what a hospital can buy today; a suspended listing sells nothing."""
    from listings.choices import ListingStatus
    from listings.models import Listing

    listed = listed_generic("注射用两性霉素B", dosage_form="注射剂", specification="25mg")
    Listing.objects.filter(product=listed).update(status=ListingStatus.SUSPENDED)
    assert file_for(level2, unlisted).status == FilingStatus.SUBMITTED


def test_a_shortage_product_with_no_listed_substitute_is_accepted(world, level2, unlisted, listed_generic, file_for):
    """R-FIL-1 (004 §二(三)): a shortage drug whose generic is listed only in another form may be filed."""
    # given the generic is listed as tablets only, and the injection is a shortage drug
    listed_generic("注射用两性霉素B", dosage_form="片剂")
    unlisted.is_shortage = True
    unlisted.save()
    # when filed on the shortage basis it is accepted; on the unlisted-generic basis it is not
    filing = file_for(level2, unlisted, basis=FilingBasis.SHORTAGE)
    assert filing.status == FilingStatus.SUBMITTED and filing.basis == "shortage"
    filing.delete()
    with pytest.raises(DomainError) as excinfo:
        file_for(level2, unlisted, basis=FilingBasis.UNLISTED_GENERIC)
    assert refusal(excinfo).code == "generic_listed"


def test_a_shortage_product_with_a_listed_substitute_is_refused_naming_it(
    world, level2, unlisted, listed_generic, file_for
):
    unlisted.is_shortage = True
    unlisted.save()
    substitute = listed_generic("注射用两性霉素B", dosage_form="注射剂", specification="25mg")
    with pytest.raises(DomainError) as excinfo:
        file_for(level2, unlisted, basis=FilingBasis.SHORTAGE)
    problem = refusal(excinfo)
    assert (problem.code, problem.rule) == ("substitute_listed", "R-FIL-1")
    assert substitute.code in problem.message


def test_the_shortage_basis_needs_a_shortage_drug(world, level2, unlisted, file_for):
    with pytest.raises(DomainError) as excinfo:
        file_for(level2, unlisted, basis=FilingBasis.SHORTAGE)
    assert (refusal(excinfo).code, refusal(excinfo).field) == ("not_shortage", "basis")


def test_emergency_approval_and_very_low_use_are_bases_too(world, level2, unlisted, file_for):
    assert file_for(level2, unlisted, basis=FilingBasis.EMERGENCY_APPROVAL).basis == "emergency"


# -- the price: at most the national lowest (R-FIL-2) ---------------------------------------------------


@pytest.mark.parametrize(
    "price, accepted",
    [("38.50", True), ("38.49", True), ("38.51", False)],
    ids=["at the national lowest", "one fen below", "one fen above"],
)
def test_the_cap_is_the_national_lowest(world, level2, unlisted, file_for, price, accepted):
    """R-FIL-2: filed price ≤ national lowest (38.50 in 浙江省; the province's own 30.00 does not count)."""
    if accepted:
        assert file_for(level2, unlisted, price=price).price == Decimal(price)
        return
    with pytest.raises(DomainError) as excinfo:
        file_for(level2, unlisted, price=price)
    problem = refusal(excinfo)
    assert (problem.code, problem.rule, problem.field) == ("above_national_lowest", "R-FIL-2", "price")
    assert "¥38.51" in problem.message and "¥38.50" in problem.message and "浙江省" in problem.message
    assert "2026-09-18" in problem.message
    assert Decimal(problem.params["national_lowest"]) == Decimal("38.50") and problem.params["province"] == "33"
    assert not Filing.objects.exists()


def test_with_no_national_price_the_filing_says_the_reviewer_judges_the_price(world, level2, file_for):
    """R-FIL-2: no other province prices it: filed, with no national lowest for the reviewer to see."""
    product = ProductFactory(manufacturer=world.manufacturer, generic_name="罕见病用药甲", dosage_form="注射剂")
    filing = file_for(level2, product, price="999.00")
    assert filing.national_lowest is None and filing.checked["national_lowest"] is None


# -- the form of a filing ------------------------------------------------------------------------------


def test_every_problem_of_the_form_is_named_and_nothing_is_written(world, level2, unlisted, file_for):
    with pytest.raises(DomainError) as excinfo:
        file_for(level2, unlisted, price="38.505", quantity=0, months=99, reason=" ", documents=[])
    fields = {problem.field for problem in excinfo.value.problems}
    assert fields == {"price", "quantity", "months", "reason", "documents"}
    assert not Filing.objects.exists()


def test_a_document_must_be_a_pdf_or_an_image(world, level2, unlisted, file_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("need.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError) as excinfo:
        file_for(level2, unlisted, documents=[fake])
    assert refusal(excinfo).code == "not_a_document"


def test_one_pending_filing_per_product_and_hospital(world, level2, unlisted, file_for):
    file_for(level2, unlisted)
    with pytest.raises(Conflict) as excinfo:
        file_for(level2, unlisted, documents=[document()])
    assert refusal(excinfo).code == "already_pending"
    assert Filing.objects.count() == 1
