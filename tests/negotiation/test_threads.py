"""R-NEG-1 … R-NEG-5: requests, counter-offers within the round limit, acceptance into agreements."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from negotiation import rules, services
from negotiation.choices import AgreementStatus, Party, ThreadStatus
from negotiation.models import Agreement, Negotiation, Offer
from procurement.core.errors import Conflict, DomainError, PermissionDenied
from procurement.core.scoping import visible_to
from procurement.orders import services as order_services
from procurement.orders.pricing import resolve_prices
from tests.factories import HospitalGroupFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


def ask(buyer, product, price="25.00", **extra):
    return services.negotiation_request(actor=buyer, request=services.Request(product, price, 1000, **extra))


@pytest.mark.parametrize(
    ("attribute", "code"),
    [
        ("is_national_negotiated", "national_negotiated"),
        ("is_designated_production", "designated_production"),
        ("is_provincial_reserve", "provincial_reserve"),
    ],
)
def test_every_excluded_category_is_refused(buyer, product, attribute, code):
    setattr(product, attribute, True)
    product.save(update_fields=[attribute])
    with pytest.raises(DomainError) as error:
        ask(buyer, product)
    problem = error.value.problems[0]
    assert (problem.code, problem.rule, problem.field) == (code, "R-NEG-1", "product")
    assert str(product) in problem.message
    assert not Negotiation.objects.exists()


def test_a_vbp_winner_is_refused_through_the_channel_check(buyer, product):
    """The VBP channel registers its winners' check; a winner is bought at its price, not negotiated —
    for one request, and in the set-based SQL the supervision flags compose (R-NEG-1, R-NEG-7)."""
    from django.db import connection

    winners = {product.pk}
    before = rules.not_negotiable_sql("p", "%(day)s")
    real = rules._registered.get("vbp_winner")  # the VBP channel's own check (issue 14), put back after
    rules.register_exclusion(
        "vbp_winner",
        rules.ExclusionCheck(
            reason=lambda p, on: (
                rules.Exclusion("vbp_winner", "“%(product)s” won a VBP round (R-NEG-1).") if p.pk in winners else None
            ),
            # as the VBP channel would: a condition on its own tables, for the product row and the day
            sql=lambda alias, day: f"{alias}.id IN ({', '.join(map(str, winners))})" if winners else "false",
        ),
    )

    def excluded_in_sql():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {rules.not_negotiable_sql('p', '%(day)s')} FROM catalogue_product p WHERE p.id = %(id)s",
                {"day": "2026-12-01", "id": product.pk},
            )
            return cursor.fetchone()[0]

    try:
        assert excluded_in_sql() is True
        with pytest.raises(DomainError) as error:
            ask(buyer, product)
        assert error.value.problems[0].code == "vbp_winner"
        winners.clear()
        assert excluded_in_sql() is False
        assert ask(buyer, product).status == ThreadStatus.OPEN
    finally:
        rules.unregister_exclusion("vbp_winner")
        if real is not None:
            rules.register_exclusion("vbp_winner", real)
    assert rules.not_negotiable_sql("p", "%(day)s") == before
    assert before.startswith("(p.is_national_negotiated OR p.is_designated_production OR p.is_provincial_reserve)")


def test_a_request_is_below_the_listing_price(buyer, product):
    for price, code in (
        ("30.01", "above_listing"),
        ("30.00", "not_below_listing"),
        ("0", "invalid"),
        ("abc", "invalid"),
    ):
        with pytest.raises(DomainError) as error:
            ask(buyer, product, price)
        assert (error.value.problems[0].code, error.value.problems[0].field) == (code, "price")


def test_counter_offers_alternate_up_to_the_round_limit(world, buyer, clerk, product, set_policy):
    set_policy("NEGOTIATION_MAX_ROUNDS", 3)
    thread = ask(buyer, product, "24.00")
    with pytest.raises(Conflict):  # the manufacturer answers first
        services.offer_counter(actor=buyer, negotiation_id=thread.pk, price="23.00")
    services.offer_counter(actor=clerk, negotiation_id=thread.pk, price="28.00")
    services.offer_counter(actor=buyer, negotiation_id=thread.pk, price="25.00")
    thread = services.offer_counter(actor=clerk, negotiation_id=thread.pk, price="27.00")
    assert (thread.counter_rounds, thread.turn, thread.price) == (3, Party.HOSPITAL, Decimal("27.00"))
    with pytest.raises(Conflict) as error:
        services.offer_counter(actor=buyer, negotiation_id=thread.pk, price="26.00")
    assert (error.value.problems[0].code, error.value.problems[0].rule) == ("round_limit", "R-NEG-4")
    [agreement] = services.negotiation_accept(actor=buyer, negotiation_id=thread.pk)
    assert (agreement.price, agreement.unit_price, agreement.hospital) == (
        Decimal("27.00"),
        Decimal("3.8571"),
        world.hospital,
    )
    assert [(o.party, o.price) for o in Offer.objects.filter(negotiation=thread)] == [
        (Party.HOSPITAL, Decimal("24.00")),
        (Party.MANUFACTURER, Decimal("28.00")),
        (Party.HOSPITAL, Decimal("25.00")),
        (Party.MANUFACTURER, Decimal("27.00")),
    ]
    with pytest.raises(Conflict):  # closed
        services.negotiation_accept(actor=clerk, negotiation_id=thread.pk)


def test_a_counter_offer_stays_within_the_listing_price(buyer, clerk, product):
    thread = ask(buyer, product)
    with pytest.raises(DomainError) as error:  # one fen above the listing price of 30.00
        services.offer_counter(actor=clerk, negotiation_id=thread.pk, price="30.01")
    assert error.value.problems[0].rule == "R-NEG-2"
    # Equal to the listing price is allowed; agreed there, it counts as not negotiated (R-NEG-2).
    services.offer_counter(actor=clerk, negotiation_id=thread.pk, price="30.00")
    [agreement] = services.negotiation_accept(actor=buyer, negotiation_id=thread.pk)
    assert (agreement.price, agreement.negotiated) == (Decimal("30.00"), False)


def test_each_side_sees_only_its_own_threads(world, buyer, clerk, product):
    thread = ask(buyer, product)
    assert list(visible_to(clerk, Negotiation)) == [thread]
    assert not visible_to(world.user("other_manufacturer_clerk"), Negotiation).exists()
    assert not visible_to(world.user("city_hospital_admin"), Negotiation).exists()
    assert visible_to(world.user("county_bureau"), Negotiation).exists()  # 永宁县 is its county
    with pytest.raises(Negotiation.DoesNotExist):
        services.offer_counter(actor=world.user("other_manufacturer_clerk"), negotiation_id=thread.pk, price="29")


def test_a_declined_negotiation_needs_a_reason_and_makes_no_agreement(buyer, clerk, product):
    thread = ask(buyer, product)
    with pytest.raises(DomainError):
        services.negotiation_decline(actor=clerk, negotiation_id=thread.pk, reason=" ")
    services.negotiation_decline(actor=clerk, negotiation_id=thread.pk, reason="成本倒挂")
    thread.refresh_from_db()
    assert (thread.status, thread.close_reason) == (ThreadStatus.DECLINED, "成本倒挂")
    assert not Agreement.objects.exists()


def test_the_agreement_comes_before_the_listing_price(world, buyer, clerk, product):
    """R-ORD-2 precedence: the hospital's agreement, then the listing price; other hospitals keep the listing."""
    thread = ask(buyer, product, "26.00")
    services.negotiation_accept(actor=clerk, negotiation_id=thread.pk)
    today = date.today()
    mine = resolve_prices(world.hospital, [product], today)[product.pk]
    theirs = resolve_prices(world.city_hospital, [product], today)[product.pk]
    assert (mine.price, mine.source) == (Decimal("26.00"), "agreement")
    assert (theirs.price, theirs.source) == (Decimal("30.00"), "listing")
    order = order_services.order_submit(
        actor=buyer, lines=[order_services.LineRequest(product.code, 10, world.distributor.pk)]
    ).order
    line = order.lines.get()
    assert (line.price, line.price_source, line.amount) == (Decimal("26.00"), "agreement", Decimal("260.00"))


