"""R-SUP-1, R-SUP-2, R-SUP-7 on the pages: every indicator page, export and report reads the reader's region only;
every figure shows its numerator and denominator and drills down to the rows behind it, within scope."""

import io
from datetime import date

import pypdf
import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from supervision.indicator_jobs import supervision_indicators

OCTOBER = "2026-10"
TODAY = date(2026, 11, 5)


@pytest.fixture
def computed(world, october):
    supervision_indicators(today=TODAY)


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of_xlsx(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(
        " ".join(str(cell) for cell in row if cell is not None)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def text_of_pdf(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


PAGES = [
    ("supervision:cockpit", {}),
    ("supervision:by-region", {}),
    ("supervision:by-hospital", {}),
    ("supervision:report", {}),
]
EXPORTS = [
    ("supervision:by-region", "xlsx"),
    ("supervision:by-hospital", "xlsx"),
    ("supervision:report", "xlsx"),
    ("supervision:report", "pdf"),
]


@pytest.mark.parametrize(("name", "extra"), PAGES)
def test_every_page_shows_a_city_bureau_its_region_only_r_sup_2(world, computed, name, extra):
    page = client_as(world.user("city_bureau")).get(reverse(name), {"month": OCTOBER, **extra})
    assert page.status_code == 200
    html = page.content.decode()
    assert "永宁县人民医院" in html or name in ("supervision:by-region",)
    assert "银川市" in html
    assert "平罗县人民医院" not in html and "石嘴山市" not in html


@pytest.mark.parametrize(("name", "kind"), EXPORTS)
def test_every_export_holds_a_city_bureau_to_its_region_r_sup_2(world, computed, name, kind):
    response = client_as(world.user("city_bureau")).get(reverse(name), {"month": OCTOBER, "format": kind})
    assert response.status_code == 200
    text = text_of_pdf(response.content) if kind == "pdf" else text_of_xlsx(response.content)
    assert "银川市" in text
    assert "石嘴山市" not in text and "平罗县" not in text


@pytest.mark.parametrize(("name", "kind"), EXPORTS)
def test_the_province_reads_every_region_in_the_exports(world, computed, name, kind):
    response = client_as(world.user("provincial_supervisor")).get(reverse(name), {"month": OCTOBER, "format": kind})
    text = text_of_pdf(response.content) if kind == "pdf" else text_of_xlsx(response.content)
    assert "宁夏回族自治区" in text
    assert "平罗县" in text  # the other city's county (or its hospital) is there


def test_a_city_bureau_cannot_ask_for_another_region(world, computed):
    client = client_as(world.user("city_bureau"))
    for name in ("supervision:by-region", "supervision:by-hospital", "supervision:report"):
        assert client.get(reverse(name), {"month": OCTOBER, "region": "640200"}).status_code == 404
        assert client.get(reverse(name), {"month": OCTOBER, "region": "640000"}).status_code == 404
    assert client.get(reverse("supervision:report"), {"region": "640200", "format": "pdf"}).status_code == 404
    # a county of its own city is fine
    assert client.get(reverse("supervision:by-hospital"), {"month": OCTOBER, "region": "640121"}).status_code == 200


def test_another_regions_hospital_is_not_found(world, computed):
    client = client_as(world.user("city_bureau"))
    assert client.get(reverse("supervision:hospital", args=[world.other_hospital.pk])).status_code == 404
    assert client.get(reverse("supervision:hospital", args=[world.hospital.pk]), {"month": OCTOBER}).status_code == 200


def test_a_county_bureau_reads_its_county_only(world, computed):
    page = client_as(world.user("county_bureau")).get(reverse("supervision:by-region"), {"month": OCTOBER})
    html = page.content.decode()
    assert "永宁县" in html and 'data-testid="region-640100"' not in html and "石嘴山市" not in html


def test_hospitals_and_companies_see_no_supervision(world, computed):
    for user in ("hospital_buyer", "manufacturer_clerk", "distributor_clerk"):
        client = client_as(world.user(user))
        for name, _extra in PAGES:
            assert client.get(reverse(name)).status_code == 403


def test_every_figure_shows_numerator_and_denominator(world, computed):
    page = client_as(world.user("city_bureau")).get(
        reverse("supervision:hospital", args=[world.hospital.pk]), {"month": OCTOBER}
    )
    html = page.content.decode()
    # on time: 100.00 of 500.00 = 20.00 %
    row = html.split('data-testid="figure-row-on_time_payment"')[1].split("</tr>")[0]
    assert "20.00 %" in row and "100.00" in row and "500.00" in row


def test_the_red_figure_drills_down_to_the_hospitals_orders_within_scope(world, computed, october):
    client = client_as(world.user("city_bureau"))
    page = client.get(reverse("supervision:hospital", args=[world.hospital.pk]), {"month": OCTOBER}).content.decode()
    row = page.split('data-testid="figure-row-online_rate"')[1].split("</tr>")[0]
    assert "status-danger" in row  # 80 % below the 95 % line
    url = row.split('data-testid="drill-online_rate"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert f"hospital={world.hospital.pk}" in url and "month=2026-10" in url
    orders = client.get(url).content.decode()
    assert orders.count('data-testid="order-state"') == 5  # the five lines of October (one declined) — one order each
    # the same filter for another region's hospital shows nothing to the city bureau
    other = client.get(reverse("orders:order-list"), {"hospital": world.other_hospital.pk, "month": OCTOBER})
    assert 'data-testid="order-state"' not in other.content.decode()


def test_the_payables_drill_down_shows_the_months_payables(world, computed):
    client = client_as(world.user("city_bureau"))
    page = client.get(reverse("settlement:payables"), {"hospital": world.hospital.pk, "month": OCTOBER})
    assert page.content.decode().count('data-testid="payable-') == 3


def test_the_cockpit_headline_and_attention(world, computed):
    page = client_as(world.user("city_bureau")).get(reverse("supervision:cockpit"), {"month": OCTOBER})
    html = page.content.decode()
    assert 'data-testid="cockpit-region">银川市<' in html
    # 银川市 is 永宁县人民医院 alone: its figures are the city's
    assert "80.00 %" in html.split('data-testid="figure-online_rate"')[1][:40]
    assert f'data-testid="attention-{world.hospital.pk}"' in html
    assert f'data-testid="red-{world.hospital.pk}-on_time_payment"' in html
    assert 'data-testid="trend-chart"' in html


def test_the_monthly_pdf_is_a_pdf_with_the_regions_name(world, computed):
    response = client_as(world.user("city_bureau")).get(
        reverse("supervision:report"), {"month": OCTOBER, "format": "pdf"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = text_of_pdf(response.content)
    assert "银川市" in text and "2026-10" in text
    assert "永宁县人民医院" in text  # needing attention


def test_the_excel_report_has_the_figures(world, computed):
    response = client_as(world.user("provincial_supervisor")).get(
        reverse("supervision:report"), {"month": OCTOBER, "format": "xlsx"}
    )
    book = load_workbook(io.BytesIO(response.content))
    summary = list(book.worksheets[0].iter_rows(values_only=True))
    online = next(row for row in summary if row[0] == "网采率")
    assert online[1:4] == (300, 350, "85.71 %")


def test_the_api_reads_the_region_only_r_sup_2(world, computed, api_as):
    url = reverse("api:supervision-indicator-list")
    city = api_as(world.user("city_bureau")).get(url, {"month": "2026-10-01", "indicator": "online_rate"}).json()
    assert [(row["hospital"], row["numerator"], row["denominator"]) for row in city["results"]] == [
        (world.hospital.pk, "200.00", "250.00")
    ]
    province = api_as(world.user("provincial_supervisor")).get(url, {"indicator": "online_rate", "region": "640200"})
    assert [row["hospital"] for row in province.json()["results"]] == [world.other_hospital.pk]
    own = api_as(world.user("hospital_buyer")).get(url).json()
    assert {row["hospital"] for row in own["results"]} == {world.hospital.pk}
    assert api_as(world.user("distributor_clerk")).get(url).json()["results"] == []


def test_one_indicators_page_is_scoped_and_shows_its_trend(world, computed):
    client = client_as(world.user("city_bureau"))
    page = client.get(reverse("supervision:indicator", args=["on_time_payment"]), {"month": OCTOBER})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="region-640100"' in html and "石嘴山市" not in html
    assert "20.00 %" in html.split('data-testid="region-640121"')[1][:400]
    assert 'data-testid="trend-chart"' in html
    assert client.get(reverse("supervision:indicator", args=["no_such_thing"])).status_code == 404
    assert client.get(reverse("supervision:indicator", args=["online_rate"]), {"region": "640200"}).status_code == 404


def test_the_cockpit_lists_todays_flags_of_the_region_with_a_case_button(world, computed):
    """R-SUP-5 through the core's flag registry: the unpaid payable due 31 October is overdue today."""
    html = client_as(world.user("city_bureau")).get(reverse("supervision:cockpit")).content.decode()
    assert f'data-testid="flag-overdue_payments-{world.hospital.pk}"' in html
    assert f'data-testid="open-case-overdue_payments-{world.hospital.pk}"' in html
    assert "平罗县人民医院" not in html.split('data-testid="cockpit-flags"')[1].split("</table>")[0]


def test_last_months_red_indicators_are_a_flag_to_open_a_case_from(world, build, october):
    """R-SUP-1 → R-SUP-5: the hospital's red figures of the month before ``day`` flag it, with each figure."""
    from procurement.core.flags import flags_for

    supervision_indicators(today=TODAY)
    flags = flags_for(world.user("city_bureau"), date(2026, 11, 20), keys=["indicators_red"])
    assert [(flag.subject.pk, flag.found.detail) for flag in flags] == [(world.hospital.pk, "2026-10")]
    assert flags[0].figures["online_rate"] == "80.00 %"
    assert "网采率 80.00 %" in flags[0].explanation or "Online purchase rate 80.00 %" in flags[0].explanation
    # in December, November's figures: nothing bought of the contract (0 of its pace of 100 units)
    (november,) = flags_for(world.user("city_bureau"), date(2026, 12, 20), keys=["indicators_red"])
    assert (november.found.detail, november.figures) == ("2026-11", {"vbp_completion": "0.00 %"})


def test_the_cockpit_links_only_pages_its_reader_may_open(world, computed):
    """A reviewer (not a supervisor) reads the cockpit; every link on it opens for them."""
    client = client_as(world.user("provincial_reviewer"))
    html = client.get(reverse("supervision:cockpit")).content.decode()
    links = html.split('data-testid="cockpit-links"')[1].split("</ul>")[0]
    for href in [part.split('"')[0].replace("&amp;", "&") for part in links.split('href="')[1:]]:
        assert client.get(href).status_code == 200, href
