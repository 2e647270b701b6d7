"""Nightly work of the listing channel: set-based SQL, idempotent (DOMAIN.md §10).

- ``apply_price_adjustments`` (R-LIST-11): confirmed annual prices take effect on their date;
- ``national_price_linkage`` (R-LIST-10): notices for listings above their national lowest,
  deadlines, resolution, suspension of the overdue with a credit event;
- ``enforce_bad_records`` (R-LIST-14, R-SUP-3): the listings of barred companies and delisted
  products are suspended, and reinstated when the sanction ends;
- ``close_unsold_listings`` (R-LIST-12): purchasing closes after 12 months without a sale.

Each runs in one transaction (``procurement.core.jobs``); running it twice changes nothing the
second time. The listings they update are stamped for the HIS pull by the statement itself
(``change_xid = current_change_xid()``: the stamp trigger is then not called, ``core.changes``).
"""

from datetime import date

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from listings.choices import (
    AdjustmentRoundStatus,
    ListingStatus,
    NoticeStatus,
    SuspensionCause,
)
from procurement.catalogue.models import price_fixed_nationally_sql
from procurement.catalogue.selectors import national_lowest_row_sql
from procurement.core.jobs import nightly_job
from procurement.core.policy import policy
from procurement.credit.choices import CreditEventKind, Severity
from procurement.credit.selectors import barred_sql, delisted_sql
from procurement.credit.services import credit_events_insert_sql
from procurement.workdays.sql import DEADLINES_CTE

JOB = "job:national_price_linkage"

# The listings above their national lowest (other provinces only), with the price that binds: the
# lowest, ties to the earliest effective date. Products whose price is fixed nationally are left out:
# a national negotiated drug is listed at its payment standard (R-LIST-3), a designated-production or
# reserve drug at its uniform or supply price (R-LIST-7); no provincial declaration can follow another
# province below those.
ABOVE_NATIONAL_LOWEST = f"""
    SELECT l.id AS listing_id, l.manufacturer_id, l.price AS listing_price,
           lowest.price, lowest.province, lowest.effective_date
    FROM listings_listing l
    JOIN catalogue_product p ON p.id = l.product_id
    CROSS JOIN LATERAL ({national_lowest_row_sql("p.code", "%(home)s")}) lowest
    WHERE l.status IN (%(listed)s, %(suspended)s) AND l.price > lowest.price
      AND NOT {price_fixed_nationally_sql("p")}
"""


# The linkage's planner settings, for its own transaction (and for bench/price_linkage.py's bare query,
# so that both sides are planned alike). JIT: the finding statement's estimated cost (a sorted LATERAL
# per listing) passes the compilation thresholds, and compiling its expressions (0.15–0.2 s) costs more
# than it saves on 60,000 listings.
SETTINGS = ("SET LOCAL jit = off",)


# Given a CTE ``overdue(id, listing_id, manufacturer_id, deadline)`` of notices just made overdue:
# suspend their listings (from listed), log the transitions, record one credit event per notice.
_ENFORCE_CTES = (
    """
    suspended AS (
        UPDATE listings_listing l
        SET status = %(suspended)s, suspension_cause = %(linkage)s, updated_at = now(), change_xid = current_change_xid()
        FROM overdue o
        WHERE l.id = o.listing_id AND l.status = %(listed)s
        RETURNING l.id, l.price
    ),
    logged AS (
        INSERT INTO listings_listingtransition
            (listing_id, from_status, to_status, price_before, price_after, actor_label, reason, created_at)
        SELECT id, %(listed)s, %(suspended)s, price, price, %(job)s, %(suspend_reason)s, now()
        FROM suspended
    ),
    credited AS (
        """
    + credit_events_insert_sql(
        """SELECT o.manufacturer_id, %(credit_kind)s, %(credit_severity)s, o.deadline + 1, %(credit_text)s,
              'price_linkage_notice:' || o.id
       FROM overdue o""",
        skip_recorded=False,  # a notice falls overdue once: its event cannot have been recorded
    )
    + """
    )
    SELECT (SELECT count(*) FROM overdue), (SELECT count(*) FROM suspended), (SELECT count(*) FROM credited)
"""
)


def _execute(cursor, sql: str, params: dict | None = None) -> int:
    cursor.execute(sql, params or {})
    return cursor.rowcount


