"""Withdrawals (撤网, R-LIST-13): the manufacturer asks, the bureau decides."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.choices import (
    ListingStatus,
    RequestStatus,
)
from listings.models import (
    Listing,
    WithdrawalRequest,
)
from listings.services.access import can_declare, can_review, require, required_reason
from listings.services.lifecycle import _lock_listing, _transition_listing
from listings.withdrawal_guards import withdrawal_blocked
from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError
from procurement.organisations.models import User

# -- withdrawal (R-LIST-13) ---------------------------------------------------------------------


def withdrawal_request_submit(*, actor: User, listing_id: int, reason: str, explanation: str) -> WithdrawalRequest:
    """R-LIST-13: a manufacturer asks to withdraw a product it stopped making or selling, or whose registration changed."""
    require(can_declare(actor), _("Only the manufacturer may ask to withdraw its product."))
    explanation = required_reason(explanation)
    with transaction.atomic(), audit_reason(explanation):
        listing = _lock_listing(actor, listing_id)
        if listing.status != ListingStatus.LISTED:
            raise Conflict(_("Only a listed product can be withdrawn."), code="not_listed")
        _check_guards(listing)
        if WithdrawalRequest.objects.filter(listing=listing, status=RequestStatus.SUBMITTED).exists():
            raise Conflict(_("A withdrawal request for this product is already waiting."), code="request_pending")
        return WithdrawalRequest.objects.create(
            listing=listing,
            manufacturer=listing.manufacturer,
            reason=reason,
            explanation=explanation,
            submitted_by=actor,
        )


def withdrawal_request_decide(*, actor: User, request_id: int, approve: bool, reason: str = "") -> WithdrawalRequest:
    """The bureau approves (the listing is withdrawn) or rejects (with a reason) a withdrawal request."""
    require(can_review(actor), _("Only the provincial bureau decides withdrawal requests."))
    if not approve:
        reason = required_reason(reason)
    with transaction.atomic(), audit_reason(reason or _("Withdrawal approved")):
        request = WithdrawalRequest.objects.select_for_update().get(pk=request_id)
        if request.status != RequestStatus.SUBMITTED:
            raise Conflict(_("This request has been decided already."), code="already_decided")
        listing = Listing.objects.select_for_update().get(pk=request.listing_id)
        if approve:
            _check_guards(listing)
            _transition_listing(
                listing, ListingStatus.WITHDRAWN, actor=actor, reason=reason or _("Withdrawal approved (R-LIST-13)")
            )
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        request.reviewed_by, request.reviewed_at, request.review_reason = actor, timezone.now(), reason
        request.save()
    return request


def _check_guards(listing: Listing) -> None:
    """R-LIST-13's exceptions other channels register (a VBP winner under contract: DOMAIN.md's choice)."""
    blocked = withdrawal_blocked(listing.product_id, listing.manufacturer_id, timezone.localdate())
    if blocked is not None:
        raise DomainError(blocked.message, code=blocked.code, rule=blocked.rule, params=blocked.params)
