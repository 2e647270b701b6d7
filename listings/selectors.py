"""Reads of the listing channel, always through the scope of the reader."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from listings.choices import ACTIVE_NOTICE_STATUSES, DeclarationStatus, ListingStatus, ProposalStatus
from listings.models import AdjustmentProposal, Declaration, Listing, PriceLinkageNotice, WithdrawalRequest
from procurement.catalogue.selectors import FoundFirst, searched
from procurement.core.scoping import visible_to
from procurement.organisations.models import User
from procurement.workdays.services import working_days_left


def public_listings(text: str = "") -> QuerySet[Listing]:
    """The listed products the public sees (信息公开), with their products and manufacturers."""
    listings = Listing.objects.filter(status=ListingStatus.LISTED).select_related("product", "manufacturer")
    found = searched(text)
    return listings if found is None else listings.filter(FoundFirst("product", found))


@dataclass(frozen=True)
class NoticeRow:
    notice: PriceLinkageNotice
    working_days_left: int


def open_notices(user: User, today: date | None = None) -> list[NoticeRow]:
    """A manufacturer's active price-linkage notices, soonest deadline first, with working days left."""
    today = today or timezone.localdate()
    notices = (
        visible_to(user, PriceLinkageNotice)
        .filter(status__in=ACTIVE_NOTICE_STATUSES)
        .select_related("listing__product")
    )
    return [NoticeRow(notice, working_days_left(notice.deadline, today)) for notice in notices.order_by("deadline")]


@dataclass(frozen=True)
class Inbox:
    notices: list[NoticeRow]
    returned: QuerySet[Declaration]
    drafts: QuerySet[Declaration]
    proposals: QuerySet[AdjustmentProposal]
    withdrawals: QuerySet[WithdrawalRequest]


def manufacturer_inbox(user: User) -> Inbox:
    """What waits for a manufacturer: notices, returned declarations, drafts, proposals to answer."""
    declarations = visible_to(user, Declaration).select_related("product")
    return Inbox(
        notices=open_notices(user),
        returned=declarations.filter(status=DeclarationStatus.RETURNED),
        drafts=declarations.filter(status=DeclarationStatus.DRAFT),
        proposals=visible_to(user, AdjustmentProposal)
        .filter(status=ProposalStatus.PROPOSED, round__status="open")
        .select_related("listing__product", "round"),
        withdrawals=visible_to(user, WithdrawalRequest).filter(status="submitted").select_related("listing__product"),
    )


def bureau_counts(user: User) -> dict[str, int]:
    """Counts for the bureau's home page: declarations to review (flagged among them), requests to decide."""
    declarations = visible_to(user, Declaration).aggregate(
        waiting=Count("id", filter=Q(status=DeclarationStatus.SUBMITTED)),
        flagged=Count("id", filter=Q(status=DeclarationStatus.SUBMITTED, flagged=True)),
    )
    return {
        **declarations,
        "withdrawals": visible_to(user, WithdrawalRequest).filter(status="submitted").count(),
        "appeals": visible_to(user, AdjustmentProposal)
        .filter(status=ProposalStatus.APPEALED, round__status="open")
        .count(),
        "overdue_notices": visible_to(user, PriceLinkageNotice).filter(status="overdue").count(),
    }


def may_read_history_details(user: User, listing: Listing) -> bool:
    """Who changed a listing and why is for its manufacturer and the bureau; the public reads what
    changed and when (issue 11 #3: internal reasons and staff names are not published)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.kind == "bureau" or user.organisation_id == listing.manufacturer_id


def listing_history(listing: Listing) -> QuerySet:
    return listing.transitions.select_related("actor__organisation")