@nightly_job("national_price_linkage", order=20, label=gettext_lazy("Price linkage"))
def national_price_linkage(today: date | None = None) -> dict[str, int]:
    """R-LIST-10: open, follow, resolve and enforce price-linkage notices, set-based."""
    today = today or timezone.localdate()
    params = {
        "home": settings.HOME_PROVINCE,
        "today": today,
        "n": policy("LINKAGE_WORKING_DAYS"),
        "open": NoticeStatus.OPEN,
        "overdue": NoticeStatus.OVERDUE,
        "resolved": NoticeStatus.RESOLVED,
        "listed": ListingStatus.LISTED,
        "suspended": ListingStatus.SUSPENDED,
        "linkage": SuspensionCause.PRICE_LINKAGE,
        "job": JOB,
        "credit_kind": CreditEventKind.PRICE_LINKAGE_OVERDUE,
        "credit_severity": Severity.GENERAL,
        "suspend_reason": _("No compliant price by the price-linkage deadline (R-LIST-10)."),
        "reinstate_reason": _("No longer above the national lowest: the price-linkage suspension ends (R-LIST-10)."),
        "credit_text": _("No compliant price declared within %(n)s working days of a lower national price (R-LIST-10).")
        % {"n": policy("LINKAGE_WORKING_DAYS")},
    }
    counts = {}
    with connection.cursor() as cursor:
        for setting in SETTINGS:
            cursor.execute(setting)
        # 1. Which listings are above their national lowest, found once.
        cursor.execute("DROP TABLE IF EXISTS linkage_above")
        cursor.execute(f"CREATE TEMP TABLE linkage_above ON COMMIT DROP AS {ABOVE_NATIONAL_LOWEST}", params)
        counts["listings_above_national_lowest"] = cursor.rowcount
        cursor.execute("ANALYZE linkage_above")
        # 2. The deadline of every effective date involved, in one pass over the calendar.
        cursor.execute("SELECT min(effective_date), max(effective_date) FROM linkage_above")
        first, last = cursor.fetchone()
        cursor.execute("DROP TABLE IF EXISTS linkage_deadlines")
        cursor.execute(
            "CREATE TEMP TABLE linkage_deadlines ON COMMIT DROP AS WITH "
            + DEADLINES_CTE
            + " SELECT start, deadline, provisional FROM deadlines",
            {**params, "first": first or today, "last": last or today},
        )
        # 3. Active notices follow the national lowest; a lower price gets its own full period.
        counts["notices_retargeted"] = _execute(
            cursor,
            """
            UPDATE listings_pricelinkagenotice x
            SET target_price = a.price, target_province = a.province, target_effective_date = a.effective_date,
                listing_price = a.listing_price,
                deadline_start = CASE WHEN d.deadline > x.deadline THEN a.effective_date ELSE x.deadline_start END,
                deadline = GREATEST(x.deadline, d.deadline),
                deadline_provisional = CASE WHEN d.deadline > x.deadline THEN d.provisional
                                            ELSE x.deadline_provisional END
            FROM linkage_above a JOIN linkage_deadlines d ON d.start = a.effective_date
            WHERE x.listing_id = a.listing_id AND x.status IN (%(open)s, %(overdue)s)
              AND (x.target_price, x.target_province, x.target_effective_date, x.listing_price)
                  IS DISTINCT FROM (a.price, a.province, a.effective_date, a.listing_price)
        """,
            params,
        )
        # 4. Notices of listings no longer above their lowest are resolved; a linkage suspension ends.
        cursor.execute(
            """
            WITH resolved AS (
                UPDATE listings_pricelinkagenotice x SET status = %(resolved)s, closed_at = now()
                WHERE x.status IN (%(open)s, %(overdue)s)
                  AND NOT EXISTS (SELECT 1 FROM linkage_above a WHERE a.listing_id = x.listing_id)
                RETURNING x.listing_id
            ),
            reinstated AS (
                UPDATE listings_listing l SET status = %(listed)s, suspension_cause = '', updated_at = now(),
                                              change_xid = current_change_xid()
                FROM resolved r
                WHERE l.id = r.listing_id AND l.status = %(suspended)s AND l.suspension_cause = %(linkage)s
                RETURNING l.id, l.price
            ),
            logged AS (
                INSERT INTO listings_listingtransition
                    (listing_id, from_status, to_status, price_before, price_after, actor_label, reason, created_at)
                SELECT id, %(suspended)s, %(listed)s, price, price, %(job)s, %(reinstate_reason)s, now()
                FROM reinstated
            )
            SELECT (SELECT count(*) FROM resolved), (SELECT count(*) FROM reinstated)
        """,
            params,
        )
        counts["notices_resolved"], counts["listings_reinstated"] = cursor.fetchone()
        # 5. Open notices past a final (not provisional) deadline: overdue, the listing suspended, a
        #    credit event recorded — each once.
        cursor.execute(
            f"""
            WITH overdue AS (
                UPDATE listings_pricelinkagenotice x SET status = %(overdue)s, suspended_at = now()
                WHERE x.status = %(open)s AND x.deadline < %(today)s AND NOT x.deadline_provisional
                RETURNING x.id, x.listing_id, x.manufacturer_id, x.deadline
            ),
            {_ENFORCE_CTES}
        """,
            params,
        )
        overdue, suspended, credited = cursor.fetchone()
        # 6. A new notice for each listing above its lowest with no active notice. One whose deadline
        #    has already passed (the lower price took effect long ago) opens overdue and is enforced at
        #    once, in the same statement: its listing is updated before the new notice's foreign key
        #    locks it (updating a row this transaction has key-share-locked costs a multixact a row).
        cursor.execute(
            f"""
            WITH opened AS (
                INSERT INTO listings_pricelinkagenotice
                    (listing_id, manufacturer_id, status, listing_price, target_price, target_province,
                     target_effective_date, deadline_start, deadline_working_days, deadline, deadline_provisional,
                     opened_at, suspended_at)
                SELECT a.listing_id, a.manufacturer_id,
                       CASE WHEN d.deadline < %(today)s AND NOT d.provisional THEN %(overdue)s ELSE %(open)s END,
                       a.listing_price, a.price, a.province, a.effective_date, a.effective_date, %(n)s, d.deadline,
                       d.provisional, now(),
                       CASE WHEN d.deadline < %(today)s AND NOT d.provisional THEN now() END
                FROM linkage_above a JOIN linkage_deadlines d ON d.start = a.effective_date
                WHERE NOT EXISTS (SELECT 1 FROM listings_pricelinkagenotice x
                                  WHERE x.listing_id = a.listing_id AND x.status IN (%(open)s, %(overdue)s))
                RETURNING id, listing_id, manufacturer_id, deadline, status
            ),
            overdue AS (SELECT id, listing_id, manufacturer_id, deadline FROM opened WHERE status = %(overdue)s),
            {_ENFORCE_CTES},
                   (SELECT count(*) FROM opened)
        """,
            params,
        )
        new_overdue, new_suspended, new_credited, counts["notices_opened"] = cursor.fetchone()
        counts["notices_overdue"] = overdue + new_overdue
        counts["listings_suspended"] = suspended + new_suspended
        counts["credit_events"] = credited + new_credited
        cursor.execute(
            "SELECT count(*) FROM listings_pricelinkagenotice WHERE status = %(open)s AND deadline_provisional",
            params,
        )
        counts["provisional_deadlines"] = cursor.fetchone()[0]
    return counts