def test_a_listing_price_fallen_below_the_agreement_applies_and_the_agreement_is_overtaken(
    world, buyer, clerk, product, client, api_as
):
    """R-NEG-2 (issue 10 #2): a hospital is never charged more than the current listing price — the lower
    of the two applies, and the agreement shows as overtaken on its page and in the API."""
    from listings.models import Listing

    services.negotiation_accept(actor=clerk, negotiation_id=ask(buyer, product, "26.00").pk)
    Listing.objects.filter(product=product).update(price=Decimal("24.00"))
    answer = resolve_prices(world.hospital, [product], date.today())[product.pk]
    assert (answer.price, answer.source) == (Decimal("24.00"), "listing")
    line = order_services.order_submit(
        actor=buyer, lines=[order_services.LineRequest(product.code, 10, world.distributor.pk)]
    ).order.lines.get()
    assert (line.price, line.price_source, line.amount) == (Decimal("24.00"), "listing", Decimal("240.00"))
    client.force_login(buyer)
    assert 'data-testid="overtaken"' in client.get(reverse("negotiation:agreement-list")).content.decode()
    [agreement] = api_as(buyer).get(reverse("api:agreement-list")).json()["results"]
    assert agreement["overtaken"] is True
    # At the agreed price exactly, the agreement still applies (equal is not overtaken).
    Listing.objects.filter(product=product).update(price=Decimal("26.00"))
    assert resolve_prices(world.hospital, [product], date.today())[product.pk].source == "agreement"


