"""Credit grades and their measures (R-SUP-3): the one place that says what grade a company has on a day
and what that grade allows, asked by every channel as they ask ``bar_on`` (R-LIST-14).

Our choice, after the national 医药价格和招采信用评价 system, each part a policy value:

- a company's grade on day D is the gravest severity (一般 < 中等 < 严重 < 特别严重) among its credit
  events that occurred in the CREDIT_GRADE_WINDOW_DAYS up to D and are not repaired on D;
- each grade has its measure (CREDIT_MEASURE_<GRADE>): a written reminder; an interview and
  rectification (supervision opens the case, R-SUP-5); a credit warning, shown with the company's
  listings, with at most CREDIT_WARNING_NEW_DECLARATIONS new listing declarations while the grade stands
  and CREDIT_WARNING_BIDS_PER_ROUND units bid in one VBP round; suspension of listing and bidding
  (nothing declared, bid, negotiated or ordered);
- repair (信用修复): once the rectification is accepted, and CREDIT_REPAIR_DAYS of the grade have passed,
  the events up to the case no longer count (``CreditRepair``).

The channels cannot import supervision, so the predicates live here; each channel counts what is its own
(declarations since the grade began, units bid in a round) and asks ``check_may_declare`` /
``check_may_bid`` / ``check_may_trade``, which raise the one error with its figures.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils.translation import gettext as _

from procurement.core.audit import audit_reason
from procurement.core.errors import DomainError
from procurement.core.policy import policy
from procurement.credit.choices import GRADE_RANK, MEASURE_RANK, Measure, Severity
from procurement.credit.models import CreditEvent, CreditRepair
from procurement.credit.policies import measure_policy_name

_RANK_TO_GRADE = {rank: grade for grade, rank in GRADE_RANK.items()}


def severity_rank_sql(column: str) -> str:
    """SQL: the rank (1–4) of a severity column."""
    cases = " ".join(f"WHEN '{grade.value}' THEN {rank}" for grade, rank in GRADE_RANK.items())
    return f"(CASE {column} {cases} ELSE 0 END)"


def _policy_int_sql(name: str) -> str:
    """SQL: a whole-number policy value in force, read in the statement itself (so a prepared statement
    follows the administrator's change at once), its first default when no row holds it."""
    from procurement.core.models import PolicyValue
    from procurement.core.policy import definition_of

    if not name.isidentifier():
        raise ValueError(name)
    default = int(definition_of(name).default)
    return (
        f"coalesce((SELECT (pv.value #>> '{{}}')::int FROM {PolicyValue._meta.db_table} pv"
        f" WHERE pv.name = '{name}'), {default})"
    )


def counted_events_where(organisation: str, day: str) -> str:
    """SQL condition on a credit event ``e``: it counts toward ``organisation``'s grade on ``day`` (in the
    window, not repaired)."""
    repairs = CreditRepair._meta.db_table
    return (
        f"e.organisation_id = {organisation} AND e.occurred_on <= {day}"
        f" AND e.occurred_on > {day} - {_policy_int_sql('CREDIT_GRADE_WINDOW_DAYS')}"
        f" AND NOT EXISTS (SELECT 1 FROM {repairs} r WHERE r.organisation_id = e.organisation_id"
        f" AND r.effective_on <= {day} AND e.occurred_on <= r.covers_until)"
    )


def grade_rank_sql(organisation: str, day: str) -> str:
    """SQL: the rank (0 none, 1 一般 … 4 特别严重) of the grade of the company ``organisation`` (a column or
    expression) on ``day`` (a date expression or placeholder)."""
    return (
        f"(SELECT coalesce(max({severity_rank_sql('e.severity')}), 0) FROM {CreditEvent._meta.db_table} e"
        f" WHERE {counted_events_where(organisation, day)})"
    )


def measure_of(grade: str | None) -> str | None:
    """The measure in force for ``grade`` (a policy value), or None for no grade."""
    if not grade:
        return None
    return policy(measure_policy_name(grade))


def grade_of_rank(rank: int | None) -> str | None:
    return _RANK_TO_GRADE[rank].value if rank else None


@dataclass(frozen=True)
class Standing:
    """A company's credit standing on a day: its grade, the measure it brings, since when, and why."""

    organisation_id: int
    day: date
    grade: str | None = None  # a Severity value
    measure: str | None = None  # a Measure value
    since: date | None = None  # the first counted event's date: the grade's limits count from it
    events: tuple = field(default=(), compare=False)  # the counted CreditEvents, gravest first

    @property
    def grade_label(self) -> str:
        return Severity(self.grade).label if self.grade else ""

    @property
    def measure_label(self) -> str:
        return Measure(self.measure).label if self.measure else ""

    def at_least(self, measure: str) -> bool:
        return bool(self.measure) and MEASURE_RANK[Measure(self.measure)] >= MEASURE_RANK[Measure(measure)]

    @property
    def warned(self) -> bool:
        """A credit warning shown with the company's listings (the warning and anything graver)."""
        return self.at_least(Measure.WARNING)

    @property
    def suspended(self) -> bool:
        return self.at_least(Measure.SUSPENSION)


def _counted_events(organisation_ids: list[int], day: date) -> dict[int, list[int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.organisation_id, e.id FROM {CreditEvent._meta.db_table} e"
            f" WHERE e.organisation_id = ANY(%(ids)s) AND {counted_events_where('e.organisation_id', '%(day)s::date')}",
            {"ids": organisation_ids, "day": day},
        )
        found: dict[int, list[int]] = {}
        for organisation_id, event_id in cursor.fetchall():
            found.setdefault(organisation_id, []).append(event_id)
    return found


def standings_on(organisation_ids, day: date) -> dict[int, Standing]:
    """R-SUP-3: each company's standing on ``day`` (a company with no counted event: no grade)."""
    ids = sorted({int(pk) for pk in organisation_ids if pk})
    counted = _counted_events(ids, day) if ids else {}
    events = CreditEvent.objects.in_bulk([pk for pks in counted.values() for pk in pks])
    measures: dict[str, str | None] = {}
    result = {}
    for organisation_id in ids:
        own = sorted(
            (events[pk] for pk in counted.get(organisation_id, ())),
            key=lambda event: (-GRADE_RANK[Severity(event.severity)], -event.occurred_on.toordinal()),
        )
        if not own:
            result[organisation_id] = Standing(organisation_id, day)
            continue
        grade = own[0].severity
        if grade not in measures:
            measures[grade] = measure_of(grade)
        result[organisation_id] = Standing(
            organisation_id, day, grade, measures[grade], min(event.occurred_on for event in own), tuple(own)
        )
    return result


def standing_on(organisation_id: int, day: date) -> Standing:
    """R-SUP-3: what grade the company has on ``day`` and what measure applies (the predicate every channel
    asks next to ``bar_on``)."""
    return standings_on([organisation_id], day)[organisation_id]


def graded_companies_sql() -> str:
    """SQL (parameter ``%(day)s``): every company with a grade on the day, with its rank, the number of
    events counted and the first one's date — the grade list, set-based."""
    return (
        f"SELECT e.organisation_id, max({severity_rank_sql('e.severity')}) AS rank, count(*) AS events,"
        f" min(e.occurred_on) AS since"
        f" FROM {CreditEvent._meta.db_table} e"
        f" WHERE {counted_events_where('e.organisation_id', '%(day)s::date')}"
        f" GROUP BY e.organisation_id"
    )


def grades_on(day: date, organisation_ids: list[int] | None = None) -> list[tuple[int, str, int, date]]:
    """``(company id, grade, events counted, since)`` of every graded company on ``day`` (of
    ``organisation_ids`` when given), gravest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM ({graded_companies_sql()}) g WHERE (%(all)s OR g.organisation_id = ANY(%(ids)s))"
            " ORDER BY g.rank DESC, g.organisation_id",
            {"day": day, "all": organisation_ids is None, "ids": organisation_ids or []},
        )
        return [(pk, _RANK_TO_GRADE[rank].value, count, since) for pk, rank, count, since in cursor.fetchall()]


# -- what the channels ask ------------------------------------------------------------------------------


def _refuse(standing: Standing, message: str, code: str, **params) -> DomainError:
    return DomainError(
        message,
        code=code,
        rule="R-SUP-3",
        params={"grade": standing.grade, "measure": standing.measure, "since": standing.since, **params},
    )


def check_may_trade(organisation_id: int, day: date, *, what: str = "") -> Standing:
    """R-SUP-3: a company whose listing and bidding are suspended may not negotiate or sell; others may."""
    standing = standing_on(organisation_id, day)
    if standing.suspended:
        raise _refuse(
            standing,
            _(
                "The company's credit grade is “%(grade)s” (from %(since)s): its listing and bidding are suspended (R-SUP-3)."
            )
            % {"grade": standing.grade_label, "since": standing.since.isoformat()},
            "credit_suspended",
        )
    return standing


def check_may_declare(organisation_id: int, day: date, *, declared_since) -> Standing:
    """R-SUP-3: a new listing declaration is refused under suspension, and under a credit warning once the
    company has submitted CREDIT_WARNING_NEW_DECLARATIONS since its grade began.

    ``declared_since(since)`` is the channel's count of the company's declarations submitted from ``since``."""
    standing = check_may_trade(organisation_id, day)
    if standing.warned:
        limit = policy("CREDIT_WARNING_NEW_DECLARATIONS")
        count = declared_since(standing.since)
        if count >= limit:
            raise _refuse(
                standing,
                _(
                    "Under a credit warning (grade “%(grade)s” from %(since)s) the company may submit %(limit)d new "
                    "listing declarations; it has submitted %(count)d (R-SUP-3)."
                )
                % {"grade": standing.grade_label, "since": standing.since.isoformat(), "limit": limit, "count": count},
                "credit_warning_limit",
                limit=limit,
                count=count,
            )
    return standing


def check_may_bid(organisation_id: int, day: date, *, units_in_round: int) -> Standing:
    """R-SUP-3: a VBP bid is refused under suspension, and under a credit warning for a company that would
    bid in more than CREDIT_WARNING_BIDS_PER_ROUND units of one round (``units_in_round``: with this bid)."""
    standing = check_may_trade(organisation_id, day)
    if standing.warned:
        limit = policy("CREDIT_WARNING_BIDS_PER_ROUND")
        if units_in_round > limit:
            raise _refuse(
                standing,
                _(
                    "Under a credit warning (grade “%(grade)s” from %(since)s) the company may bid in %(limit)d "
                    "units of a round; this would make %(count)d (R-SUP-3)."
                )
                % {
                    "grade": standing.grade_label,
                    "since": standing.since.isoformat(),
                    "limit": limit,
                    "count": units_in_round,
                },
                "credit_warning_limit",
                limit=limit,
                count=units_in_round,
            )
    return standing


# -- repair -------------------------------------------------------------------------------------------------


def repair_days(grade: str) -> int:
    return int(policy("CREDIT_REPAIR_DAYS")[grade])


def credit_repair_record(*, organisation_id: int, accepted_on: date, covers_until: date, source: str, actor=None):
    """信用修复 (R-SUP-3): the company's rectification was accepted on ``accepted_on``; its events up to
    ``covers_until`` stop counting CREDIT_REPAIR_DAYS (of the grade it had) later. Once per ``source``."""
    standing = standing_on(organisation_id, min(covers_until, accepted_on))
    grade = standing.grade or Severity.GENERAL
    effective_on = accepted_on + timedelta(days=repair_days(grade))
    with transaction.atomic(), audit_reason(_("Credit repair after accepted rectification"), source=source):
        repair, _created = CreditRepair.objects.get_or_create(
            source=source,
            defaults={
                "organisation_id": organisation_id,
                "grade": grade,
                "covers_until": covers_until,
                "accepted_on": accepted_on,
                "effective_on": effective_on,
                "recorded_by": actor,
            },
        )
    return repair


def warned_on(day: date) -> dict[int, Standing]:
    """The companies under a credit warning or graver on ``day`` (shown with their listings), by id."""
    found = {}
    measures: dict[str, str | None] = {}
    for organisation_id, grade, _count, since in grades_on(day):
        if grade not in measures:
            measures[grade] = measure_of(grade)
        standing = Standing(organisation_id, day, grade, measures[grade], since)
        if standing.warned:
            found[organisation_id] = standing
    return found
