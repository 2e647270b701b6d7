"""The negotiation pages and API: a request from the form, answers on the thread page, many answers by
Excel (all or nothing) and by the bulk API, agreements with zones and savings, the bureau's alerts."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from negotiation import services
from negotiation.choices import ThreadStatus
from negotiation.jobs import zone_agreements
from negotiation.models import Agreement, Negotiation
from procurement.web.rule_ids import plain_words
from tests.factories import HospitalFactory, ProductFactory
from tests.negotiation.test_zoning import agree
from tests.orders.conftest import make_listing

pytestmark = pytest.mark.django_db


def test_a_buyer_asks_and_the_manufacturer_counters_on_the_thread_page(world, buyer, clerk, product, client):
    client.force_login(buyer)
    refused = client.post(
        reverse("negotiation:thread-new"), {"product": product.code, "price": "31", "volume": 100, "valid_months": 12}
    )
    # the hospital reads the refusal in plain words; the rule's ID is for bureau staff and the API (issue 12)
    assert "价格不得高于挂网价 30.0000 元。" in refused.content.decode() and "R-NEG-2" not in refused.content.decode()
    assert not Negotiation.objects.exists()
    response = client.post(
        reverse("negotiation:thread-new"),
        {"product": product.code, "price": "24.00", "volume": 100, "valid_months": 12, "note": "年用量大"},
    )
    thread = Negotiation.objects.get()
    assert response["Location"] == reverse("negotiation:thread-detail", args=[thread.pk])
    client.force_login(clerk)
    page = client.get(reverse("negotiation:thread-detail", args=[thread.pk])).content.decode()
    assert "年用量大" in page and 'data-testid="counter"' in page
    client.post(reverse("negotiation:thread-detail", args=[thread.pk]), {"action": "counter", "price": "27.50"})
    client.force_login(buyer)
    client.post(reverse("negotiation:thread-detail", args=[thread.pk]), {"action": "accept"})
    assert Agreement.objects.get().price == Decimal("27.50")


def test_another_manufacturer_cannot_open_the_thread(world, buyer, product, client):
    thread = services.negotiation_request(actor=buyer, request=services.Request(product, "25", 10))
    client.force_login(world.user("other_manufacturer_clerk"))
    assert client.get(reverse("negotiation:thread-detail", args=[thread.pk])).status_code == 404


def uploaded(book) -> io.BytesIO:
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "answers.xlsx"
    return upload


def located(problems) -> list[tuple]:
    return [(p.params.get("row"), p.params.get("column"), p.rule, str(p.message)) for p in problems]


def test_many_answers_by_excel_all_or_nothing(world, buyer, clerk, product, client):
    """R-NEG-4: many answers at once, all or none; R-NEG-2: a counter-offer stays below the listing price."""
    # given
    second = ProductFactory(manufacturer=world.manufacturer)
    make_listing(second, "10.00")
    threads = [
        services.negotiation_request(actor=buyer, request=services.Request(p, price, 10))
        for p, price in ((product, "25"), (second, "9"))
    ]
    client.force_login(clerk)
    download = client.get(reverse("negotiation:answers-excel"), {"download": 1})
    book = load_workbook(io.BytesIO(download.content))
    sheet = book.active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [threads[0].pk, threads[1].pk]
    sheet["H2"], sheet["H3"], sheet["I3"] = "接受", "还价", "12"  # 12 is above the listing price of 10
    # when
    refused = client.post(reverse("negotiation:answers-excel"), {"file": uploaded(book)})
    # then
    assert refused.status_code == 400
    [(row, column, rule, message)] = located(refused.context["problems"])
    assert (row, column, rule) == (3, "还价（元/包装）", "R-NEG-2")
    assert plain_words(message) in refused.content.decode()  # the manufacturer reads plain words (issue 12)
    assert not Agreement.objects.exists()  # the good answer in row 2 was not kept either
    assert Negotiation.objects.get(pk=threads[0].pk).status == threads[0].status
    # when: corrected
    sheet["I3"] = "9.5"
    client.post(reverse("negotiation:answers-excel"), {"file": uploaded(book)})
    # then
    assert Agreement.objects.get().product == product
    assert Negotiation.objects.get(pk=threads[1].pk).price == Decimal("9.50")


def test_bad_cells_and_broken_rules_are_reported_together_and_nothing_is_recorded(world, buyer, clerk, product, client):
    """R-NEG-4: every problem of the sheet at once — cells the reader cannot read and rules the
    answers break — with its row and column."""
    # given: row 2 counters above the listing price (R-NEG-2), row 3 an unknown answer, row 4 a
    # counter-offer that is not a price, row 5 nothing (not answered), row 6 accepts
    others = [ProductFactory(manufacturer=world.manufacturer) for _ in range(4)]
    for other in others:
        make_listing(other, "10.00")
    threads = [services.negotiation_request(actor=buyer, request=services.Request(product, "25", 10))] + [
        services.negotiation_request(actor=buyer, request=services.Request(other, "9", 10)) for other in others
    ]
    client.force_login(clerk)
    book = load_workbook(io.BytesIO(client.get(reverse("negotiation:answers-excel"), {"download": 1}).content))
    sheet = book.active
    sheet["H2"], sheet["I2"] = "还价", "31"
    sheet["H3"] = "同意"
    sheet["H4"], sheet["I4"] = "还价", "九块"
    sheet["H6"] = "accept"
    # when
    response = client.post(reverse("negotiation:answers-excel"), {"file": uploaded(book)})
    # then
    assert located(response.context["problems"]) == [
        (2, "还价（元/包装）", "R-NEG-2", "价格不得高于挂网价 30.0000 元（R-NEG-2）。"),
        (3, "应答（接受/还价/拒绝）", None, "“同意”不是可填写的值，可选：接受、还价、拒绝。"),
        (4, "还价（元/包装）", None, "“九块”不是有效价格：请填写大于零的金额（元），最多 4 位小数。"),
    ]
    assert not Agreement.objects.exists()  # row 6's acceptance was undone with the rest
    assert {thread.status for thread in Negotiation.objects.all()} == {threads[0].status}
    assert Negotiation.objects.get(pk=threads[0].pk).counter_rounds == 0


def test_a_sheet_without_the_answer_column_is_refused_at_the_header(clerk, client):
    book = Workbook()
    book.active.append(["议价编号", "还价（元/包装）"])
    book.active.append([1, "9"])
    client.force_login(clerk)
    response = client.post(reverse("negotiation:answers-excel"), {"file": uploaded(book)})
    [(row, column, _rule, message)] = located(response.context["problems"])
    assert (row, column) == (1, "应答（接受/还价/拒绝）") and message.startswith("表头缺少")


def test_the_api_negotiates_and_answers_in_bulk(world, buyer, clerk, product, api_as):
    api = api_as(buyer)
    created = api.post(
        reverse("api:negotiation-list"), {"product_code": product.code, "price": "25.00", "volume": 500}, format="json"
    )
    assert created.status_code == 201 and created.json()["turn"] == "manufacturer"
    thread_id = created.json()["id"]
    maker = api_as(clerk)
    refused = maker.post(
        reverse("api:negotiation-answers"),
        {"answers": [{"negotiation": thread_id, "action": "counter", "price": "30.01"}]},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "answers[0].price"
    assert (
        maker.post(reverse("api:negotiation-counter", args=[thread_id]), {"price": "28"}, format="json").json()[
            "counter_rounds"
        ]
        == 1
    )
    api = api_as(buyer)  # one client: log the buyer back in
    accepted = api.post(reverse("api:negotiation-accept", args=[thread_id]), {}, format="json")
    assert accepted.status_code == 200, accepted.json()
    agreements = accepted.json()
    assert agreements[0]["price"] == "28.0000"
    listed = api.get(reverse("api:agreement-list")).json()["results"]
    assert [a["product_code"] for a in listed] == [product.code]
    assert api_as(world.user("other_manufacturer_clerk")).get(reverse("api:agreement-list")).json()["results"] == []


def test_the_hospital_sees_its_zones_and_the_saving_at_the_median(world, buyer, product, client):
    mine = agree(world, world.hospital, product, "24.50")  # 3.50 a tablet
    peers = [
        agree(world, HospitalFactory(), product, price).hospital for price in ("14.00", "21.00", "28.00")
    ]  # 2.00, 3.00, 4.00 a tablet: median of the peers 3.00
    zone_agreements()
    client.force_login(buyer)
    page = client.get(reverse("negotiation:agreement-list")).content.decode()
    assert "黄色" in page or "Yellow" in page
    # (3.50 − 3.00) × 7 tablets × 100 packs = ¥350.00
    assert "¥350.00" in page
    chart = client.get(reverse("negotiation:product-alerts", args=[product.pk])).content.decode()
    drawn = chart.split("<svg")[1].split("</svg>")[0]
    assert 'data-testid="own-price"' in drawn and mine.hospital.name in drawn
    assert not any(peer.name in chart for peer in peers)  # where it stands among peers, not who they are


def test_the_manufacturer_sees_its_agreements_without_a_link_it_may_not_follow(world, buyer, clerk, product, client):
    """Issue 12: a manufacturer's agreement list does not link to the peers' price distribution (R-NEG-6),
    which answers it 403; the hospital's list does."""
    agree(world, world.hospital, product, "24.50")
    alerts = reverse("negotiation:product-alerts", args=[product.pk])
    client.force_login(clerk)
    page = client.get(reverse("negotiation:agreement-list")).content.decode()
    assert product.generic_name in page and alerts not in page
    assert client.get(alerts).status_code == 403
    client.force_login(buyer)
    assert alerts in client.get(reverse("negotiation:agreement-list")).content.decode()
    assert client.get(alerts).status_code == 200


