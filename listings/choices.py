"""Categories, statuses and the transitions allowed between them (DOMAIN.md §3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListingCategory(models.TextChoices):
    """The eight listing categories of 000 §(三), each with its price rule."""

    PREVIOUSLY_LISTED = "previously_listed", _("Previously listed on the provincial platform")  # R-LIST-1
    NOT_PREVIOUSLY_LISTED = "not_previously_listed", _("Not previously listed")  # R-LIST-2
    NATIONAL_NEGOTIATED = "national_negotiated", _("National negotiated drug or its generic")  # R-LIST-3
    INNOVATIVE = "innovative", _("Innovative drug")  # R-LIST-4
    REFERENCE_OR_EVALUATED = (
        "reference_evaluated",
        _("Reference preparation or consistency-evaluated generic"),
    )  # R-LIST-5
    NEWLY_REGISTERED = "newly_registered", _("Newly registered (within one year)")  # R-LIST-6
    DESIGNATED_OR_RESERVE = "designated_reserve", _("National designated production or provincial reserve")  # R-LIST-7
    SHORTAGE = "shortage", _("Shortage drug")  # R-LIST-8

    @property
    def rule(self) -> str:
        return CATEGORY_RULES[self]


CATEGORY_RULES = {
    ListingCategory.PREVIOUSLY_LISTED: "R-LIST-1",
    ListingCategory.NOT_PREVIOUSLY_LISTED: "R-LIST-2",
    ListingCategory.NATIONAL_NEGOTIATED: "R-LIST-3",
    ListingCategory.INNOVATIVE: "R-LIST-4",
    ListingCategory.REFERENCE_OR_EVALUATED: "R-LIST-5",
    ListingCategory.NEWLY_REGISTERED: "R-LIST-6",
    ListingCategory.DESIGNATED_OR_RESERVE: "R-LIST-7",
    ListingCategory.SHORTAGE: "R-LIST-8",
}


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# R-LIST-9: draft → submitted → (returned ↔ submitted) → approved | rejected.
DECLARATION_TRANSITIONS = {
    DeclarationStatus.DRAFT: {DeclarationStatus.SUBMITTED},
    DeclarationStatus.SUBMITTED: {DeclarationStatus.RETURNED, DeclarationStatus.APPROVED, DeclarationStatus.REJECTED},
    DeclarationStatus.RETURNED: {DeclarationStatus.SUBMITTED},
    DeclarationStatus.APPROVED: set(),
    DeclarationStatus.REJECTED: set(),
}
OPEN_DECLARATION_STATUSES = (DeclarationStatus.DRAFT, DeclarationStatus.SUBMITTED, DeclarationStatus.RETURNED)


class ListingStatus(models.TextChoices):
    LISTED = "listed", _("Listed")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Purchasing closed")
    INVALID = "invalid", _("Invalid")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# DOMAIN §3: listed → suspended → listed; listed → closed → invalid; listed → withdrawn.
LISTING_TRANSITIONS = {
    ListingStatus.LISTED: {ListingStatus.SUSPENDED, ListingStatus.CLOSED, ListingStatus.WITHDRAWN},
    ListingStatus.SUSPENDED: {ListingStatus.LISTED},
    ListingStatus.CLOSED: {ListingStatus.INVALID},
    ListingStatus.INVALID: set(),
    ListingStatus.WITHDRAWN: set(),
}


class SuspensionCause(models.TextChoices):
    PRICE_LINKAGE = "price_linkage", _("No compliant price after a lower national price (R-LIST-10)")
    BAD_RECORD = "bad_record", _("Company on the bad-record list (R-LIST-14)")
    DELISTED = "delisted", _("Product delisted as a credit sanction (R-SUP-3)")
    BUREAU = "bureau", _("Suspended by the bureau")


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Overdue: listing suspended")
    COMPLIED = "complied", _("Complied")
    RESOLVED = "resolved", _("Resolved: no longer above the national lowest")


ACTIVE_NOTICE_STATUSES = (NoticeStatus.OPEN, NoticeStatus.OVERDUE)


class WithdrawalReason(models.TextChoices):
    STOPPED_PRODUCTION = "stopped_production", _("Production stopped")
    STOPPED_SALE = "stopped_sale", _("Sale stopped")
    REGISTRATION_CHANGED = "registration_changed", _("Registration changed")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class AdjustmentRoundStatus(models.TextChoices):
    OPEN = "open", _("Open: manufacturers answer")
    CONFIRMED = "confirmed", _("Confirmed: waiting for the effective date")
    APPLIED = "applied", _("Applied")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    APPEALED = "appealed", _("Appealed")
    CONFIRMED = "confirmed", _("Confirmed")


class PanelParty(models.TextChoices):
    PANEL = "panel", _("Expert panel")
    MANUFACTURER = "manufacturer", _("Manufacturer")
