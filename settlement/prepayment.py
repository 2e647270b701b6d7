"""VBP prepayment (R-SET-3), moved by a nightly job, at most once per contract, month and kind.

The contracts come from the core's contract registry (``procurement.core.contracts``: VBP declares its
own there), so settlement never imports VBP. The policy is a policy value (``VBP_PREPAYMENT_POLICY``),
and so is the national rate (``VBP_PREPAYMENT_RATE``, at least 30 %). Month 1 is the month the contract
starts; the first contract year's twelve months are scheduled.

- **national** (002 §(十三)): in month 1 the fund prepays the hospital ``rate × the annual agreed amount``;
  after each month ends it offsets ``rate × that month's purchases`` of the contract's product (the
  payables of its accepted batches) from the hospital's claims, never beyond what was prepaid, and after
  month 12 the rest.
- **ningxia** (001 §8): the city fund prepays the distributor 50 % of the contract total in month 1 and
  the rest in month 7; the hospital returns 10 %, 20 %, 30 % and 40 % of the total in months 3, 6, 9 and
  12 (the last one the rest, so the fen add up).

The fund is the medical-insurance bureau of the hospital's city (else the province's). Every amount is
computed from the documents in closed form, so a run on any day books exactly what is due by then that is
not booked yet; each movement carries the key ``<kind>:<contract>:<month>`` (unique), inserted with
``ON CONFLICT DO NOTHING`` together with its legs in one statement: a second run, or a second worker
running at the same moment (it waits on the first one's keys, then finds them), moves no money twice.
The job runner's advisory lock serialises whole runs besides.
"""

from datetime import date

from django.db import connection, transaction

from procurement.core.contracts import contracts_sql
from procurement.core.policy import policy
from settlement.choices import PrepaymentPolicy

NINGXIA_PREPAY = {1: "0.5", 7: None}  # month → share of the total (None: the rest)
NINGXIA_RETURNS = {3: "0.1", 6: "0.2", 9: "0.3", 12: None}

# Planner settings of the booking's transaction (and of bench/settlement_month_end.py's bare query, so that both
# sides are planned alike). JIT: the statement's estimated cost passes the compilation thresholds, and compiling
# it costs 1.5 s that the execution does not win back.
SETTINGS = ("SET LOCAL jit = off",)

MOVEMENTS_SQL = """
WITH contracts AS ({contracts}),
c AS (
    SELECT k.contract_key, k.hospital_id, k.product_id, k.distributor_id, k.valid_from, k.valid_until,
           round(k.total, 2) AS total, f.id AS fund_id
    FROM contracts k
    JOIN organisations_organisation h ON h.id = k.hospital_id
    JOIN organisations_region hr ON hr.id = h.region_id
    CROSS JOIN LATERAL (
        SELECT b.id FROM organisations_organisation b JOIN organisations_region br ON br.id = b.region_id
        WHERE b.kind = 'bureau' AND b.is_active AND br.level IN ('province', 'city') AND hr.path LIKE br.path || '%%'
        ORDER BY length(br.path) DESC, b.id LIMIT 1
    ) f
    WHERE k.total > 0 AND k.valid_from <= %(today)s
),
months AS (
    SELECT c.*, n AS month_no,
           (date_trunc('month', c.valid_from) + (n - 1) * interval '1 month')::date AS month_start,
           (date_trunc('month', c.valid_from) + n * interval '1 month' - interval '1 day')::date AS month_end
    FROM c CROSS JOIN generate_series(1, 12) AS n
),
purchases AS (
    SELECT m.contract_key, m.month_no, coalesce(sum(p.amount), 0) AS bought
    FROM months m
    LEFT JOIN settlement_payable p
           ON p.hospital_id = m.hospital_id AND p.product_id = m.product_id
          AND p.accepted_on BETWEEN greatest(m.month_start, m.valid_from) AND least(m.month_end, m.valid_until)
    WHERE %(policy)s = 'national'
    GROUP BY m.contract_key, m.month_no
),
national AS (
    SELECT m.*, round(m.total * %(rate)s, 2) AS prepaid,
           least(round(m.total * %(rate)s, 2),
                 sum(round(pu.bought * %(rate)s, 2)) OVER (PARTITION BY m.contract_key ORDER BY m.month_no))
               AS offset_so_far
    FROM months m JOIN purchases pu USING (contract_key, month_no)
),
national_months AS (
    SELECT n.*,
           CASE WHEN month_no = 12 THEN prepaid ELSE offset_so_far END
             - coalesce(lag(offset_so_far) OVER (PARTITION BY contract_key ORDER BY month_no), 0) AS amount
    FROM national n
),
movements AS (
    SELECT 'prepay:' || contract_key || ':1' AS key, 'prepayment' AS kind, month_start AS value_on,
           'national_prepay' AS shape, contract_key, fund_id, hospital_id, distributor_id, prepaid AS amount
    FROM national_months WHERE month_no = 1
    UNION ALL
    SELECT 'offset:' || contract_key || ':' || month_no, 'offset', month_end, 'national_offset',
           contract_key, fund_id, hospital_id, distributor_id, amount
    FROM national_months WHERE month_end < %(today)s
    UNION ALL
    SELECT 'prepay:' || contract_key || ':' || month_no, 'prepayment', month_start, 'ningxia_prepay',
           contract_key, fund_id, hospital_id, distributor_id,
           CASE month_no WHEN 1 THEN round(total * 0.5, 2) ELSE total - round(total * 0.5, 2) END
    FROM months WHERE %(policy)s = 'ningxia' AND month_no IN (1, 7) AND distributor_id IS NOT NULL
      AND month_start <= %(today)s
    UNION ALL
    SELECT 'return:' || contract_key || ':' || month_no, 'prepayment_return', month_start, 'ningxia_return',
           contract_key, fund_id, hospital_id, distributor_id,
           CASE month_no WHEN 3 THEN round(total * 0.1, 2) WHEN 6 THEN round(total * 0.2, 2)
                         WHEN 9 THEN round(total * 0.3, 2)
                         ELSE total - round(total * 0.1, 2) - round(total * 0.2, 2) - round(total * 0.3, 2) END
    FROM months WHERE %(policy)s = 'ningxia' AND month_no IN (3, 6, 9, 12) AND distributor_id IS NOT NULL
      AND month_start <= %(today)s
)
"""

