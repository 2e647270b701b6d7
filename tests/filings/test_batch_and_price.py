"""The monthly confirmation batch (R-FIL-3) and the filed price as a price source for the filing hospital only."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from filings import services
from filings.choices import FilingStatus
from filings.models import Filing, FilingBatch
from procurement.core.errors import Conflict, DomainError, PermissionDenied
from procurement.orders import services as order_services
from procurement.orders.pricing import Quote, Refusal, resolve_prices
from procurement.organisations.choices import Role
from tests.factories import UserFactory
from tests.filings.conftest import document
from tests.orders.conftest import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_filings(world, level2, unlisted, buyer_of, file_for):
    """The level-2 county hospital and the level-3 city hospital each file for a product."""
    from tests.factories import ProductFactory

    other = ProductFactory(manufacturer=world.manufacturer, generic_name="注射用伏立康唑", dosage_form="注射剂")
    first = file_for(level2, unlisted, price="38.00")
    second = file_for(buyer_of(world.city_hospital), other, price="120.00")
    return first, second


def test_the_bureau_confirms_the_month_in_one_batch(world, reviewer, two_filings):
    """R-FIL-3: approve one, reject another with a reason, in one batch; the approved is in force today."""
    first, second = two_filings
    today = timezone.localdate()
    # when the reviewer confirms the batch
    batch = services.filing_batch_confirm(
        actor=reviewer,
        decisions=[
            services.Decision(first.pk, approve=True),
            services.Decision(second.pk, approve=False, reason="同通用名已有替代品，不符合备案条件"),
        ],
    )
    # then
    first.refresh_from_db()
    second.refresh_from_db()
    assert (batch.month, batch.approved, batch.rejected) == (today.replace(day=1), 1, 1)
    assert first.status == FilingStatus.APPROVED and first.batch == batch and first.decided_by == reviewer
    assert first.valid_from == today
    assert first.valid_until > today
    assert second.status == FilingStatus.REJECTED and second.decision_reason == "同通用名已有替代品，不符合备案条件"
    assert second.valid_from is None


def test_the_period_is_the_filed_months_from_confirmation(world, reviewer, two_filings):
    from dateutil.relativedelta import relativedelta

    first, _second = two_filings
    services.filing_batch_confirm(actor=reviewer, decisions=[services.Decision(first.pk, approve=True)])
    first.refresh_from_db()
    today = timezone.localdate()
    assert first.valid_until == today + relativedelta(months=6) - timedelta(days=1)


def test_a_rejection_needs_a_reason_and_the_batch_is_all_or_nothing(world, reviewer, two_filings):
    first, second = two_filings
    with pytest.raises(DomainError) as excinfo:
        services.filing_batch_confirm(
            actor=reviewer,
            decisions=[services.Decision(first.pk, approve=True), services.Decision(second.pk, approve=False)],
        )
    problem = excinfo.value.problems[0]
    assert problem.code == "required" and problem.field == "decisions[1].reason" and f"#{second.pk}" in problem.message
    assert set(Filing.objects.values_list("status", flat=True)) == {FilingStatus.SUBMITTED}
    assert not FilingBatch.objects.exists()


def test_nobody_decides_on_their_own_organisations_filing(world, two_filings):
    """R-FIL-3: a platform administrator of the filing hospital may not decide its filing."""
    first, second = two_filings
    insider = UserFactory(organisation=world.hospital, roles=[Role.ORG_ADMIN], is_superuser=True, is_staff=True)
    with pytest.raises(DomainError) as excinfo:
        services.filing_batch_confirm(
            actor=insider,
            decisions=[services.Decision(second.pk, approve=True), services.Decision(first.pk, approve=True)],
        )
    problem = excinfo.value.problems[0]
    assert (problem.code, problem.rule, problem.field) == ("own_filing", "R-FIL-3", "decisions[1].filing")
    assert set(Filing.objects.values_list("status", flat=True)) == {FilingStatus.SUBMITTED}


def test_only_the_provincial_bureau_confirms(world, two_filings):
    first, _second = two_filings
    for name in ("city_bureau", "hospital_admin", "provincial_supervisor"):
        with pytest.raises(PermissionDenied):
            services.filing_batch_confirm(actor=world.user(name), decisions=[services.Decision(first.pk, True)])


def test_one_batch_a_month_and_the_undecided_wait_for_the_next(world, reviewer, two_filings):
    first, second = two_filings
    services.filing_batch_confirm(actor=reviewer, decisions=[services.Decision(first.pk, approve=True)])
    with pytest.raises(Conflict) as excinfo:
        services.filing_batch_confirm(actor=reviewer, decisions=[services.Decision(second.pk, approve=True)])
    assert excinfo.value.problems[0].code == "batch_confirmed"
    assert list(services.pending_filings(reviewer)) == [second]


def test_approval_checks_the_cap_again(world, reviewer, feed, two_filings, unlisted):
    """R-FIL-2 at confirmation: a lower national price since filing refuses the approval, naming it."""
    first, _second = two_filings
    feed(unlisted.code, "44", "37.90")
    with pytest.raises(DomainError) as excinfo:
        services.filing_batch_confirm(actor=reviewer, decisions=[services.Decision(first.pk, approve=True)])
    problem = excinfo.value.problems[0]
    assert problem.rule == "R-FIL-2" and "广东省" in problem.message
    services.filing_batch_confirm(
        actor=reviewer, decisions=[services.Decision(first.pk, approve=False, reason="全国最低价已低于备案价")]
    )


# -- the filed price: for the filing hospital only (R-FIL-3, R-ORD-2) -------------------------------------


@pytest.fixture
def confirmed(world, reviewer, two_filings):
    first, _second = two_filings
    services.filing_batch_confirm(actor=reviewer, decisions=[services.Decision(first.pk, approve=True)])
    first.refresh_from_db()
    return first


def test_before_confirmation_nobody_can_order_it(world, two_filings, unlisted):
    answer = resolve_prices(world.hospital, [unlisted], timezone.localdate())[unlisted.pk]
    assert isinstance(answer, Refusal) and answer.code == "not_listed"


def test_the_filed_price_is_quoted_to_the_filing_hospital_only(world, confirmed, unlisted):
    """R-FIL-3: the filing hospital buys at the filed price; another is refused with the reason."""
    today = timezone.localdate()
    mine = resolve_prices(world.hospital, [unlisted], today)[unlisted.pk]
    assert isinstance(mine, Quote)
    assert (mine.price, mine.source, mine.reference) == (Decimal("38.00"), "filing", f"filing:{confirmed.pk}")
    theirs = resolve_prices(world.other_hospital, [unlisted], today)[unlisted.pk]
    assert isinstance(theirs, Refusal)
    assert (theirs.code, theirs.rule) == ("filed_by_another_hospital", "R-FIL-3")
    assert "another hospital" in theirs.message and "永宁县人民医院" not in theirs.message


def test_the_filing_hospital_orders_at_the_filed_price_and_another_is_refused(world, confirmed, unlisted, buyer_of):
    lines = [order_services.LineRequest(unlisted.code, 10, world.distributor.pk)]
    order = order_services.order_submit(actor=world.user("hospital_buyer"), lines=lines).order
    line = order.lines.get()
    assert (line.price, line.price_source, line.price_reference) == (
        Decimal("38.00"),
        "filing",
        f"filing:{confirmed.pk}",
    )
    assert line.amount == Decimal("380.00")
    with pytest.raises(DomainError) as excinfo:
        order_services.order_submit(actor=buyer_of(world.other_hospital), lines=lines)
    assert any(problem.code == "filed_by_another_hospital" for problem in excinfo.value.problems)


def test_the_buy_page_shows_it_to_another_hospital_greyed_out_with_the_reason(world, confirmed, unlisted):
    from procurement.orders.selectors import offered_to, offers_for

    today = timezone.localdate()
    products = offered_to(world.other_hospital, on=today).filter(pk=unlisted.pk)
    [offer] = offers_for(world.other_hospital, products, on=today)
    assert not offer.orderable and offer.refusal.code == "filed_by_another_hospital"


def test_outside_its_period_the_filing_quotes_nothing(world, confirmed, unlisted):
    after = confirmed.valid_until + timedelta(days=1)
    answer = resolve_prices(world.hospital, [unlisted], after)[unlisted.pk]
    assert isinstance(answer, Refusal) and answer.code == "not_listed"
    assert isinstance(resolve_prices(world.hospital, [unlisted], confirmed.valid_until)[unlisted.pk], Quote)


def test_a_later_listing_sells_to_every_hospital(world, confirmed, unlisted):
    """The refusal to others is a fallback: a listing approved later quotes to everyone (R-ORD-2)."""
    make_listing(unlisted, "37.00")
    today = timezone.localdate()
    theirs = resolve_prices(world.other_hospital, [unlisted], today)[unlisted.pk]
    assert isinstance(theirs, Quote) and theirs.source == "listing"
    mine = resolve_prices(world.hospital, [unlisted], today)[unlisted.pk]
    assert isinstance(mine, Quote) and mine.source == "listing"  # listing precedes the filed price


def test_a_filing_in_force_cannot_be_filed_again(world, confirmed, unlisted, file_for):
    with pytest.raises(Conflict) as excinfo:
        file_for(world.user("hospital_buyer"), unlisted, documents=[document()])
    assert excinfo.value.problems[0].code == "already_filed"
