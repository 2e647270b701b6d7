"""The listing lifecycle (DOMAIN.md §3): suspension, reinstatement, invalidation, each transition recorded."""

from django.db import transaction
from django.utils.translation import gettext as _

from listings.choices import (
    LISTING_TRANSITIONS,
    ListingStatus,
    SuspensionCause,
)
from listings.models import (
    Listing,
    ListingTransition,
)
from listings.services.access import can_review, require, required_reason
from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict
from procurement.core.scoping import visible_to
from procurement.organisations.models import User

# -- listings ---------------------------------------------------------------------------------


def _record_event(listing, from_status, to_status, price_before, price_after, actor, reason, actor_label=""):
    ListingTransition.objects.create(
        listing=listing,
        from_status=from_status,
        to_status=to_status,
        price_before=price_before,
        price_after=price_after,
        actor=actor,
        actor_label=actor_label,
        reason=reason,
    )


def _transition_listing(
    listing: Listing, to_status: str, *, actor: User | None, reason: str, cause: str = "", actor_label: str = ""
) -> Listing:
    if to_status not in LISTING_TRANSITIONS[listing.status]:
        raise Conflict(
            _("A listing that is “%(status)s” cannot become “%(to)s”.")
            % {"status": listing.get_status_display(), "to": ListingStatus(to_status).label},
            code="invalid_transition",
            field="status",
        )
    before = listing.status
    listing.status = to_status
    listing.suspension_cause = cause if to_status == ListingStatus.SUSPENDED else ""
    listing.save(update_fields=["status", "suspension_cause", "updated_at"])
    _record_event(listing, before, to_status, listing.price, listing.price, actor, reason, actor_label)
    return listing


def _lock_listing(actor: User, listing_id: int, *, for_write=True) -> Listing:
    return (
        visible_to(actor, Listing, for_write=for_write).select_for_update().select_related("product").get(pk=listing_id)
    )


def listing_suspend(*, actor: User, listing_id: int, reason: str) -> Listing:
    """The bureau suspends a listing (not orderable) until it reinstates it."""
    require(can_review(actor), _("Only the provincial bureau may suspend a listing."))
    reason = required_reason(reason)
    with transaction.atomic(), audit_reason(reason):
        listing = _lock_listing(actor, listing_id)
        return _transition_listing(
            listing, ListingStatus.SUSPENDED, actor=actor, reason=reason, cause=SuspensionCause.BUREAU
        )


def listing_reinstate(*, actor: User, listing_id: int, reason: str) -> Listing:
    """Lift a bureau suspension. A linkage suspension ends with a compliant price; a bad-record one with the bar."""
    require(can_review(actor), _("Only the provincial bureau may reinstate a listing."))
    reason = required_reason(reason)
    with transaction.atomic(), audit_reason(reason):
        listing = _lock_listing(actor, listing_id)
        if listing.status == ListingStatus.SUSPENDED and listing.suspension_cause != SuspensionCause.BUREAU:
            raise Conflict(
                _("This suspension (%(cause)s) ends by itself when its cause is gone.")
                % {"cause": listing.get_suspension_cause_display()},
                code="not_bureau_suspension",
            )
        return _transition_listing(listing, ListingStatus.LISTED, actor=actor, reason=reason)


def listing_invalidate(*, actor: User, listing_id: int, reason: str) -> Listing:
    """R-LIST-12: a listing whose purchasing was closed is marked invalid by the bureau."""
    require(can_review(actor), _("Only the provincial bureau may mark a listing invalid."))
    reason = required_reason(reason)
    with transaction.atomic(), audit_reason(reason):
        listing = _lock_listing(actor, listing_id)
        return _transition_listing(listing, ListingStatus.INVALID, actor=actor, reason=reason)
