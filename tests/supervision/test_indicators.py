"""R-SUP-1: each indicator on the hand-computed October 2026 (tests/supervision/conftest.py), the regional
roll-ups (sums, never averages), the freezing of past months and the idempotence of the nightly job."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from procurement.core.jobs import get_job, registered_jobs
from supervision import indicator_selectors as selectors
from supervision.indicator_jobs import compute_indicators, supervision_indicators
from supervision.models import IndicatorValue

OCTOBER = date(2026, 10, 1)
TODAY = date(2026, 11, 5)  # October still open (INDICATOR_FREEZE_DAYS = 10)


def figures(hospital) -> dict[str, tuple[Decimal, Decimal]]:
    return {
        value.indicator: (value.numerator, value.denominator)
        for value in IndicatorValue.objects.filter(hospital=hospital, month=OCTOBER)
    }


@pytest.fixture
def computed(world, october):
    supervision_indicators(today=TODAY)
    return figures(world.hospital)


def test_the_job_is_registered_with_its_chinese_label():
    """R-SUP-1: the nightly job runs after the channels' own jobs, labelled for people."""
    job = get_job("supervision_indicators")
    assert job in registered_jobs()
    assert job.order > get_job("vbp_completion").order
    with translation.override("zh-hans"):
        assert str(job.label) == "综合监管指标"


def test_online_purchase_rate_r_ord_1(computed):
    """网采率: 200.00 bought on the platform (the declined line not counted) over 200.00 + 50.00 offline = 80 %."""
    assert computed["online_rate"] == (Decimal("200.00"), Decimal("250.00"))


def test_offline_purchase_share_r_ord_1(computed):
    """50.00 offline over 250.00 = 20 %."""
    assert computed["offline_share"] == (Decimal("50.00"), Decimal("250.00"))


def test_drug_cost_growth_on_the_same_month_last_year(computed):
    """200.00 against 160.00 in October 2025: an increase of 40.00 over 160.00 = 25 %."""
    assert computed["drug_cost_growth"] == (Decimal("40.00"), Decimal("160.00"))


def test_non_winning_share_r_vbp_6(computed):
    """Of the contracted generic name's 70 + 14 minimum units, the non-winner's 14 = 16.67 %."""
    assert computed["non_winning_share"] == (Decimal("14.00"), Decimal("84.00"))


def test_similar_efficacy_other_generics(computed):
    """Class XC10AA under contract: 50 + 60 + 60 = 170.00 spent in it, 60.00 of it on 瑞舒伐他汀 = 35.29 %."""
    assert computed["similar_efficacy"] == (Decimal("60.00"), Decimal("170.00"))


def test_vbp_completion_r_vbp_5(computed):
    """10 packs × 7 accepted, 1 returned: 63 units against a twelfth of 1,200 = 100 → 63 %."""
    assert computed["vbp_completion"] == (Decimal("63.00"), Decimal("100.00"))


def test_on_time_payment_rate_r_set_5(computed):
    """Due 31 October: 100.00 paid on the 30th, 300.00 paid late, 100.00 unpaid → 100.00 / 500.00 = 20 %."""
    assert computed["on_time_payment"] == (Decimal("100.00"), Decimal("500.00"))


def test_violations_count_an_allocation_not_confirmed_by_its_deadline(computed):
    """R-VBP-3 volume reporting: one allocation past its deadline of 15 October, unconfirmed."""
    assert computed["violations"][0] == Decimal("1")


def test_rates_as_bureau_staff_read_them(world, october):
    supervision_indicators(today=TODAY)
    rows = selectors.hospital_table(world.user("provincial_supervisor"), OCTOBER, world.province)
    mine = next(row for row in rows if row.hospital_id == world.hospital.pk)
    shown = {figure.indicator.key: figure.shown for figure in mine.figures}
    assert shown == {
        "online_rate": "80.00 %",
        "offline_share": "20.00 %",
        "drug_cost_growth": "25.00 %",
        "on_time_payment": "20.00 %",
        "vbp_completion": "63.00 %",
        "non_winning_share": "16.67 %",
        "similar_efficacy": "35.29 %",
        "violations": "1",
    }
    # beyond the default lines: online < 95 %, offline > 5 %, growth > 10 %, on time < 90 %, completion < 80 %,
    # similar efficacy > 30 %, violations > 0; the non-winning share (16.67 % ≤ 30 %) is not
    assert {figure.indicator.key for figure in mine.red} == set(shown) - {"non_winning_share"}


def test_a_region_sums_numerators_and_denominators_never_averages_rates(world, october):
    """Province: (200 + 100) / (250 + 100) = 85.71 %, not the mean of 80 % and 100 % (90 %)."""
    supervision_indicators(today=TODAY)
    rows = selectors.region_table(world.user("provincial_supervisor"), OCTOBER, world.province)
    by_code = {row.region.code: row for row in rows}
    online = {code: row.figures[0] for code, row in by_code.items()}
    assert online["640000"].indicator.key == "online_rate"
    assert (online["640000"].numerator, online["640000"].denominator) == (Decimal("300.00"), Decimal("350.00"))
    assert online["640000"].shown == "85.71 %"
    assert online["640100"].shown == "80.00 %"  # 银川市: 永宁县's hospital only
    assert online["640200"].shown == "100.00 %"  # 石嘴山市
    assert [row.region.code for row in rows] == ["640000", "640100", "640121", "640200", "640221"]
    assert [row.depth for row in rows] == [0, 1, 2, 1, 2]


