"""Writes of the credit records (R-SUP-3)."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils.translation import gettext as _

from procurement.core.audit import audit_reason
from procurement.core.errors import DomainError, PermissionDenied
from procurement.core.policy import policy
from procurement.organisations.choices import OrganisationKind, Role
from procurement.organisations.models import Organisation, User
from supervision.models import BadRecord, CreditEvent


def can_record_credit(user: User) -> bool:
    return user.is_superuser or (user.is_provincial_bureau and user.has_role(Role.BUREAU_SUPERVISOR, Role.ORG_ADMIN))


def bad_record_add(
    *, actor: User, organisation: Organisation, starts_on: date, reason: str, credit_event: CreditEvent | None = None
) -> BadRecord:
    """Put a company on the bad-record list for the configured number of years (R-SUP-3, R-LIST-14)."""
    if not can_record_credit(actor):
        raise PermissionDenied(_("Only the provincial bureau keeps the bad-record list."), code="forbidden")
    if organisation.kind not in (OrganisationKind.MANUFACTURER, OrganisationKind.DISTRIBUTOR):
        raise DomainError(
            _("Only companies are put on the bad-record list."), code="not_a_company", field="organisation"
        )
    if not reason.strip():
        raise DomainError(_("Give the reason."), code="required", field="reason")
    ends_on = starts_on + relativedelta(years=policy("BAD_RECORD_BAR_YEARS")) - relativedelta(days=1)
    with transaction.atomic(), audit_reason(reason):
        return BadRecord.objects.create(
            organisation=organisation,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            credit_event=credit_event,
            recorded_by=actor,
        )
