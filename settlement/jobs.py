"""The month-end work of settlement, nightly, set-based and idempotent (DOMAIN.md §8, §10).

- ``payment_rates`` (R-SET-5): each hospital's payables falling due per month, and those paid by their
  due date, by count and by amount — one aggregation upserted, writing only the rows whose figures moved.
- ``vbp_prepayments`` (R-SET-3, in ``settlement.prepayment``): the prepayments, offsets and returns due
  by today, each at most once (a unique key per contract, month and kind).

No job marks payables overdue: overdue and paid late follow from the due date and ``settled_on``
(``settlement.rules.overdue_since``), so they hold the morning after the due date whether or not a night ran.
"""

from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from procurement.core.jobs import nightly_job
from settlement.prepayment import book_prepayments

# R-SET-5: figures per hospital and month of the due date, for payables whose due date has passed (or that
# are settled already): paid on time = settled on or before the due date.
FIGURES_SQL = """
    SELECT hospital_id, date_trunc('month', due_on)::date AS month,
           count(*) AS payables,
           count(*) FILTER (WHERE settled_on <= due_on) AS on_time,
           sum(amount) AS amount,
           coalesce(sum(amount) FILTER (WHERE settled_on <= due_on), 0) AS on_time_amount
    FROM settlement_payable
    WHERE due_on < %(today)s OR settled_on IS NOT NULL
    GROUP BY hospital_id, date_trunc('month', due_on)
"""

# The figures upserted, writing only the rows whose figures moved.
UPSERT_SQL = """
    INSERT INTO settlement_paymentrate AS r (hospital_id, month, payables, on_time, amount, on_time_amount,
                                             computed_on)
    SELECT hospital_id, month, payables, on_time, amount, on_time_amount, %(today)s FROM payment_rate_figures
    ON CONFLICT (hospital_id, month) DO UPDATE
        SET payables = excluded.payables, on_time = excluded.on_time, amount = excluded.amount,
            on_time_amount = excluded.on_time_amount, computed_on = excluded.computed_on
        WHERE (r.payables, r.on_time, r.amount, r.on_time_amount)
              IS DISTINCT FROM (excluded.payables, excluded.on_time, excluded.amount, excluded.on_time_amount)
"""


@nightly_job("payment_rates", order=70, label=gettext_lazy("On-time payment rates"))
def payment_rates(today: date | None = None) -> dict[str, int]:
    """R-SET-5: on-time payment rates per hospital and month, by count and by amount."""
    params = {"today": today or timezone.localdate()}
    # The aggregation first, into a temporary table: PostgreSQL plans a statement that writes without parallel
    # workers, and this one reads every payable (4.5 million a year at the province's scale).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS payment_rate_figures")
        cursor.execute(f"CREATE TEMPORARY TABLE payment_rate_figures ON COMMIT DROP AS {FIGURES_SQL}", params)
        cursor.execute(UPSERT_SQL, params)
        return {"rates_written": cursor.rowcount}


@nightly_job("vbp_prepayments", order=65, label=gettext_lazy("VBP prepayments"))
def vbp_prepayments(today: date | None = None) -> dict[str, int]:
    """R-SET-3: VBP prepayments, offsets and returns due by today, each booked once."""
    return book_prepayments(today or timezone.localdate())


@nightly_job("payment_standards", order=75, label=gettext_lazy("Payment standards"))
def payment_standards(today: date | None = None) -> dict[str, int]:
    """R-SET-8: this year's payment standards, computed once a year (the first night of the year, or the first
    night the job runs in it) from the prices in force; a re-run finds them set and changes nothing (the
    provincial bureau recomputes them on purpose from its page)."""
    from settlement.models import PaymentStandard
    from settlement.standards_service import payment_standards_compute

    today = today or timezone.localdate()
    if PaymentStandard.objects.filter(year=today.year).exists():
        return {"standards": 0, "written": 0, "removed": 0}
    return payment_standards_compute(year=today.year, on=today)