def test_a_city_bureau_reads_its_region_only_r_sup_2(world, october):
    supervision_indicators(today=TODAY)
    city = world.user("city_bureau")
    rows = selectors.region_table(city, OCTOBER, selectors.region_of(city))
    assert [row.region.code for row in rows] == ["640100", "640121"]
    assert {row.hospital_id for row in selectors.hospital_table(city, OCTOBER, selectors.region_of(city))} == {
        world.hospital.pk
    }
    # even asked for the province, it gets only its own hospitals' values
    assert set(selectors.values_for(city, OCTOBER).values_list("hospital_id", flat=True)) == {world.hospital.pk}


def test_a_rerun_changes_nothing(world, october):
    first = supervision_indicators(today=TODAY)
    assert first["inserted"] > 0
    before = list(IndicatorValue.objects.order_by("pk").values())
    second = supervision_indicators(today=TODAY)
    assert second == {"inserted": 0, "updated": 0, "removed": 0, "frozen": 0}
    assert list(IndicatorValue.objects.order_by("pk").values()) == before


def test_an_open_month_follows_its_rows_a_frozen_month_never_changes(world, october, build):
    """R-SUP-1: October is recomputed until 10 days after its end (11-10), frozen on the 11th and never rewritten."""
    supervision_indicators(today=TODAY)
    # a late order of October while it is open: the figure follows
    build.line(world.hospital, october.d, 5, "10.00", date(2026, 10, 30))
    counts = supervision_indicators(today=date(2026, 11, 10))
    assert figures(world.hospital)["online_rate"] == (Decimal("250.00"), Decimal("300.00"))
    assert counts["frozen"] == 0
    assert not IndicatorValue.objects.filter(month=OCTOBER, frozen=True).exists()
    # the 11th: October is frozen with what it had
    counts = supervision_indicators(today=date(2026, 11, 11))
    assert counts["frozen"] == IndicatorValue.objects.filter(month=OCTOBER).count() > 0
    assert not IndicatorValue.objects.filter(month=OCTOBER, frozen=False).exists()
    # another late row of October changes nothing any more, even through a backfill of the months
    build.line(world.hospital, october.d, 5, "10.00", date(2026, 10, 31))
    supervision_indicators(today=date(2026, 11, 12))
    compute_indicators(since=date(2025, 10, 1), until=date(2026, 12, 1), today=date(2026, 11, 12))
    assert figures(world.hospital)["online_rate"] == (Decimal("250.00"), Decimal("300.00"))


def test_a_backfill_fills_past_months_frozen(world, october):
    """A new installation's history: October 2025 arrives frozen, with its one line (160.00 online)."""
    compute_indicators(since=date(2025, 10, 1), until=date(2025, 11, 1), today=TODAY)
    value = IndicatorValue.objects.get(hospital=world.hospital, month=date(2025, 10, 1), indicator="online_rate")
    assert (value.numerator, value.denominator, value.frozen) == (Decimal("160.00"), Decimal("160.00"), True)


def test_an_open_figure_whose_rows_vanish_is_removed(world, october):
    from procurement.orders.models import OfflinePurchase

    supervision_indicators(today=TODAY)
    assert "online_rate" in figures(world.other_hospital)
    from procurement.orders.models import OrderLine

    OrderLine.objects.filter(hospital=world.other_hospital).update(status="cancelled")
    counts = supervision_indicators(today=TODAY)
    assert counts["removed"] >= 1
    assert "online_rate" not in figures(world.other_hospital)
    assert OfflinePurchase.objects.exists()


def test_a_filing_not_bought_in_time_is_a_violation_of_its_month_r_fil_4(world, october):
    """Filings' part of the violations: a confirmed filing flagged on 20 October for no purchase (R-FIL-4)."""
    from filings.choices import FilingStatus
    from filings.models import Filing

    Filing.objects.create(
        hospital=world.hospital,
        product=october.c,
        basis="unlisted",
        reason="临床必需",
        quantity=1,
        months=6,
        price=Decimal("10.00"),
        amount=Decimal("10.00"),
        status=FilingStatus.APPROVED,
        submitted_by=world.user("hospital_buyer"),
        valid_from=date(2026, 8, 20),
        valid_until=date(2027, 2, 19),
        follow_up_flagged_on=date(2026, 10, 20),
    )
    supervision_indicators(today=TODAY)
    assert figures(world.hospital)["violations"][0] == Decimal("2")  # and the VBP allocation past its deadline


def test_an_offline_purchase_above_the_listed_price_is_a_price_violation(world, october):
    """R-SUP-1 (violations, price): bought outside the platform at more a pack than the platform's listed price —
    counted in the month of the purchase; at the listed price, or a product the platform does not list, is not."""
    from procurement.orders.models import OfflinePurchase
    from tests.factories import ProductFactory
    from tests.orders.conftest import make_listing

    metformin = ProductFactory(manufacturer=world.manufacturer, generic_name="盐酸二甲双胍片")
    make_listing(metformin, "12.00")
    unlisted = ProductFactory(manufacturer=world.manufacturer, generic_name="注射用青霉素钠")
    for product, quantity, amount, day in (
        (metformin, 3, "37.50", date(2026, 10, 8)),  # 12.50 a pack: above 12.00
        (metformin, 2, "24.00", date(2026, 10, 9)),  # at the listed price
        (metformin, 1, "13.00", date(2026, 9, 30)),  # above, but September
        (unlisted, 1, "99.00", date(2026, 10, 9)),  # nothing listed to compare with
    ):
        OfflinePurchase.objects.create(
            hospital=world.hospital,
            product=product,
            description=product.generic_name,
            quantity=quantity,
            amount=Decimal(amount),
            purchased_on=day,
            reason="平台缺货",
            reported_by=world.user("hospital_buyer"),
        )
    supervision_indicators(today=TODAY)
    assert figures(world.hospital)["violations"][0] == Decimal("2")  # and the VBP allocation past its deadline
