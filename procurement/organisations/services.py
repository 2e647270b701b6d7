"""Writes of organisations and users: HIS API keys and role changes."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError, PermissionDenied
from procurement.core.scoping import visible_to
from procurement.organisations.choices import OrganisationKind, Role
from procurement.organisations.models import ApiToken, Organisation, User, hash_token
from procurement.organisations.tokens import generate_key


def can_manage_api_tokens(user: User, hospital: Organisation) -> bool:
    """A hospital's organisation administrator manages its HIS keys (platform administrators too)."""
    if user.is_superuser:
        return True
    return user.organisation_id == hospital.pk and user.has_role(Role.ORG_ADMIN)


def _his_account(hospital: Organisation) -> User:
    """The machine account in whose name the hospital's HIS acts (one per hospital)."""
    user, created = User.objects.get_or_create(
        username=f"his-{hospital.pk}",
        defaults={"organisation": hospital, "full_name": f"{hospital.name} HIS", "roles": [Role.HIS_CLIENT]},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def api_token_create(*, actor: User, hospital: Organisation, name: str) -> tuple[ApiToken, str]:
    """Issue a HIS key bound to ``hospital``; returns the token and the key, shown this once only."""
    if hospital.kind != OrganisationKind.HOSPITAL:
        raise DomainError(
            _("API keys are issued to medical institutions only."), code="not_a_hospital", field="hospital"
        )
    if not can_manage_api_tokens(actor, hospital):
        raise PermissionDenied(_("Only the institution's administrator may issue its API keys."), code="forbidden")
    name = name.strip()
    if not name:
        raise DomainError(_("Name the system that will use this key."), code="required", field="name")
    key, prefix = generate_key()
    with transaction.atomic(), audit_reason(_("HIS API key “%(name)s” issued") % {"name": name}):
        token = ApiToken.objects.create(
            name=name,
            hospital=hospital,
            user=_his_account(hospital),
            prefix=prefix,
            digest=hash_token(key),
            created_by=actor,
        )
    return token, key


def api_token_revoke(*, actor: User, token_id: int, reason: str = "") -> ApiToken:
    """Revoke a key at once; requests with it are refused from now on."""
    with transaction.atomic(), audit_reason(reason or _("HIS API key revoked")):
        token = visible_to(actor, ApiToken, for_write=True).select_for_update().get(pk=token_id)
        if not can_manage_api_tokens(actor, token.hospital):
            raise PermissionDenied(_("Only the institution's administrator may revoke its API keys."), code="forbidden")
        if token.revoked_at is not None:
            raise Conflict(_("This key is already revoked."), code="already_revoked")
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token