def test_bureau_alerts_by_product_hospital_and_region_within_its_region(world, product, client):
    agree(world, world.hospital, product, "24.50")
    for price in ("14.00", "21.00", "28.00"):
        agree(world, HospitalFactory(region=world.pingluo), product, price)
    zone_agreements()
    client.force_login(world.user("provincial_supervisor"))
    for by in ("product", "hospital", "region"):
        page = client.get(reverse("negotiation:alerts"), {"by": by})
        assert page.status_code == 200 and 'data-testid="zones"' in page.content.decode()
    assert 'data-testid="zone-share-chart"' in client.get(reverse("negotiation:alerts")).content.decode()
    # The product's page lists every hospital's figures, each hospital a link to its own page.
    by_product = client.get(reverse("negotiation:product-alerts", args=[product.pk]))
    assert [zoning.hospital_id for zoning in by_product.context["zonings"]].count(world.hospital.pk) == 1
    own_page = reverse("negotiation:hospital-alerts", args=[world.hospital.pk])
    assert f'href="{own_page}"' in by_product.content.decode()
    by_hospital = client.get(own_page)
    assert [zoning.product_id for zoning in by_hospital.context["zonings"]] == [product.pk]
    client.force_login(world.user("county_bureau"))  # 永宁县 sees its own hospital only
    rows = client.get(reverse("negotiation:alerts"), {"by": "hospital"}).context["object_list"]
    assert [row["hospital"] for row in rows] == [world.hospital.pk]
    zonings = client.get(reverse("negotiation:product-alerts", args=[product.pk])).context["zonings"]
    assert [zoning.hospital_id for zoning in zonings] == [world.hospital.pk]
    client.force_login(world.user("hospital_buyer"))
    assert client.get(reverse("negotiation:alerts")).status_code == 403
    # Issue 12: its own alerts page does not link to the province's, which it may not open.
    own = client.get(own_page).content.decode()
    assert f'href="{reverse("negotiation:alerts")}' + '"' not in own
    assert f'href="{reverse("negotiation:alerts")}?' not in own


def test_flags_for_supervision(world, buyer, product, client, settings):
    from procurement.orders import services as order_services

    order_services.order_submit(actor=buyer, lines=[order_services.LineRequest(product.code, 5, world.distributor.pk)])
    client.force_login(world.user("provincial_supervisor"))
    flags = client.get(reverse("negotiation:flags")).context["flags"]
    assert [(flag.kind, flag.hospital) for flag in flags] == [("non_negotiation", world.hospital)]
    thread = services.negotiation_request(actor=buyer, request=services.Request(product, "25", 10))
    assert [flag.kind for flag in client.get(reverse("negotiation:flags")).context["flags"]] == ["non_negotiation"]
    services.negotiation_accept(actor=world.user("manufacturer_clerk"), negotiation_id=thread.pk)
    assert client.get(reverse("negotiation:flags")).context["flags"] == []  # R-NEG-7: an agreement clears it
    assert Negotiation.objects.get().status == ThreadStatus.AGREED