def test_a_suspended_listing_refuses_even_with_an_agreement(world, buyer, clerk, product):
    from listings.models import Listing

    services.negotiation_accept(actor=clerk, negotiation_id=ask(buyer, product).pk)
    Listing.objects.filter(product=product).update(status="suspended", suspension_cause="price_linkage")
    answer = resolve_prices(world.hospital, [product], date.today())[product.pk]
    assert answer.code == "listing_suspended"


def test_a_group_agreement_binds_its_members_only(world, product, clerk):
    """R-NEG-3: a group negotiates together; the agreement binds and is shared with every member."""
    group = HospitalGroupFactory(lead=world.city_hospital)
    for member in (world.city_hospital, world.other_hospital):
        add_member(group, member)
    lead_buyer = UserFactory(organisation=world.city_hospital, roles=["hospital_buyer"])
    thread = ask(lead_buyer, product, "22.00", group=group)
    agreements = services.negotiation_accept(actor=clerk, negotiation_id=thread.pk)
    assert {a.hospital for a in agreements} == {world.city_hospital, world.other_hospital}
    today = date.today()
    for member in (world.city_hospital, world.other_hospital):
        assert resolve_prices(member, [product], today)[product.pk].price == Decimal("22.00")
    assert resolve_prices(world.hospital, [product], today)[product.pk].price == Decimal("30.00")  # not a member
    # Each member sees the group's result as its own; a non-member does not.
    other_admin = world.user("other_hospital_admin")
    assert visible_to(other_admin, Agreement).get().price == Decimal("22.00")
    assert visible_to(other_admin, Negotiation).get() == thread
    assert not visible_to(world.user("hospital_buyer"), Agreement).exists()


def test_only_the_lead_negotiates_for_a_group(world, product):
    """R-NEG-3: the group's lead hospital negotiates for it."""
    group = HospitalGroupFactory(lead=world.city_hospital)
    add_member(group, world.hospital)
    with pytest.raises(PermissionDenied):
        ask(world.user("hospital_buyer"), product, group=group)


def test_a_new_agreement_supersedes_the_old(world, buyer, clerk, product):
    services.negotiation_accept(actor=clerk, negotiation_id=ask(buyer, product, "28.00").pk)
    services.negotiation_accept(actor=clerk, negotiation_id=ask(buyer, product, "27.00").pk)
    assert list(Agreement.objects.order_by("id").values_list("price", "status")) == [
        (Decimal("28.00"), AgreementStatus.SUPERSEDED),
        (Decimal("27.00"), AgreementStatus.ACTIVE),
    ]


def test_one_open_negotiation_per_product(buyer, product):
    ask(buyer, product)
    with pytest.raises(Conflict):
        ask(buyer, product, "24.00")
    assert Negotiation.objects.count() == 1


def test_many_answers_at_once_are_all_or_nothing(world, clerk, product):
    from tests.factories import ProductFactory
    from tests.orders.conftest import make_listing

    second = ProductFactory(manufacturer=world.manufacturer)
    make_listing(second, "10.00")
    buyer = world.user("hospital_buyer")
    first_thread, second_thread = ask(buyer, product, "25.00"), ask(buyer, second, "9.00")
    bad = [services.Answer(first_thread.pk, "accept"), services.Answer(second_thread.pk, "counter", "11.00")]
    with pytest.raises(DomainError) as error:
        services.answer_many(actor=clerk, answers=bad, where=lambda index: f"row {index + 2}")
    assert [(p.field, p.rule) for p in error.value.problems] == [("row 3.price", "R-NEG-2")]
    assert not Agreement.objects.exists()  # the good answer was not kept either
    good = [services.Answer(first_thread.pk, "accept"), services.Answer(second_thread.pk, "counter", "9.50")]
    assert services.answer_many(actor=clerk, answers=good) == 2
    assert Agreement.objects.get().price == Decimal("25.00")
    assert Negotiation.objects.get(pk=second_thread.pk).price == Decimal("9.50")
