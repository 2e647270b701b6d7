"""Payment standards computed for a year (R-SET-8, R-VBP-10) from the prices the channels declare through the
core's registry — hand-computed: the VBP standard, the convergence of non-winners, the non-evaluated cap and
each category's source; the yearly job idempotent; the bureau's action and its scope."""

from datetime import date
from decimal import Decimal

import pytest

from procurement.core.errors import DomainError, PermissionDenied
from procurement.core.reference_prices import LISTING, VBP_WINNER
from settlement import jobs
from settlement.choices import StandardBasis
from settlement.models import PaymentStandard
from settlement.standards import Convergence, Previous, ProductFacts, compute_standards
from settlement.standards_service import payment_standards_compute, price_split
from tests.factories import ProductFactory
from tests.orders.conftest import make_listing
from tests.vbp.conftest import atorvastatin, bureau, national_round  # noqa: F401

D = Decimal
pytestmark = pytest.mark.django_db


def _facts(pk, **flags):
    return ProductFacts(pk, "某某片", "片剂", "20mg", 10, **flags)


def test_r_set_8_winning_10_and_a_non_winner_at_40_converge_in_three_equal_steps_year_by_year():
    """R-SET-8: winning 10.00 a pack; an originator at 40.00 (4 × the standard: far above) → 30.00 in the first
    year, 20.00 in the second, 10.00 in the third — each year computed from the year before."""
    winner, originator = _facts(1, is_consistency_evaluated=True), _facts(2, is_originator=True)
    prices = {1: {VBP_WINNER: [D("10.00")], LISTING: [D("12.00")]}, 2: {LISTING: [D("40.00")]}}
    seen, previous = [], {}
    for year in (2026, 2027, 2028, 2029):
        rows = {row.product_id: row for row in compute_standards(year, [winner, originator], prices, previous)}
        seen.append((rows[2].basis, rows[2].standard, rows[2].year_no))
        assert (rows[1].basis, rows[1].standard) == (StandardBasis.VBP, D("10.0000"))
        previous = {
            pk: Previous(row.basis, row.convergence_from, row.convergence_start_year) for pk, row in rows.items()
        }
    assert seen == [
        (StandardBasis.CONVERGING, D("30.0000"), 1),
        (StandardBasis.CONVERGING, D("20.0000"), 2),
        (StandardBasis.VBP, D("10.0000"), None),
        (StandardBasis.VBP, D("10.0000"), None),
    ]
    assert rows[2].convergence_from is None  # converged: nothing left to continue


def test_r_set_8_the_years_and_far_above_are_policy_values():
    """R-SET-8: far above at 5 × and two years: 40.00 (4 ×) is not far → near rule 0 years: the standard at once;
    with 2 years far and far above at 3 ×: 40.00 → 25.00, then 10.00."""
    winner, originator = _facts(1, is_reference=True), _facts(2, is_originator=True)
    prices = {1: {VBP_WINNER: [D("10.00")]}, 2: {LISTING: [D("40.00")]}}
    at_once = compute_standards(2026, [winner, originator], prices, {}, rule=Convergence(D("5"), 3, 0))
    assert (at_once[1].basis, at_once[1].standard) == (StandardBasis.VBP, D("10.0000"))
    two = compute_standards(2026, [winner, originator], prices, {}, rule=Convergence(D("3"), 2, 0))
    assert (two[1].standard, two[1].convergence_step, two[1].convergence_years) == (D("25.0000"), D("15.0000"), 2)


def test_r_set_8_a_non_evaluated_generic_is_never_above_the_evaluated():
    """R-SET-8: winning 10.00; a non-evaluated generic at 40.00 gets 10.00 at once (no convergence), one at 8.00
    keeps 8.00; an evaluated non-winner at 9.00 (below the standard) shares the one standard 10.00."""
    products = [
        _facts(1, is_consistency_evaluated=True),
        _facts(2),
        _facts(3),
        _facts(4, is_consistency_evaluated=True),
    ]
    prices = {
        1: {VBP_WINNER: [D("10.00")]},
        2: {LISTING: [D("40.00")]},
        3: {LISTING: [D("8.00")]},
        4: {LISTING: [D("9.00")]},
    }
    rows = {row.product_id: (row.basis, row.standard) for row in compute_standards(2026, products, prices, {})}
    assert rows[2] == (StandardBasis.NON_EVALUATED, D("10.0000"))
    assert rows[3] == (StandardBasis.NON_EVALUATED, D("8.0000"))
    assert rows[4] == (StandardBasis.VBP, D("10.0000"))


def test_r_set_8_several_winners_take_the_highest_or_lowest_unit_price():
    """R-SET-8 (policy): winners at 10.00 per 10 and 6.00 per 5 (1.00 and 1.20 a tablet): highest → 1.20 a tablet,
    12.00 for the pack of 10; lowest → 1.00, 5.00 for the pack of 5."""
    a = _facts(1, is_consistency_evaluated=True)
    b = ProductFacts(2, "某某片", "片剂", "20mg", 5, is_consistency_evaluated=True)
    prices = {1: {VBP_WINNER: [D("10.00")]}, 2: {VBP_WINNER: [D("6.00")]}}
    highest = {row.product_id: row.standard for row in compute_standards(2026, [a, b], prices, {})}
    lowest = {row.product_id: row.standard for row in compute_standards(2026, [a, b], prices, {}, several="lowest")}
    assert highest == {1: D("12.0000"), 2: D("6.0000")}
    assert lowest == {1: D("10.0000"), 2: D("5.0000")}


