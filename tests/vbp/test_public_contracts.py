"""The public VBP contracts page (R-VBP-4, R-SUP-7: 信息公开): every contract of an opened round, for anyone,
searched and paged in SQL — a province holds about 90,000 contracts, so the page must not build them all for
each visitor."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.vbp.conftest import atorvastatin, bureau, national_round, national_row, workbook  # noqa: F401
from tests.vbp.test_completion_and_cap import contract  # noqa: F401
from vbp import services
from vbp.excel import NATIONAL_HEADER
from vbp.models import CompetitionUnit, Contract

pytestmark = pytest.mark.django_db


def _second_round(world, product, bureau):  # noqa: F811
    """Another national round (第五批, the 10mg × 14 at 3.00), the hospital's contract allocated in it."""
    round_ = services.national_results_import(
        actor=bureau, name="第五批国家集采", upload=workbook(NATIONAL_HEADER, national_row(product, 3.00))
    )
    unit = CompetitionUnit.objects.get(round=round_)
    report = services.demand_report(actor=world.user("hospital_buyer"), unit_id=unit.pk, reported_units=2800)
    services.demand_base_set(actor=bureau, demand_id=report.pk, base_units=2800)
    services.unit_allocate(actor=bureau, unit_id=unit.pk)
    return Contract.objects.get(unit=unit)


def _rows(response) -> list[str]:
    html = response.content.decode()
    body = html[html.index('data-testid="vbp-contracts"') :]
    return [row for row in body.split("<tr>")[2:] if "</td>" in row and "colspan" not in row]


def test_r_sup_7_the_contracts_page_reads_one_page_whatever_the_number_of_rounds(
    client,
    world,
    atorvastatin,  # noqa: F811
    bureau,  # noqa: F811
    contract,  # noqa: F811
):
    url = reverse("vbp-public:contracts")
    with CaptureQueriesContext(connection) as one_round:
        first = client.get(url)
    assert first.status_code == 200 and len(_rows(first)) == 1
    second = _second_round(world, atorvastatin[1], bureau)
    with CaptureQueriesContext(connection) as two_rounds:
        both = client.get(url)
    # then: the newest round first, each contract with its winner, price, volume and amount (R-VBP-4)
    rows = _rows(both)
    assert len(rows) == 2 and "第五批国家集采" in rows[0] and "第四批国家集采" in rows[1]
    assert world.hospital.name in rows[0] and "¥3.00" in rows[0] and f"{second.volume_units} 片" in rows[0]
    assert "¥5.46" in rows[1] and "¥569.40" in rows[1] and "730 片" in rows[1]
    # and: a count and a page, the same statements for one round as for two (it built every release before)
    assert len(two_rounds) == len(one_round) <= 2, [query["sql"] for query in two_rounds]


def test_r_sup_7_the_contracts_are_searched_by_round_product_company_or_hospital(
    client,
    world,
    atorvastatin,  # noqa: F811
    bureau,  # noqa: F811
    contract,  # noqa: F811
):
    _second_round(world, atorvastatin[1], bureau)
    url = reverse("vbp-public:contracts")
    for query, found in [
        ("第五批", ["第五批国家集采"]),
        (world.hospital.name, ["第五批国家集采", "第四批国家集采"]),
        (atorvastatin[0].generic_name, ["第五批国家集采", "第四批国家集采"]),
        (atorvastatin[0].manufacturer.name, ["第五批国家集采", "第四批国家集采"]),
        ("没有这个", []),
    ]:
        response = client.get(url, {"q": query})
        rows = _rows(response)
        assert [next(name for name in ("第五批国家集采", "第四批国家集采") if name in row) for row in rows] == found, (
            query
        )
        assert found or "没有符合搜索条件的带量采购合同" in response.content.decode()


def test_r_sup_7_the_old_address_leads_to_the_page_with_its_search(client, contract):  # noqa: F811
    response = client.get(reverse("disclosure:vbp-contracts"), {"q": "第四批"})
    assert (
        response.status_code == 301
        and response["Location"] == reverse("vbp-public:contracts") + "?q=%E7%AC%AC%E5%9B%9B%E6%89%B9"
    )
    assert client.get(reverse("disclosure:index")).content.decode().count(reverse("vbp-public:contracts")) == 1
