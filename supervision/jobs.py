"""Supervision's nightly work (DOMAIN.md §10), set-based and idempotent.

- ``detect_abnormal`` (R-SUP-4): listing prices raised too much or too often in the window, prices far above
  the lowest other province's for the same code, and hospitals' purchases of a product this month far above
  their own monthly average before. The findings fill the review list (``AbnormalItem``), one per kind,
  subject, product and month: a re-run refreshes a pending item's figures and adds nothing.
- ``credit_interview_cases`` (R-SUP-3 → R-SUP-5): a company whose credit grade's measure is an interview (or
  graver) gets an interview case, once per grade period.

Prices come through the core's price-history registry (the listing channel registers its own), purchases
from the core's orders; supervision reads no channel's table.
"""

import json
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from procurement.catalogue.models import NationalPrice, Product
from procurement.core.jobs import nightly_job
from procurement.core.policy import policy
from procurement.core.price_history import current_prices_sql, price_changes_sql
from procurement.credit.choices import GRADE_RANK, MEASURE_RANK, Measure, Severity
from procurement.credit.grades import graded_companies_sql, measure_of
from procurement.orders.choices import LineStatus
from procurement.orders.models import OrderLine
from supervision.choices import AnomalyKind, CaseStatus, ReviewStatus, SubjectKind
from supervision.models import AbnormalItem, Case

_UPSERT = f"""
INSERT INTO {AbnormalItem._meta.db_table}
       (kind, subject_id, subject_kind, product_id, period, figures, detected_on, status, review_note)
SELECT f.kind, f.subject_id, f.subject_kind, f.product_id, %(period)s, f.figures, %(today)s, %(pending)s, ''
FROM found f
ON CONFLICT (kind, subject_id, product_id, period) DO UPDATE
   SET figures = EXCLUDED.figures, detected_on = EXCLUDED.detected_on
   WHERE {AbnormalItem._meta.db_table}.status = %(pending)s
     AND {AbnormalItem._meta.db_table}.figures IS DISTINCT FROM EXCLUDED.figures
RETURNING (xmax = 0) AS inserted"""


def _price_rises_sql() -> str:
    """Rises of a price within the window ``(today - days, today]``: how many, and the first price before the
    window's first change against the last price after its last change (a rise then a fall is no rise)."""
    return f"""
    changes AS (
        SELECT c.product_id, c.company_id, c.changed_at, c.price_before, c.price_after
        FROM ({price_changes_sql()}) c
        WHERE (c.changed_at AT TIME ZONE %(tz)s)::date > %(today)s::date - %(days)s
          AND (c.changed_at AT TIME ZONE %(tz)s)::date <= %(today)s::date),
    series AS (
        SELECT product_id, company_id,
               count(*) FILTER (WHERE price_after > price_before) AS rises,
               (array_agg(price_before ORDER BY changed_at))[1] AS first_price,
               (array_agg(price_after ORDER BY changed_at DESC))[1] AS last_price
        FROM changes GROUP BY product_id, company_id)"""


def _found_sql() -> str:
    lines = OrderLine._meta.db_table
    return f"""WITH {_price_rises_sql().strip()},
    lowest AS (
        SELECT DISTINCT ON (n.product_code) n.product_code, n.price, n.province
        FROM {NationalPrice._meta.db_table} n WHERE n.province <> %(home)s
        ORDER BY n.product_code, n.price, n.effective_date, n.province),
    monthly AS (
        SELECT hospital_id, product_id,
               sum(quantity) FILTER (WHERE created_at >= %(month_start)s) AS packs,
               sum(quantity) FILTER (WHERE created_at < %(month_start)s) AS before
        FROM {lines}
        WHERE created_at >= %(base_start)s AND created_at < %(tomorrow)s AND status <> ALL(%(void)s)
        GROUP BY hospital_id, product_id),
    found AS (
        SELECT %(frequency)s AS kind, s.company_id AS subject_id, %(company)s AS subject_kind, s.product_id,
               jsonb_build_object('rises', s.rises, 'days', %(days)s, 'first_price', s.first_price::text,
                                  'last_price', s.last_price::text, 'threshold', %(rise_count)s) AS figures
        FROM series s WHERE s.rises >= %(rise_count)s
        UNION ALL
        SELECT %(size)s, s.company_id, %(company)s, s.product_id,
               jsonb_build_object('rises', s.rises, 'days', %(days)s, 'first_price', s.first_price::text,
                                  'last_price', s.last_price::text, 'threshold', %(rise_share)s::text)
        FROM series s WHERE s.last_price > s.first_price * (1 + %(rise_share)s)
        UNION ALL
        SELECT %(gap)s, c.company_id, %(company)s, c.product_id,
               jsonb_build_object('price', c.price::text, 'lowest', l.price::text, 'province', l.province,
                                  'ratio', round(c.price / l.price, 2)::text, 'threshold', %(gap_ratio)s::text)
        FROM ({current_prices_sql()}) c
        JOIN {Product._meta.db_table} p ON p.id = c.product_id
        JOIN lowest l ON l.product_code = p.code
        WHERE c.price > l.price * %(gap_ratio)s
        UNION ALL
        SELECT %(spike)s, m.hospital_id, %(hospital)s, m.product_id,
               jsonb_build_object('packs', m.packs, 'months', %(months)s,
                                  'average', round(m.before::numeric / %(months)s, 1)::text,
                                  'factor', %(spike_factor)s::text)
        FROM monthly m
        WHERE m.packs >= %(spike_min)s AND m.before > 0 AND m.packs > %(spike_factor)s * m.before::numeric / %(months)s)
    """