def test_r_set_8_r_vbp_10_computed_from_the_national_result_and_the_listings(world, atorvastatin, national_round):  # noqa: F811
    """R-VBP-10, R-SET-8 through the registry: 20mg × 7 wins at 5.46 → its standard; the originator 20mg × 7 listed
    at 35.00 (6.4 ×) converges in three steps of 9.8467: 25.1533 in 2026, 15.3067 in 2027; the 10mg × 14 listed
    at 32.00 converts by the price ratio (0.78 / 1.7 = 0.4588 a tablet, 6.4232 a pack) and converges by 8.5256:
    23.4744 then 14.9488."""
    winner, ten_mg, originator = atorvastatin
    counts = payment_standards_compute(year=2026, on=date(2026, 6, 1))
    assert counts["standards"] == 3
    rows = {row.product_id: row for row in PaymentStandard.objects.filter(year=2026)}
    assert (rows[winner.pk].basis, rows[winner.pk].standard) == (StandardBasis.VBP, D("5.4600"))
    assert (rows[originator.pk].basis, rows[originator.pk].standard) == (StandardBasis.CONVERGING, D("25.1533"))
    assert (rows[originator.pk].convergence_step, rows[originator.pk].convergence_years) == (D("9.8467"), 3)
    assert (rows[ten_mg.pk].vbp_standard, rows[ten_mg.pk].standard) == (D("6.4232"), D("23.4744"))
    # a re-run with the same prices writes nothing
    assert payment_standards_compute(year=2026, on=date(2026, 6, 1))["written"] == 0
    # the next year continues the convergence
    payment_standards_compute(year=2027, on=date(2027, 1, 1))
    rows = {row.product_id: row for row in PaymentStandard.objects.filter(year=2027)}
    assert rows[originator.pk].standard == D("15.3067") and rows[originator.pk].year_no == 2
    assert rows[ten_mg.pk].standard == D("14.9488")


def test_r_set_8_each_category_rests_on_its_own_price(world):
    """R-SET-8: designated production the national price (2.35); reserve the supply price (8.80); national
    negotiated its payment standard (99.00); shortage the listing price (30.00); a listed drug its listing price
    (12.60); a product with no price has no standard."""
    maker = world.manufacturer
    designated = ProductFactory(
        manufacturer=maker, generic_name="甲", is_designated_production=True, designated_price=D("2.35")
    )
    reserve = ProductFactory(
        manufacturer=maker, generic_name="乙", is_provincial_reserve=True, designated_price=D("8.8")
    )
    negotiated = ProductFactory(
        manufacturer=maker, generic_name="丙", is_national_negotiated=True, payment_standard=D("99")
    )
    shortage = ProductFactory(manufacturer=maker, generic_name="丁", is_shortage=True)
    listed = ProductFactory(manufacturer=maker, generic_name="戊")
    unpriced = ProductFactory(manufacturer=maker, generic_name="己")
    make_listing(shortage, "30.00")
    make_listing(listed, "12.60")
    payment_standards_compute(year=2026, on=date(2026, 3, 1))
    rows = {row.product_id: (row.basis, row.standard) for row in PaymentStandard.objects.filter(year=2026)}
    assert rows[designated.pk] == (StandardBasis.DESIGNATED, D("2.3500"))
    assert rows[reserve.pk] == (StandardBasis.RESERVE, D("8.8000"))
    assert rows[negotiated.pk] == (StandardBasis.NEGOTIATED, D("99.0000"))
    assert rows[shortage.pk] == (StandardBasis.SHORTAGE, D("30.0000"))
    assert rows[listed.pk] == (StandardBasis.LISTED, D("12.6000"))
    assert unpriced.pk not in rows


def test_r_set_8_the_yearly_job_computes_once_and_a_rerun_changes_nothing(world, atorvastatin, national_round):  # noqa: F811
    """R-SET-8: the job sets the year's standards the first time it runs in the year; the second run writes none."""
    assert jobs.payment_standards(date(2026, 1, 1))["standards"] == 3
    assert jobs.payment_standards(date(2026, 1, 2)) == {"standards": 0, "written": 0, "removed": 0}


def test_r_set_8_only_the_provincial_bureau_computes_and_only_this_or_next_year(world, atorvastatin):  # noqa: F811
    """R-SET-8: a city bureau may not set the standards; the provincial bureau may not rewrite a past year."""
    with pytest.raises(PermissionDenied):
        payment_standards_compute(year=date.today().year, actor=world.user("city_bureau"))
    with pytest.raises(DomainError):
        payment_standards_compute(year=2020, actor=world.user("provincial_supervisor"))
    counts = payment_standards_compute(year=date.today().year, actor=world.user("provincial_supervisor"))
    assert counts["standards"] == 3  # three listed products, no winner in force today: listing prices


def test_r_set_8_the_patient_pays_the_part_above_the_standard(world, atorvastatin, national_round):  # noqa: F811
    """R-SET-8: three packs of the originator at 35.00 under 25.1533: the fund 75.46, the patient 29.54."""
    payment_standards_compute(year=2026, on=date(2026, 6, 1))
    standard = PaymentStandard.objects.get(year=2026, product=atorvastatin[2])
    split = price_split(standard, D("35.00"), packs=3)
    assert (split.fund, split.patient) == (D("75.46"), D("29.54"))