# The movements due by today and not booked yet, into a temporary table of the booking's transaction: computed
# by a statement that writes nothing (a statement that writes is planned without parallel workers), and the
# ones booked already left out by one anti-join rather than half a million inserts' conflicts. Two workers at
# once may both find a movement unbooked: the insert's ``ON CONFLICT DO NOTHING`` books it once.
DUE_SQL = (
    MOVEMENTS_SQL
    + """
SELECT m.* FROM movements m
WHERE m.amount > 0 AND NOT EXISTS (SELECT 1 FROM settlement_ledgertransaction t WHERE t.key = m.key)
"""
)

BOOK_SQL = """
WITH inserted AS (
    INSERT INTO settlement_ledgertransaction (kind, value_on, booked_at, actor, memo, key)
    SELECT kind, value_on, now(), %(actor)s, shape, key FROM prepayment_movements
    ON CONFLICT (key) DO NOTHING
    RETURNING id, key
),
entries AS (
    INSERT INTO settlement_ledgerentry (transaction_id, account, owner_id, counterparty_id, payable_id,
                                        contract_key, amount, value_on)
    SELECT i.id, l.account, l.owner_id, l.counterparty_id, NULL, m.contract_key, l.amount, m.value_on
    FROM inserted i JOIN prepayment_movements m ON m.key = i.key
    CROSS JOIN LATERAL (
        SELECT * FROM (VALUES
            -- the fund advances the hospital its prepayment; the hospital owes it back
            ('national_prepay', 'prepayment', m.fund_id, m.hospital_id, m.amount),
            ('national_prepay', 'fund_bank', m.fund_id, m.hospital_id, -m.amount),
            ('national_prepay', 'hospital_bank', m.hospital_id, m.fund_id, m.amount),
            ('national_prepay', 'prepayment_due', m.hospital_id, m.fund_id, -m.amount),
            -- withheld from the hospital's claims: the debt and the advance both shrink
            ('national_offset', 'prepayment_due', m.hospital_id, m.fund_id, m.amount),
            ('national_offset', 'prepayment', m.fund_id, m.hospital_id, -m.amount),
            -- the city fund prepays the distributor
            ('ningxia_prepay', 'prepayment', m.fund_id, m.distributor_id, m.amount),
            ('ningxia_prepay', 'fund_bank', m.fund_id, m.distributor_id, -m.amount),
            -- the hospital returns its share to the fund
            ('ningxia_return', 'fund_bank', m.fund_id, m.hospital_id, m.amount),
            ('ningxia_return', 'hospital_bank', m.hospital_id, m.fund_id, -m.amount)
        ) AS legs(shape, account, owner_id, counterparty_id, amount)
        WHERE legs.shape = m.shape
    ) l
    RETURNING transaction_id
)
SELECT m.kind, count(*) FROM inserted i JOIN prepayment_movements m ON m.key = i.key GROUP BY m.kind
"""


def book_prepayments(today: date, *, actor: str = "job:vbp_prepayments") -> dict[str, int]:
    """R-SET-3: book every prepayment, offset and return due by ``today`` not booked yet; counts by kind."""
    chosen = policy("VBP_PREPAYMENT_POLICY")
    params = {
        "today": today,
        "policy": chosen,
        "rate": policy("VBP_PREPAYMENT_RATE") if chosen == PrepaymentPolicy.NATIONAL else 0,
        "actor": actor,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in SETTINGS:
            cursor.execute(setting)
        cursor.execute("DROP TABLE IF EXISTS prepayment_movements")
        cursor.execute(
            "CREATE TEMPORARY TABLE prepayment_movements ON COMMIT DROP AS "
            + DUE_SQL.format(contracts=contracts_sql()),
            params,
        )
        cursor.execute("ANALYZE prepayment_movements")
        cursor.execute(BOOK_SQL, params)
        counts = dict(cursor.fetchall())
    return {kind: counts.get(kind, 0) for kind in ("prepayment", "offset", "prepayment_return")}
