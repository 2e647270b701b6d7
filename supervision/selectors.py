"""Reads of supervision, each through ``visible_to`` (R-SUP-2: a city or county bureau reads its region)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as When_
from django.utils import timezone

from procurement.core.flags import Flag, flags_for
from procurement.core.scoping import visible_to
from procurement.organisations.models import User
from supervision.choices import CaseStatus
from supervision.models import Case, CaseEvidence, Interview


def overdue_q(today: date) -> Q:
    """R-SUP-5: rectifying past a final deadline (a provisional one makes nothing overdue: DOMAIN §2)."""
    return Q(
        status=CaseStatus.RECTIFYING,
        interview__deadline__lt=today,
        interview__deadline_provisional=False,
    )


def cases_for(user: User, today: date) -> QuerySet[Case]:
    """The cases ``user`` may see, each with ``overdue`` and ``has_evidence``, open ones first."""
    return (
        visible_to(user, Case)
        .select_related("subject", "subject__region", "interview", "opened_by", "closed_by")
        .annotate(
            overdue=When_(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()),
            has_evidence=Exists(CaseEvidence.objects.filter(case=OuterRef("pk"))),
        )
    )


def evidence_of(user: User, case: Case) -> QuerySet[CaseEvidence]:
    return visible_to(user, CaseEvidence).filter(case=case).select_related("uploaded_by")


def interview_of(user: User, case: Case) -> Interview | None:
    return visible_to(user, Interview).filter(case=case).select_related("recorded_by").first()


def open_case_keys(user: User) -> set[tuple[int, str, str]]:
    """(subject, flag, detail) of the cases still open: a flag with one shows it instead of "open a case"."""
    return set(visible_to(user, Case).exclude(status=CaseStatus.CLOSED).values_list("subject_id", "flag_key", "detail"))


def flags_with_cases(user: User, day: date, keys=None) -> list[tuple[Flag, bool]]:
    """Every flag the user sees today (the core's registry), and whether a case about it is open."""
    open_keys = open_case_keys(user)
    return [
        (flag, (flag.subject.pk, flag.key, flag.found.detail) in open_keys) for flag in flags_for(user, day, keys=keys)
    ]


def abnormal_items_for(user: User):
    """R-SUP-4: the review list the user may see (a city or county bureau: subjects of its region)."""
    from supervision.models import AbnormalItem

    return visible_to(user, AbnormalItem).select_related("subject", "subject__region", "product", "reviewed_by", "case")


# -- supply (R-SUP-6) -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Supply:
    """One distributor's delivery in a month, over the order lines the reader may see (R-SUP-2)."""

    distributor: object  # Organisation
    lines: int
    ordered: int  # packs ordered (lines the hospital cancelled left out)
    shipped: int
    accepted: int
    in_time: int  # packs accepted within SUPPLY_DELIVERY_HOURS of the order
    median_hours_to_shipment: Decimal | None
    median_hours_to_acceptance: Decimal | None

    @property
    def fulfilment_rate(self) -> Decimal | None:
        """配送到位率 = packs accepted in time / packs ordered."""
        if not self.ordered:
            return None
        return (Decimal(self.in_time) * 100 / self.ordered).quantize(Decimal("0.1"), ROUND_HALF_UP)


def supply_by_distributor(user: User, month_start: date, month_end: date, hours: int) -> list[Supply]:
    """R-SUP-6: per distributor, the lines ordered in ``[month_start, month_end)`` by the hospitals the user
    may see: packs ordered, shipped, accepted, accepted in time, and the median hours from order to first
    shipment and to first acceptance — set-based, on the reader's scoped lines."""
    from procurement.orders.choices import LineStatus
    from procurement.orders.models import OrderLine, Shipment
    from procurement.organisations.models import Organisation

    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime(month_start.year, month_start.month, month_start.day), tz)
    end = timezone.make_aware(datetime(month_end.year, month_end.month, month_end.day), tz)
    lines = (
        visible_to(user, OrderLine)
        .filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=LineStatus.CANCELLED)
        .values("id", "distributor_id", "quantity", "created_at")
    )
    lines_sql, lines_params = lines.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH l AS ({lines_sql})
                SELECT l.distributor_id, count(*), sum(l.quantity), coalesce(sum(s.shipped), 0),
                       coalesce(sum(s.accepted), 0), coalesce(sum(s.in_time), 0),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.first_shipped - l.created_at) / 3600)
                           FILTER (WHERE s.first_shipped IS NOT NULL),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.first_accepted - l.created_at) / 3600)
                           FILTER (WHERE s.first_accepted IS NOT NULL)
                FROM l LEFT JOIN LATERAL (
                    SELECT sum(x.quantity) AS shipped, sum(x.accepted_quantity) AS accepted,
                           sum(x.accepted_quantity) FILTER (WHERE x.accepted_at <= l.created_at + make_interval(hours => %s))
                               AS in_time,
                           min(x.shipped_at) AS first_shipped,
                           min(x.accepted_at) FILTER (WHERE x.accepted_quantity > 0) AS first_accepted
                    FROM {Shipment._meta.db_table} x WHERE x.line_id = l.id) s ON true
                GROUP BY l.distributor_id""",
            [*lines_params, hours],
        )
        rows = cursor.fetchall()
    names = Organisation.objects.in_bulk([row[0] for row in rows])

    def hours_of(value):
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    found = [
        Supply(names[d], n, int(o), int(s), int(a), int(t), hours_of(ms), hours_of(ma))
        for d, n, o, s, a, t, ms, ma in rows
    ]
    return sorted(
        found, key=lambda supply: (supply.fulfilment_rate is None, supply.fulfilment_rate, supply.distributor.name)
    )


def stock_reports_for(user: User):
    from supervision.models import StockReport

    return visible_to(user, StockReport).select_related("distributor", "product", "reported_by")
