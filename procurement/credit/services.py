"""Writes of the credit records (R-SUP-3, R-LIST-14): credit events, the bad-record list, delistings.

Bureau staff record them on their pages or through the API; nightly jobs record events set-based
with ``credit_events_insert_sql``. A sanction takes effect at once in every channel: the price
resolver and the channels' own checks ask ``procurement.credit.selectors``, and channels that keep
state of their own (the listing channel suspends listings) subscribe with ``@on_sanction``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.catalogue.models import Product
from procurement.core.audit import audit_reason
from procurement.core.errors import DomainError, PermissionDenied
from procurement.core.files import check_document
from procurement.core.policy import policy
from procurement.credit.choices import CreditEventKind, SanctionKind, Severity
from procurement.credit.models import BadRecord, CreditEvent, ProductDelisting
from procurement.organisations.choices import OrganisationKind, Role
from procurement.organisations.models import Organisation, User

COMPANY_KINDS = (OrganisationKind.MANUFACTURER, OrganisationKind.DISTRIBUTOR)


def can_record_credit(user: User) -> bool:
    """The provincial bureau's supervisors (and the platform administrator) keep the credit records."""
    return user.is_superuser or (user.is_provincial_bureau and user.has_role(Role.BUREAU_SUPERVISOR, Role.ORG_ADMIN))


def _require_recorder(actor: User) -> None:
    if not can_record_credit(actor):
        raise PermissionDenied(_("Only the provincial bureau's supervisors keep the credit records."), code="forbidden")


def _required(text: str, field: str) -> str:
    if not text or not text.strip():
        raise DomainError(_("Give the reason."), code="required", field=field)
    return text.strip()


def _company(organisation: Organisation) -> Organisation:
    if organisation.kind not in COMPANY_KINDS:
        raise DomainError(
            _("Credit records are kept for companies (manufacturers and distributors)."),
            code="not_a_company",
            field="organisation",
            rule="R-SUP-3",
        )
    return organisation


def _not_in_future(day: date, field: str) -> date:
    if day > timezone.localdate():
        raise DomainError(_("The date is in the future."), code="invalid", field=field)
    return day


# -- events ---------------------------------------------------------------------------------------


def credit_event_record(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    severity: str,
    occurred_on: date,
    description: str,
    evidence=None,
) -> CreditEvent:
    """R-SUP-3: record one failing of a company, with its severity and evidence."""
    _require_recorder(actor)
    _company(organisation)
    if kind not in CreditEventKind.values:
        raise DomainError(_("Choose what the company failed in."), code="invalid_choice", field="kind")
    if severity not in Severity.values:
        raise DomainError(_("Choose the severity."), code="invalid_choice", field="severity")
    _not_in_future(occurred_on, "occurred_on")
    description = _required(description, "description")
    if evidence:
        check_document(evidence, field="evidence")
    with transaction.atomic(), audit_reason(description):
        event = CreditEvent(
            organisation=organisation,
            kind=kind,
            severity=severity,
            occurred_on=occurred_on,
            description=description,
            recorded_by=actor,
        )
        if evidence:
            event.evidence.save(evidence.name, evidence, save=False)
        event.save()
    return event


def credit_events_insert_sql(select: str, *, skip_recorded: bool = True) -> str:
    """SQL for set-based work (nightly jobs): record the events ``select`` yields, each at most once.

    ``select`` yields ``(organisation_id, kind, severity, occurred_on, description, source)``; an
    event whose (kind, source) was recorded before is skipped, so a job that runs twice records it
    once. The statement returns one row per event recorded.

    ``skip_recorded=False``: for a ``select`` whose sources cannot have been recorded before (the price
    linkage's notices fall overdue once each); a repeated (kind, source) is then refused by the unique
    constraint instead of skipped, and the insert does without ON CONFLICT's speculative insertion
    (3,000 events: 8 ms of the linkage's stress night).
    """
    return f"""INSERT INTO {CreditEvent._meta.db_table}
                   (organisation_id, kind, severity, occurred_on, description, source, evidence, created_at)
               SELECT e.*, '', now() FROM ({select}) AS e
               {"ON CONFLICT DO NOTHING" if skip_recorded else ""}
               RETURNING id"""


# -- sanctions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sanction:
    """A sanction just recorded: the company (and, for a delisting, the product) and its period."""

    kind: str  # SanctionKind
    organisation_id: int
    product_id: int | None
    starts_on: date
    ends_on: date | None
    recorded_by_id: int


_sanction_receivers: list[Callable[[Sanction], None]] = []


def on_sanction(receiver: Callable[[Sanction], None]):
    """Subscribe a channel to every sanction recorded (it runs inside the recording transaction)."""
    if receiver not in _sanction_receivers:
        _sanction_receivers.append(receiver)
    return receiver


def _announce(sanction: Sanction) -> None:
    for receiver in list(_sanction_receivers):
        receiver(sanction)


def _event_of(organisation: Organisation, credit_event: CreditEvent | None) -> CreditEvent | None:
    if credit_event is not None and credit_event.organisation_id != organisation.pk:
        raise DomainError(
            _("The credit event is about another company."), code="invalid", field="credit_event", rule="R-SUP-3"
        )
    return credit_event


def bar_ends_on(starts_on: date, *, years: int) -> date:
    """The last day of a bar of ``years`` years from ``starts_on``: the day before its anniversary. The
    anniversary of 29 February in a common year is 1 March (so the bar ends on 28 February); a bar from
    1 March 2026 ends on 29 February 2028, no leap day lost (counting from the day before lost it)."""
    anniversary = starts_on + relativedelta(years=years)
    if (starts_on.month, starts_on.day) == (2, 29) and anniversary.day == 28:
        anniversary += relativedelta(days=1)
    return anniversary - relativedelta(days=1)


def bad_record_add(
    *, actor: User, organisation: Organisation, starts_on: date, reason: str, credit_event: CreditEvent | None = None
) -> BadRecord:
    """R-SUP-3 / R-LIST-14: put a company on the bad-record list for BAD_RECORD_BAR_YEARS years.

    From ``starts_on`` the company's products are refused by every price source, its listings are
    suspended, it may not declare, negotiate or be designated or ordered from as a distributor.
    """
    _require_recorder(actor)
    _company(organisation)
    reason = _required(reason, "reason")
    _event_of(organisation, credit_event)
    ends_on = bar_ends_on(starts_on, years=policy("BAD_RECORD_BAR_YEARS"))
    with transaction.atomic(), audit_reason(reason):
        record = BadRecord.objects.create(
            organisation=organisation,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            credit_event=credit_event,
            recorded_by=actor,
        )
        _announce(Sanction(SanctionKind.BAD_RECORD, organisation.pk, None, starts_on, ends_on, actor.pk))
    return record


def product_delist(
    *,
    actor: User,
    product: Product,
    starts_on: date,
    reason: str,
    ends_on: date | None = None,
    credit_event: CreditEvent | None = None,
) -> ProductDelisting:
    """R-SUP-3: take one product off the platform as a sanction, from ``starts_on`` (until ``ends_on``)."""
    _require_recorder(actor)
    reason = _required(reason, "reason")
    manufacturer = product.manufacturer
    _event_of(manufacturer, credit_event)
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("The end comes after the start."), code="invalid", field="ends_on")
    with transaction.atomic(), audit_reason(reason):
        delisting = ProductDelisting.objects.create(
            product=product,
            manufacturer=manufacturer,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            credit_event=credit_event,
            recorded_by=actor,
        )
        _announce(Sanction(SanctionKind.DELISTING, manufacturer.pk, product.pk, starts_on, ends_on, actor.pk))
    return delisting