@nightly_job("apply_price_adjustments", order=15, label=gettext_lazy("Annual price adjustment"))
def apply_price_adjustments(today: date | None = None) -> dict[str, int]:
    """R-LIST-11: prices of a confirmed adjustment round take effect on its date (only ever lower)."""
    today = today or timezone.localdate()
    params = {
        "today": today,
        "listed": ListingStatus.LISTED,
        "suspended": ListingStatus.SUSPENDED,
        "confirmed": AdjustmentRoundStatus.CONFIRMED,
        "applied": AdjustmentRoundStatus.APPLIED,
        "reason": _("Annual price adjustment (R-LIST-11)"),
        "job": "job:apply_price_adjustments",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH due AS (
                SELECT id FROM listings_adjustmentround WHERE status = %(confirmed)s AND effective_date <= %(today)s
            ),
            -- A round only ever lowers: a listing already at or below its confirmed price (lowered
            -- since the round opened) keeps its own; "before" is the price the listing has now.
            targets AS (
                SELECT l.id, l.status, l.price AS before, p.final_price AS after, r.effective_date
                FROM listings_listing l
                JOIN listings_adjustmentproposal p ON p.listing_id = l.id
                JOIN listings_adjustmentround r ON r.id = p.round_id
                WHERE p.round_id IN (SELECT id FROM due)
                  AND p.final_price IS NOT NULL AND p.final_price < l.price
                  AND l.status IN (%(listed)s, %(suspended)s)
                FOR UPDATE OF l
            ),
            changed AS (
                UPDATE listings_listing l
                SET price = t.after, price_since = t.effective_date, updated_at = now(), change_xid = current_change_xid()
                FROM targets t
                WHERE l.id = t.id
                RETURNING l.id
            ),
            logged AS (
                INSERT INTO listings_listingtransition
                    (listing_id, from_status, to_status, price_before, price_after, actor_label, reason, created_at)
                SELECT id, status, status, before, after, %(job)s, %(reason)s, now() FROM targets
            ),
            applied AS (
                UPDATE listings_adjustmentround SET status = %(applied)s, applied_at = now()
                WHERE id IN (SELECT id FROM due) RETURNING 1
            )
            SELECT (SELECT count(*) FROM changed), (SELECT count(*) FROM applied)
        """,
            params,
        )
        prices, rounds = cursor.fetchone()
    return {"prices_changed": prices, "rounds_applied": rounds}


@nightly_job("enforce_bad_records", order=18, label=gettext_lazy("Credit sanctions"))
def enforce_bad_records(today: date | None = None) -> dict[str, int]:
    """R-LIST-14 / R-SUP-3: listings of barred companies and delisted products are suspended; reinstated after."""
    suspended, lifted = enforce_sanctions(today or timezone.localdate())
    return {"listings_suspended": suspended, "listings_reinstated": lifted}


def enforce_sanctions(
    today: date, *, manufacturer_id: int | None = None, actor_id: int | None = None
) -> tuple[int, int]:
    """Suspend the listed products of barred companies and delisted products (cause: which sanction);
    reinstate those whose sanction has ended. Only ``manufacturer_id``'s listings when one is given (a
    sanction just recorded takes effect at once, in the name of ``actor_id``); set-based, idempotent.
    Returns (suspended, reinstated).
    """
    params = {
        "today": today,
        "manufacturer": manufacturer_id,
        "listed": ListingStatus.LISTED,
        "suspended": ListingStatus.SUSPENDED,
        "bad_record": SuspensionCause.BAD_RECORD,
        "delisted": SuspensionCause.DELISTED,
        "actor": actor_id,
        "actor_label": "" if actor_id else "job:enforce_bad_records",
        "bar": _("The company is on the bad-record list (R-LIST-14)."),
        "delisting": _("The product is delisted as a credit sanction (R-SUP-3)."),
        "lift": _("The credit sanction has ended (R-LIST-14, R-SUP-3)."),
    }
    barred = barred_sql("l.manufacturer_id", "%(today)s::date")
    delisted = delisted_sql("l.product_id", "%(today)s::date")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH suspended AS (
                UPDATE listings_listing l
                SET status = %(suspended)s, updated_at = now(), change_xid = current_change_xid(),
                    suspension_cause = CASE WHEN {barred} THEN %(bad_record)s ELSE %(delisted)s END
                WHERE l.status = %(listed)s AND ({barred} OR {delisted})
                  AND (%(manufacturer)s::bigint IS NULL OR l.manufacturer_id = %(manufacturer)s::bigint)
                RETURNING l.id, l.price, l.suspension_cause
            ),
            lifted AS (
                UPDATE listings_listing l SET status = %(listed)s, suspension_cause = '', updated_at = now(),
                                              change_xid = current_change_xid()
                WHERE l.status = %(suspended)s AND l.suspension_cause IN (%(bad_record)s, %(delisted)s)
                  AND NOT {barred} AND NOT {delisted}
                  AND (%(manufacturer)s::bigint IS NULL OR l.manufacturer_id = %(manufacturer)s::bigint)
                RETURNING l.id, l.price
            ),
            logged AS (
                INSERT INTO listings_listingtransition
                    (listing_id, from_status, to_status, price_before, price_after, actor_id, actor_label, reason,
                     created_at)
                SELECT id, %(listed)s, %(suspended)s, price, price, %(actor)s::bigint, %(actor_label)s,
                       CASE WHEN suspension_cause = %(bad_record)s THEN %(bar)s ELSE %(delisting)s END, now()
                FROM suspended
                UNION ALL
                SELECT id, %(suspended)s, %(listed)s, price, price, %(actor)s::bigint, %(actor_label)s, %(lift)s, now()
                FROM lifted
            )
            SELECT (SELECT count(*) FROM suspended), (SELECT count(*) FROM lifted)
        """,
            params,
        )
        return cursor.fetchone()


