"""Who may do what in the listing channel, and the small checks every transition shares."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.core.errors import DomainError, PermissionDenied
from procurement.organisations.choices import OrganisationKind, Role
from procurement.organisations.models import User

# -- who may do what --------------------------------------------------------------------------


def can_declare(user: User) -> bool:
    """A manufacturer's clerk or administrator declares for the manufacturer's own products."""
    return user.kind == OrganisationKind.MANUFACTURER and user.has_role(Role.MANUFACTURER_CLERK, Role.ORG_ADMIN)


def can_review(user: User) -> bool:
    """R-LIST-9: the provincial bureau confirms declarations (and withdrawals, panels, rounds)."""
    return user.is_superuser or (user.is_provincial_bureau and user.has_role(Role.BUREAU_REVIEWER, Role.ORG_ADMIN))


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message, code="forbidden")


def local_today() -> date:
    return timezone.localdate()


def require_reviewer(actor: User) -> None:
    require(can_review(actor), _("Only a reviewer of the provincial bureau may review declarations."))


def required_reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise DomainError(
            _("Give the reason: the manufacturer sees it."), code="required", field="reason", rule="R-LIST-9"
        )
    return reason.strip()
