"""R-ORD-4 (issue 10 #4, issue 11 #11): a shipment's production date is not in the future; one batch number
of one product has one set of dates; the inspection report is a PDF or an image by its content, at most
20 MB; a batch close to its expiry is marked near-expiry for distributor and storekeeper."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from procurement.core.errors import DomainError
from procurement.orders import services
from procurement.orders.models import Shipment
from tests.orders.conftest import BATCH, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(world, buyer, order_lines):
    line = services.order_submit(actor=buyer, lines=order_lines(10)).order.lines.get()
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    return line


def _ship(world, line, quantity=1, upload=None, **batch):
    return services.shipment_create(
        actor=world.user("distributor_clerk"),
        line_id=line.pk,
        quantity=quantity,
        inspection_report=upload or report(),
        **{**BATCH, **batch},
    )


def _refused_on(field, call):
    with pytest.raises(DomainError) as error:
        call()
    assert error.value.problems[0].field == field
    return error.value.problems[0]


def test_a_production_date_in_the_future_is_refused(world, line):
    tomorrow = timezone.localdate() + timedelta(days=1)
    problem = _refused_on("production_date", lambda: _ship(world, line, production_date=tomorrow))
    assert problem.rule == "R-ORD-4"
    assert not Shipment.objects.exists()


def test_one_batch_number_keeps_one_set_of_dates(world, line):
    _ship(world, line, batch_number="B2601")
    other_day = BATCH["production_date"] + timedelta(days=3)
    problem = _refused_on("batch_number", lambda: _ship(world, line, batch_number="B2601", production_date=other_day))
    assert "B2601" in problem.message and problem.rule == "R-ORD-4"
    _ship(world, line, batch_number="B2601")  # the same dates: another part of the batch
    assert Shipment.objects.filter(batch_number="B2601").count() == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.html", b"<html><script>alert(1)</script></html>"),
        ("report.pdf", b"just text renamed .pdf"),
        ("report.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"),
    ],
)
def test_an_inspection_report_that_is_not_a_pdf_or_an_image_is_refused(world, line, name, content):
    upload = SimpleUploadedFile(name, content)
    _refused_on("inspection_report", lambda: _ship(world, line, upload=upload))
    line.refresh_from_db()
    assert line.shipped_quantity == 0


def test_an_inspection_report_over_20_mb_is_refused(world, line):
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4 " + b"0" * (20 * 1024 * 1024))
    _refused_on("inspection_report", lambda: _ship(world, line, upload=upload))


def test_a_batch_near_its_expiry_is_marked_for_distributor_and_storekeeper(
    world, line, client, storekeeper, set_policy
):
    set_policy("NEAR_EXPIRY_MONTHS", 6)
    _ship(world, line, batch_number="SOON", expiry_date=timezone.localdate() + timedelta(days=90))
    _ship(world, line, batch_number="LATER", expiry_date=timezone.localdate() + timedelta(days=400))
    for user in (world.user("distributor_clerk"), storekeeper):
        client.force_login(user)
        page = client.get(reverse("orders:order-detail", args=[line.order_id])).content.decode()
        rows = {batch: row for row in page.split("<tr>") for batch in ("SOON", "LATER") if f">{batch}<" in row}
        assert 'data-testid="near-expiry"' in rows["SOON"]
        assert 'data-testid="near-expiry"' not in rows["LATER"]
