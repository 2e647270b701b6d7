"""R-ORD-5 and R-ORD-6, issue 11 #5: an alliance price import in progress holds back the HIS pull for
its current batch at most, never for the whole file.

The HIS pull returns only rows written by transactions older than the oldest still running
(``procurement.core.changes``), so it never skips a row committed late. The row-by-row import held one
transaction for its whole file — 200,000 rows, 13 minutes in which every hospital's pull returned
nothing. Here the import runs in a thread, two rows a batch, paused by its batch hook; meanwhile a
hospital orders and its HIS pulls.
"""

import queue
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from procurement.catalogue.choices import ImportStatus
from procurement.orders import alliance, services
from procurement.orders.models import AlliancePrice, AlliancePriceImport

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "联盟平台,通用名,剂型,规格,生产企业,包装数量,价格,执行日期\n"
ROWS = "".join(f"吉林联盟,阿托伐他汀钙片,片剂,{i}mg,某药业,7,9.10,2026-10-01\n" for i in range(1, 11))


def pull(client, key, cursor=""):
    response = client.get(reverse("api:his-order-lines"), {"cursor": cursor}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    return response.json()


def test_an_import_in_progress_holds_back_the_his_pull_for_its_current_batch_only(
    world, listed, buyer, his_key, client, monkeypatch
):
    # given: an order line committed before the import, already pulled by the hospital's HIS
    services.order_submit(actor=buyer, lines=[services.LineRequest(listed[0].code, 2, world.distributor.pk)])
    before = pull(client, his_key)
    assert [row["product_code"] for row in before["results"]] == [listed[0].code]
    # and: a file of 10 prices, kept; its load is run below, in a thread, 2 rows a batch
    monkeypatch.setattr(alliance, "_schedule", lambda *args: None)
    batch = alliance.alliance_price_import_create(
        user=world.user("provincial_reviewer"), uploaded_file=SimpleUploadedFile("a.csv", (HEADER + ROWS).encode())
    )
    reached: queue.Queue = queue.Queue()
    go = {"written": threading.Event(), "committed": threading.Event()}
    failures = []

    def pause_in_the_first_batch(event: str, written: int) -> None:
        if written == 2:  # the first batch: "written" inside its transaction, "committed" after it
            reached.put(event)
            assert go[event].wait(timeout=60)

    def load():
        try:
            alliance.alliance_price_import_run(batch_id=batch.pk, batch_rows=2, on_batch=pause_in_the_first_batch)
        except Exception as error:  # pragma: no cover - reported by the main thread
            failures.append(error)
            reached.put("failed")
        finally:
            connection.close()

    loader = threading.Thread(target=load)
    loader.start()
    try:
        # when: the import's first batch is written but not committed, the hospital orders again
        assert reached.get(timeout=60) == "written"
        services.order_submit(actor=buyer, lines=[services.LineRequest(listed[1].code, 3, world.distributor.pk)])
        # then: the new line is held back behind the open batch — the pull is exact, it never skips (R-ORD-5)
        held = pull(client, his_key, before["next_cursor"])
        assert held["results"] == [] and held["next_cursor"] == before["next_cursor"]
        go["written"].set()
        # when: that batch commits, with 8 of the file's 10 rows still to write
        assert reached.get(timeout=60) == "committed"
        # then: the HIS pull returns the line at once, while the import is still running
        after = pull(client, his_key, before["next_cursor"])
        assert [row["product_code"] for row in after["results"]] == [listed[1].code]
        running = AlliancePriceImport.objects.get(pk=batch.pk)
        assert (running.status, running.rows_written, running.rows_total) == (ImportStatus.RUNNING, 2, 10)
        assert AlliancePrice.objects.count() == 2
    finally:
        for event in go.values():
            event.set()
        loader.join(timeout=60)
    assert not failures and not loader.is_alive()
    # and the import finishes: every price loaded
    batch.refresh_from_db()
    assert (batch.status, batch.rows_written, batch.rows_added) == (ImportStatus.SUCCEEDED, 10, 10)
    assert AlliancePrice.objects.count() == 10
    connection.close()
