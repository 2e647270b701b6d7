"""National VBP results (R-VBP-1): the import, all or nothing; winners listed at the winning price
(R-ORD-2), refused for negotiation (R-NEG-1) and for withdrawal under contract (R-LIST-13)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from listings.models import Listing
from listings.services import withdrawal_request_submit
from negotiation import services as negotiation_services
from procurement.core.errors import DomainError
from procurement.orders.pricing import Quote, resolve_prices
from tests.vbp.conftest import national_row, workbook
from vbp import services
from vbp.choices import RoundStatus
from vbp.excel import NATIONAL_HEADER
from vbp.models import CompetitionUnit, NationalResultImport, Round, Winner


def test_national_import_lists_the_winners_at_their_price(world, atorvastatin, national_round):
    """R-VBP-1: the round is opened at once, one unit per generic name and route, the winner at 5.46."""
    # then
    assert national_round.status == RoundStatus.OPENED
    unit = CompetitionUnit.objects.get(round=national_round)
    assert (unit.generic_name, unit.route, unit.winners_count) == ("阿托伐他汀钙片", "口服", 1)
    winner = Winner.objects.get(unit=unit)
    assert winner.product == atorvastatin[0]
    assert winner.price == Decimal("5.46")
    assert winner.unit_price == Decimal("0.7800")
    assert winner.supply_regions == ["64", "62"] and winner.supplies_home
    batch = NationalResultImport.objects.get(round=national_round)
    assert batch.rows == 1 and len(batch.sha256) == 64


def test_a_winner_is_quoted_at_the_winning_price_before_the_listing(world, atorvastatin, national_round):
    """R-ORD-2, R-VBP-1: the VBP winning price comes before the listing price (30.00); others keep theirs."""
    # when
    quotes = resolve_prices(world.hospital, atorvastatin, timezone.localdate())
    # then
    winning = quotes[atorvastatin[0].pk]
    assert isinstance(winning, Quote) and winning.source == "vbp" and winning.price == Decimal("5.46")
    assert quotes[atorvastatin[2].pk].source == "listing"


def test_a_winner_not_supplying_this_province_is_not_quoted(world, atorvastatin, bureau):
    """R-VBP-1: a national winner supplies the provinces the result names; elsewhere its listing applies."""
    # given
    services.national_results_import(
        actor=bureau, name="第五批", upload=workbook(NATIONAL_HEADER, national_row(atorvastatin[0], 5.46, "甘肃"))
    )
    # when
    quote = resolve_prices(world.hospital, [atorvastatin[0]], timezone.localdate())[atorvastatin[0].pk]
    # then
    assert quote.source == "listing"


def test_a_winner_cannot_be_negotiated(world, atorvastatin, national_round):
    """R-NEG-1: VBP winners are bought at their winning price, with no negotiation; the others still can be."""
    buyer = world.user("hospital_buyer")
    # when / then
    with pytest.raises(DomainError) as refused:
        negotiation_services.negotiation_request(
            actor=buyer, request=negotiation_services.Request(atorvastatin[0], "4.00", 100)
        )
    assert refused.value.problems[0].code == "vbp_winner"
    assert "第四批国家集采" in refused.value.message and "阿托伐他汀钙片" in refused.value.message
    negotiation_services.negotiation_request(
        actor=buyer, request=negotiation_services.Request(atorvastatin[2], "30.00", 100)
    )


def test_a_winner_cannot_withdraw_during_its_contract(world, atorvastatin, national_round):
    """R-LIST-13 (our choice): a VBP winner cannot be withdrawn while its agreement period runs."""
    listing = Listing.objects.get(product=atorvastatin[0])
    # when / then
    with pytest.raises(DomainError) as refused:
        withdrawal_request_submit(
            actor=world.user("manufacturer_clerk"), listing_id=listing.pk, reason="stopped", explanation="停产"
        )
    assert refused.value.problems[0].code == "vbp_contract"
    assert refused.value.problems[0].rule == "R-LIST-13"


def test_a_broken_row_saves_nothing_and_names_every_problem(world, atorvastatin, bureau):
    """R-VBP-1: all or nothing — a file with bad rows writes no round, unit or winner, and each problem
    names its row and column."""
    # given
    upload = workbook(
        NATIONAL_HEADER,
        national_row(atorvastatin[0], 5.46),
        ["阿托伐他汀钙片", "XA00000000000000000000", "某公司", 5.0, "宁夏", "2026-01-01", "2027-12-31"],
        [atorvastatin[2].generic_name, atorvastatin[2].code, "别人家", "abc", "火星", "2026-01-01", "2026-06-30"],
    )
    # when
    with pytest.raises(DomainError) as refused:
        services.national_results_import(actor=bureau, name="坏文件", upload=upload)
    # then
    located = {(p.params["row"], p.params["column"], p.code) for p in refused.value.problems}
    assert (3, "医保药品代码", "unknown_product") in located
    assert (4, "中选企业", "company_differs") in located
    assert (4, "中选价格（元/包装）", "invalid") in located
    assert (4, "供应省份", "invalid_provinces") in located
    assert (4, "协议期结束", "period_length") in located
    assert Round.objects.count() == 0 and Winner.objects.count() == 0 and CompetitionUnit.objects.count() == 0


def test_only_the_provincial_bureau_imports(world, atorvastatin):
    """R-VBP-1: the bureau's VBP office imports national results; a city bureau or a hospital may not."""
    for name in ("city_bureau", "hospital_buyer", "manufacturer_clerk"):
        with pytest.raises(DomainError):
            services.national_results_import(
                actor=world.user(name), name="x", upload=workbook(NATIONAL_HEADER, national_row(atorvastatin[0], 5.46))
            )
    assert Round.objects.count() == 0


def test_a_withdrawal_asked_before_the_result_is_refused_at_approval(world, atorvastatin, bureau):
    """R-LIST-13: the guard is asked again when the bureau decides — a request made before the product won
    cannot be approved while it is under contract."""
    from listings.services import withdrawal_request_decide

    listing = Listing.objects.get(product=atorvastatin[0])
    request = withdrawal_request_submit(
        actor=world.user("manufacturer_clerk"), listing_id=listing.pk, reason="stopped", explanation="停产"
    )
    services.national_results_import(
        actor=bureau, name="第四批", upload=workbook(NATIONAL_HEADER, national_row(atorvastatin[0], 5.46))
    )
    with pytest.raises(DomainError) as refused:
        withdrawal_request_decide(actor=bureau, request_id=request.pk, approve=True)
    assert refused.value.problems[0].code == "vbp_contract"
    listing.refresh_from_db()
    assert listing.status == "listed"
