"""Pages of filed purchases: file, list, detail, the month's batch, warnings, home items; scope (R-SUP-2)."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from filings import services
from filings.choices import FilingStatus
from filings.jobs import filing_warning_lines
from filings.models import Filing, FilingBatch
from procurement.web.home import home_items
from tests.filings.conftest import document

pytestmark = pytest.mark.django_db


def form_data(product, **overrides):
    data = {
        "product": product.code,
        "basis": "unlisted",
        "reason": "重症真菌感染患者需要",
        "quantity": "100",
        "months": "6",
        "price": "38.50",
        "documents": [document()],
    }
    data.update(overrides)
    return data


def test_a_buyer_files_in_the_browser(world, client, unlisted):
    client.force_login(world.user("hospital_buyer"))
    response = client.post(reverse("filings:filing-new"), form_data(unlisted))
    filing = Filing.objects.get()
    assert response.status_code == 302 and response.url == reverse("filings:filing-detail", args=[filing.pk])
    page = client.get(response.url).content.decode()
    assert "¥38.50" in page and "need.pdf" in page and "浙江省" in page


def test_a_refusal_is_shown_on_its_field_naming_the_figures(world, client, unlisted):
    client.force_login(world.user("hospital_buyer"))
    response = client.post(reverse("filings:filing-new"), form_data(unlisted, price="38.51"))
    page = response.content.decode()
    assert response.status_code == 200 and not Filing.objects.exists()
    assert "¥38.51" in page and "¥38.50" in page and "浙江省" in page


def test_the_bureau_confirms_the_batch_in_the_browser(world, client, unlisted, file_for, buyer_of, level2):
    from tests.factories import ProductFactory

    first = file_for(level2, unlisted)
    other = ProductFactory(manufacturer=world.manufacturer, generic_name="注射用伏立康唑", dosage_form="注射剂")
    second = file_for(buyer_of(world.city_hospital), other, price="100.00")
    client.force_login(world.user("provincial_reviewer"))
    page = client.get(reverse("filings:batch")).content.decode()
    assert f"decision-{first.pk}" in page and f"decision-{second.pk}" in page
    # a rejection with no reason: refused, named on its row, nothing changed
    response = client.post(
        reverse("filings:batch"), {f"decision-{first.pk}": "approve", f"decision-{second.pk}": "reject"}
    )
    assert response.status_code == 400 and f"#{second.pk}" in response.content.decode()
    assert not FilingBatch.objects.exists()
    response = client.post(
        reverse("filings:batch"),
        {
            f"decision-{first.pk}": "approve",
            f"decision-{second.pk}": "reject",
            f"reason-{second.pk}": "无临床必需证明",
        },
    )
    assert response.status_code == 302
    statuses = dict(Filing.objects.values_list("pk", "status"))
    assert statuses == {first.pk: FilingStatus.APPROVED, second.pk: FilingStatus.REJECTED}
    assert 'data-testid="batch-done"' in client.get(reverse("filings:batch")).content.decode()


def test_another_hospitals_filing_is_not_found(world, client, unlisted, file_for, level2):
    filing = file_for(level2, unlisted)
    client.force_login(world.user("other_hospital_admin"))
    assert client.get(reverse("filings:filing-detail", args=[filing.pk])).status_code == 404
    document_id = filing.documents.get().pk
    assert client.get(reverse("filings:document", args=[filing.pk, document_id])).status_code == 404
    client.force_login(world.user("hospital_buyer"))
    assert client.get(reverse("filings:document", args=[filing.pk, document_id])).status_code == 200


def test_a_hospital_may_not_open_the_batch(world, client):
    client.force_login(world.user("hospital_buyer"))
    assert client.get(reverse("filings:batch")).status_code == 403


def test_a_city_bureau_lists_its_region_only(world, client, unlisted, file_for, level2, buyer_of):
    """R-SUP-2: 银川市 sees the 永宁县 filing, not the 平罗县 one (石嘴山市)."""
    from tests.factories import ProductFactory

    mine = file_for(level2, unlisted)
    other = ProductFactory(manufacturer=world.manufacturer, generic_name="注射用伏立康唑", dosage_form="注射剂")
    world.other_hospital.hospital_level = 2
    world.other_hospital.save()
    theirs = file_for(buyer_of(world.other_hospital), other, price="100.00")
    client.force_login(world.user("city_bureau"))
    page = client.get(reverse("filings:filing-list")).content.decode()
    assert f"#{mine.pk}<" in page and f"#{theirs.pk}<" not in page


def test_the_warning_line_reaches_the_home_pages_of_the_hospital_and_its_bureaus(
    world, client, unlisted, file_for, level2, set_policy
):
    """R-FIL-5: crossing the line alerts the hospital and its bureau (county, city, province), not others."""
    set_policy("FILING_WARNING_LINE_MONTH", "1000")
    file_for(level2, unlisted, quantity=100)  # 3,850.00
    filing_warning_lines(today=timezone.localdate())
    label = "Filed amount over the monthly warning line"
    for name in ("hospital_buyer", "county_bureau", "city_bureau", "provincial_supervisor"):
        with translation.override("en"):  # a request before may have left Chinese active
            items = home_items(world.user(name))
        assert any(item.label == label and "¥3,850.00" in item.detail for item in items), name
        client.force_login(world.user(name))
        assert "¥3,850.00" in client.get(reverse("home")).content.decode()
    with translation.override("en"):
        assert not any(item.label == label for item in home_items(world.user("other_hospital_admin")))


def test_the_month_batch_waits_on_the_reviewers_home_page(world, client, unlisted, file_for, level2):
    file_for(level2, unlisted)
    label = "Filings waiting for the monthly confirmation"
    reviewer = world.user("provincial_reviewer")
    assert any(item.label == label and item.count == 1 for item in home_items(reviewer))
    services.filing_batch_confirm(actor=reviewer, decisions=[services.Decision(Filing.objects.get().pk, approve=True)])
    assert not any(item.label == label for item in home_items(reviewer))