def _month_start(day: date, back: int = 0) -> date:
    month = day.year * 12 + day.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


@nightly_job("detect_abnormal", order=90, label=gettext_lazy("Abnormal prices and purchases"))
def detect_abnormal(today: date | None = None) -> dict[str, int]:
    """R-SUP-4: fill the review list with this month's abnormal price rises, regional gaps and purchase spikes."""
    today = today or timezone.localdate()
    tz = timezone.get_default_timezone()
    months = policy("PURCHASE_SPIKE_BASE_MONTHS")

    def local_midnight(day: date):
        return timezone.make_aware(datetime(day.year, day.month, day.day), tz)

    params = {
        "tz": settings.TIME_ZONE,
        "today": today,
        "period": today.strftime("%Y-%m"),
        "pending": ReviewStatus.PENDING,
        "home": settings.HOME_PROVINCE,
        "days": policy("ABNORMAL_RISE_WINDOW_DAYS"),
        "rise_count": policy("ABNORMAL_RISE_COUNT"),
        "rise_share": policy("ABNORMAL_RISE_SHARE"),
        "gap_ratio": policy("REGIONAL_GAP_RATIO"),
        "spike_factor": policy("PURCHASE_SPIKE_FACTOR"),
        "spike_min": policy("PURCHASE_SPIKE_MIN_PACKS"),
        "months": months,
        "month_start": local_midnight(_month_start(today)),
        "base_start": local_midnight(_month_start(today, months)),
        "tomorrow": local_midnight(today + timedelta(days=1)),
        "void": [LineStatus.CANCELLED, LineStatus.DECLINED],
        "frequency": AnomalyKind.PRICE_RISE_FREQUENCY,
        "size": AnomalyKind.PRICE_RISE_SIZE,
        "gap": AnomalyKind.REGIONAL_GAP,
        "spike": AnomalyKind.PURCHASE_SPIKE,
        "company": SubjectKind.COMPANY,
        "hospital": SubjectKind.HOSPITAL,
    }
    with connection.cursor() as cursor:
        cursor.execute(_found_sql() + _UPSERT, params)
        rows = cursor.fetchall()
    inserted = sum(1 for (was_inserted,) in rows if was_inserted)
    return {"found": inserted, "refreshed": len(rows) - inserted}


@nightly_job("credit_interview_cases", order=91, label=gettext_lazy("Interview cases for credit grades"))
def credit_interview_cases(today: date | None = None) -> dict[str, int]:
    """R-SUP-3 → R-SUP-5: an interview case for each company whose grade's measure is an interview or graver,
    unless one is open or one was opened since the grade began."""
    today = today or timezone.localdate()
    ranks = [
        rank
        for grade, rank in GRADE_RANK.items()
        if MEASURE_RANK[Measure(measure_of(grade))] >= MEASURE_RANK[Measure.INTERVIEW]
    ]
    if not ranks:
        return {"opened": 0}
    cases = Case._meta.db_table
    labels = {str(rank): str(Severity(grade).label) for grade, rank in GRADE_RANK.items()}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {cases} (subject_id, subject_kind, flag_key, flag_label, rule, detail, explanation,
                                    figures, flag_day, status, opened_at, conclusion, closing_note)
                SELECT g.organisation_id, %(company)s, 'credit_event', %(label)s, 'R-SUP-3', '',
                       format(%(template)s, g.events, to_char(g.since, 'YYYY-MM-DD'), %(labels)s::jsonb ->> g.rank::text),
                       jsonb_build_object('events', g.events, 'since', to_char(g.since, 'YYYY-MM-DD'),
                                          'grade_rank', g.rank),
                       %(today)s, %(open)s, now(), '', ''
                FROM ({graded_companies_sql()}) g
                WHERE g.rank = ANY(%(ranks)s)
                  AND NOT EXISTS (SELECT 1 FROM {cases} c WHERE c.subject_id = g.organisation_id
                                  AND c.flag_key = 'credit_event' AND (c.status <> %(closed)s OR c.flag_day >= g.since))
                ON CONFLICT DO NOTHING""",
            {
                "day": today,
                "today": today,
                "ranks": ranks,
                "company": SubjectKind.COMPANY,
                "label": str(gettext("Credit events")),
                "template": gettext("%s credit events since %s: grade “%s”, interview required"),
                "labels": json.dumps(labels, ensure_ascii=False),
                "open": CaseStatus.OPEN,
                "closed": CaseStatus.CLOSED,
            },
        )
        return {"opened": cursor.rowcount}
