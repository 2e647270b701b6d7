"""Properties that must hold for every input, not only the examples (issue 10): money rounding,
unit prices, the price-ratio rule, the peers' percentiles, working-day arithmetic (and, in
tests/orders/test_pull.py, the pull cursor under concurrent commits). Hypothesis
searches for a counterexample; each property names the rule it checks."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procurement.catalogue.pricing import Content, price_ratio_convert, unit_price
from procurement.core.money import round_money, round_price
from procurement.workdays.models import CalendarDay
from procurement.workdays.services import add_working_days

DB = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999"), places=6, allow_nan=False)
prices = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("99999"), places=4, allow_nan=False)


@given(amounts, st.sampled_from([2, 4]))
def test_money_rounds_half_up_to_its_places_and_once(value, places):
    """STYLE §6 / DOMAIN §2: one rounding rule, half up, to the fen (or the price's 4 places)."""
    rounded = round_money(value, places)
    step = Decimal(1).scaleb(-places)
    assert rounded.as_tuple().exponent == -places
    assert abs(rounded - value) <= step / 2
    assert round_money(rounded, places) == rounded
    if (value / step) % 1 == Decimal("0.5"):  # exactly half a step: up, never to the even neighbour
        assert rounded > value


@given(st.integers(min_value=0, max_value=10**8), st.sampled_from([2, 4]))
def test_half_a_fen_goes_up(units, places):
    step = Decimal(1).scaleb(-places)
    half = units * step + step / 2
    assert round_money(half, places) == units * step + step


@given(prices, st.integers(min_value=1, max_value=1000))
def test_a_unit_price_is_the_pack_price_shared_out_and_rounded_once(pack_price, pack_quantity):
    """DOMAIN §2: comparisons across packs use the unit price (pack price ÷ pack quantity)."""
    unit = unit_price(pack_price, pack_quantity)
    assert unit == (pack_price / pack_quantity).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    assert abs(unit * pack_quantity - pack_price) <= Decimal("0.00005") * pack_quantity


contents = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("2000"), places=1, allow_nan=False)


@pytest.mark.django_db
@DB
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000"), places=2), contents, contents)
def test_the_price_ratio_rule_doubles_by_its_factor_and_comes_back(price, first, second):
    """DOMAIN §2 差比价: doubling the content multiplies the price by 1.7; converting back returns the price."""
    a, b = Content(first, "mg"), Content(second, "mg")
    there = price_ratio_convert(price, from_content=a, to_content=b)
    back = price_ratio_convert(there, from_content=b, to_content=a)
    # ``there`` is rounded to 4 places; coming back multiplies that half-step by the conversion's factor
    factor_back = Decimal("1.7") ** ((first / second).ln() / Decimal(2).ln())
    assert abs(back - price) <= Decimal("0.00005") * (factor_back + 1) + Decimal("0.000001")
    doubled = price_ratio_convert(price, from_content=a, to_content=Content(first * 2, "mg"))
    assert doubled == round_price(price * Decimal("1.7"))
    if second > first:
        assert there >= price  # more content never costs less


@pytest.mark.django_db
@DB
@given(
    st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2), min_size=2, max_size=15),
    st.data(),
    st.sampled_from([Decimal("0"), Decimal("0.5"), Decimal("0.75"), Decimal("0.9"), Decimal("1")]),
)
def test_leaving_one_hospital_out_is_percentile_cont_over_its_peers(unsorted, data, fraction):
    """R-NEG-6: the peers' percentiles (index arithmetic on the sorted prices) are percentile_cont."""
    prices = sorted(unsorted)
    rank = data.draw(st.integers(min_value=1, max_value=len(prices)))
    peers = prices[: rank - 1] + prices[rank:]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT peer_percentile(%s::float8[], %s, %s::float8),
                      (SELECT percentile_cont(%s::float8) WITHIN GROUP (ORDER BY p) FROM unnest(%s::numeric[]) p)""",
            [prices, rank, fraction, float(fraction), peers],
        )
        ours, reference = cursor.fetchone()
    assert abs(float(ours) - reference) < 1e-9


@pytest.mark.django_db
@DB
@given(
    st.dates(min_value=date(2018, 1, 1), max_value=date(2025, 10, 31)),
    st.integers(min_value=0, max_value=60),
)
def test_the_nth_working_day_after_a_start_is_n_working_days_away(statutory_calendar, start, working_days):
    """R-LIST-10's deadlines: the n-th working day after the start (the start itself not counted)."""
    deadline = add_working_days(start, working_days)
    assert not deadline.provisional
    between = CalendarDay.objects.filter(date__gt=start, date__lte=deadline.date, is_working_day=True).count()
    assert between == working_days
    if working_days:
        assert CalendarDay.objects.get(date=deadline.date).is_working_day
    else:
        assert deadline.date == start
    assert deadline.date <= start + timedelta(days=working_days * 3 + 30)
