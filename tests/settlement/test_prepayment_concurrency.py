"""R-SET-3: two nightly workers running the prepayment job at the same moment move no money twice."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, transaction

from procurement.core.jobs import run_job
from settlement import ledger
from settlement.models import LedgerTransaction
from settlement.prepayment import book_prepayments
from tests.settlement.test_prepayment import contract  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(target, results, name):
    def run():
        try:
            results[name] = target()
        except Exception as error:
            results[name] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_workers_at_once_book_each_movement_once(world, contract, set_policy):  # noqa: F811
    """The second worker starts while the first holds its movements uncommitted: it waits on their keys,
    then finds them booked — the unique key alone guarantees it (the job runner's lock is not used here)."""
    set_policy("VBP_PREPAYMENT_POLICY", "ningxia")
    booked, results = threading.Event(), {}

    def first():
        with transaction.atomic():
            counts = book_prepayments(date(2025, 10, 5))
            booked.set()
            time.sleep(1.0)  # the second worker runs its statement now, against our uncommitted keys
        return counts

    def second():
        booked.wait(10)
        with transaction.atomic():
            return book_prepayments(date(2025, 10, 5))

    threads = [_in_thread(first, results, "first"), _in_thread(second, results, "second")]
    for thread in threads:
        thread.join(30)
    assert results["first"] == {"prepayment": 2, "offset": 0, "prepayment_return": 3}
    assert results["second"] == {"prepayment": 0, "offset": 0, "prepayment_return": 0}
    assert LedgerTransaction.objects.count() == 5
    assert ledger.reconcile() == []


def test_two_workers_through_the_job_runner(world, contract, set_policy):  # noqa: F811
    """The same through ``run_job``, as Celery workers run it: both succeed, money moves once."""
    set_policy("VBP_PREPAYMENT_POLICY", "national")
    results = {}
    threads = [
        _in_thread(lambda: run_job("vbp_prepayments", triggered_by="test"), results, name) for name in ("a", "b")
    ]
    for thread in threads:
        thread.join(30)
    assert {run.status for run in results.values()} == {"succeeded"}
    assert sorted(run.counts["prepayment"] for run in results.values()) == [0, 1]
    assert LedgerTransaction.objects.filter(kind="prepayment").count() == 1
