"""R-LIST-6 (expert panel and negotiation of new drugs) and R-LIST-11 (the annual adjustment round)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from listings import jobs, services
from listings.choices import AdjustmentRoundStatus, ListingCategory, ListingStatus, PanelParty, ProposalStatus
from listings.models import AdjustmentProposal, Listing
from procurement.core.errors import Conflict, DomainError
from procurement.organisations.models import Expert

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(world):
    """Two experts of each speciality, one clinical expert tied to the manufacturer under review."""
    experts = {}
    for speciality in ("insurance", "clinical", "pharmacy", "management"):
        for index in range(2):
            experts[f"{speciality}{index}"] = Expert.objects.create(
                name=f"{speciality}-{index}", speciality=speciality, employer="宁夏医科大学"
            )
    tied = Expert.objects.create(name="有关联的专家", speciality="clinical", employer="某医院")
    tied.ties.add(world.manufacturer)
    experts["tied"] = tied
    experts["employee"] = Expert.objects.create(
        name="企业员工", speciality="clinical", employer=world.manufacturer.name
    )
    return experts


@pytest.fixture
def new_drug(product, declare):
    product.registration_date = timezone.localdate() - timedelta(days=60)
    product.save()
    return declare(product, ListingCategory.NEWLY_REGISTERED, "120.00")


class TestNewDrug:
    def test_the_draw_never_picks_an_expert_tied_to_the_manufacturer(self, world, pool, new_drug):
        for _ in range(10):  # the draw is random: repeat it
            result = services.expert_panel_draw(actor=world.user("provincial_reviewer"), declaration_id=new_drug.pk)
            drawn = set(result.panel.experts.all())
            assert pool["tied"] not in drawn and pool["employee"] not in drawn
            assert {entry["name"] for entry in result.excluded} == {"有关联的专家", "企业员工"}
            assert len(drawn) == 5 and sum(expert.speciality == "clinical" for expert in drawn) == 2
            result.panel.delete()

    def test_a_pool_too_small_after_exclusions_is_refused(self, world, pool, new_drug):
        Expert.objects.filter(speciality="clinical", ties__isnull=True).exclude(
            employer=world.manufacturer.name
        ).update(is_active=False)
        with pytest.raises(DomainError) as error:
            services.expert_panel_draw(actor=world.user("provincial_reviewer"), declaration_id=new_drug.pk)
        assert error.value.problems[0].code == "pool_too_small"

    def test_listed_at_the_agreed_price_after_a_recorded_negotiation(self, world, pool, new_drug):
        reviewer = world.user("provincial_reviewer")
        with pytest.raises(Conflict):  # no panel, no agreement: no listing
            services.declaration_approve(actor=reviewer, declaration_id=new_drug.pk)
        panel = services.expert_panel_draw(actor=reviewer, declaration_id=new_drug.pk).panel
        services.panel_round_record(
            actor=reviewer, panel_id=panel.pk, party=PanelParty.MANUFACTURER, price=Decimal("120.00")
        )
        services.panel_round_record(
            actor=reviewer, panel_id=panel.pk, party=PanelParty.PANEL, price=Decimal("90.00"), note="参照同类药品"
        )
        services.panel_agree(actor=reviewer, panel_id=panel.pk, price=Decimal("98.00"), minutes="双方同意98元")
        listing = services.declaration_approve(actor=reviewer, declaration_id=new_drug.pk)
        assert (listing.price, listing.status) == (Decimal("98.00"), ListingStatus.LISTED)
        assert panel.rounds.count() == 2


class TestAdjustmentRound:
    def test_proposed_prices_answers_confirmation_and_the_effective_date(self, world, product, list_product, feed):
        listing = list_product(product, "10.00")
        other = list_product(
            type(product).objects.create(
                **{
                    **{f.attname: getattr(product, f.attname) for f in product._meta.fields if f.name not in ("id",)},
                    "code": product.code[:-5] + "99999",
                }
            ),
            "20.00",
        )
        feed(product.code, "11", "9.20")  # national lowest below the current price
        bureau, clerk = world.user("provincial_reviewer"), world.user("manufacturer_clerk")
        today = timezone.localdate()
        adjustment = services.adjustment_round_open(
            actor=bureau,
            year=today.year + 1,
            answer_by=today + timedelta(days=10),
            effective_date=today + timedelta(days=30),
        )
        proposals = {p.listing_id: p for p in AdjustmentProposal.objects.filter(round=adjustment)}
        assert proposals[listing.pk].proposed_price == Decimal("9.20")  # the lowest of current and national lowest
        assert proposals[other.pk].proposed_price == Decimal("20.00")
        services.adjustment_proposal_answer(
            actor=clerk,
            proposal_id=proposals[listing.pk].pk,
            accept=False,
            appeal_price=Decimal("9.60"),
            reason="原料成本上涨",
        )
        with pytest.raises(DomainError):  # the appeal must be decided
            services.adjustment_round_confirm(actor=bureau, round_id=adjustment.pk, decisions={})
        services.adjustment_round_confirm(
            actor=bureau, round_id=adjustment.pk, decisions={proposals[listing.pk].pk: (Decimal("9.40"), "部分采纳")}
        )
        assert set(AdjustmentProposal.objects.values_list("status", flat=True)) == {ProposalStatus.CONFIRMED}
        # Nothing changes before the effective date; then the prices change, once.
        assert jobs.apply_price_adjustments(today=today + timedelta(days=29)) == {
            "prices_changed": 0,
            "rounds_applied": 0,
        }
        assert jobs.apply_price_adjustments(today=today + timedelta(days=30)) == {
            "prices_changed": 1,
            "rounds_applied": 1,
        }
        assert jobs.apply_price_adjustments(today=today + timedelta(days=31)) == {
            "prices_changed": 0,
            "rounds_applied": 0,
        }
        listing.refresh_from_db()
        assert listing.price == Decimal("9.40")
        adjustment.refresh_from_db()
        assert adjustment.status == AdjustmentRoundStatus.APPLIED
        assert listing.transitions.order_by("-id").first().reason.startswith("年度")

    def test_a_round_only_ever_lowers_and_logs_the_listings_real_price_as_before(
        self, world, product, list_product, feed, declare
    ):
        """R-LIST-11 (issue 10 #1): a listing lowered after the round opened keeps its lower price."""
        from listings.models import Listing, ListingTransition

        listing = list_product(product, "10.00")
        feed(product.code, "11", "9.20")
        bureau = world.user("provincial_reviewer")
        today = timezone.localdate()
        adjustment = services.adjustment_round_open(
            actor=bureau,
            year=today.year + 1,
            answer_by=today + timedelta(days=10),
            effective_date=today + timedelta(days=30),
        )
        services.adjustment_round_confirm(actor=bureau, round_id=adjustment.pk, decisions={})  # 9.20 confirmed
        # the manufacturer lowers its price to 8.80 before the round takes effect
        lowered = declare(product, "innovative", "8.80")
        services.declaration_approve(actor=bureau, declaration_id=lowered.pk)
        assert jobs.apply_price_adjustments(today=today + timedelta(days=30))["prices_changed"] == 0
        assert Listing.objects.get(pk=listing.pk).price == Decimal("8.80")
        assert not ListingTransition.objects.filter(listing=listing, price_after=Decimal("9.20")).exists()

    def test_a_round_logs_the_price_the_listing_had_not_the_round_openings(
        self, world, product, list_product, feed, declare
    ):
        listing = list_product(product, "10.00")
        feed(product.code, "11", "9.20")
        bureau = world.user("provincial_reviewer")
        today = timezone.localdate()
        adjustment = services.adjustment_round_open(
            actor=bureau,
            year=today.year + 1,
            answer_by=today + timedelta(days=10),
            effective_date=today + timedelta(days=30),
        )
        services.adjustment_round_confirm(actor=bureau, round_id=adjustment.pk, decisions={})  # 9.20
        lowered = declare(product, "innovative", "9.50")  # lowered, but still above the round's price
        services.declaration_approve(actor=bureau, declaration_id=lowered.pk)
        assert jobs.apply_price_adjustments(today=today + timedelta(days=30))["prices_changed"] == 1
        transition = listing.transitions.order_by("-id").first()
        assert (transition.price_before, transition.price_after) == (Decimal("9.5000"), Decimal("9.2000"))

    def test_an_appeal_cannot_ask_for_more_than_the_current_price(self, world, product, list_product):
        listing = list_product(product, "10.00")
        today = timezone.localdate()
        adjustment = services.adjustment_round_open(
            actor=world.user("provincial_reviewer"),
            year=2030,
            answer_by=today + timedelta(days=5),
            effective_date=today + timedelta(days=9),
        )
        proposal = AdjustmentProposal.objects.get(round=adjustment, listing=listing)
        with pytest.raises(DomainError) as error:
            services.adjustment_proposal_answer(
                actor=world.user("manufacturer_clerk"),
                proposal_id=proposal.pk,
                accept=False,
                appeal_price=Decimal("10.01"),
                reason="x",
            )
        assert error.value.problems[0].field == "appeal_price"

    def test_the_effective_date_follows_the_answers(self, world):
        with pytest.raises(DomainError):
            services.adjustment_round_open(
                actor=world.user("provincial_reviewer"),
                year=2030,
                answer_by=date(2030, 3, 1),
                effective_date=date(2030, 3, 1),
            )
        assert not Listing.objects.exists()