@nightly_job("close_unsold_listings", order=30, label=gettext_lazy("Closing unsold listings"))
def close_unsold_listings() -> dict[str, int]:
    """R-LIST-12: purchasing closes for a listing with no sale for 12 months (counted from listing if never sold)."""
    params = {
        "months": policy("NO_SALE_CLOSE_MONTHS"),
        "listed": ListingStatus.LISTED,
        "closed": ListingStatus.CLOSED,
        "job": "job:close_unsold_listings",
        "reason": _("No sale for %(months)s months: purchasing closed (R-LIST-12).")
        % {"months": policy("NO_SALE_CLOSE_MONTHS")},
    }
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH closed AS (
                UPDATE listings_listing l SET status = %(closed)s, updated_at = now(), change_xid = current_change_xid()
                WHERE l.status = %(listed)s
                  AND COALESCE(l.last_sale_at, l.listed_at) < now() - make_interval(months => %(months)s)
                RETURNING l.id, l.price
            ),
            logged AS (
                INSERT INTO listings_listingtransition
                    (listing_id, from_status, to_status, price_before, price_after, actor_label, reason, created_at)
                SELECT id, %(listed)s, %(closed)s, price, price, %(job)s, %(reason)s, now() FROM closed
            )
            SELECT count(*) FROM closed
        """,
            params,
        )
        return {"listings_closed": cursor.fetchone()[0]}
