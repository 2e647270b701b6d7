"""Statuses of the volume-based procurement channel (DOMAIN.md §6), with their allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundKind(models.TextChoices):
    NATIONAL = "national", _("National (imported results)")
    PROVINCIAL = "provincial", _("Provincial round")


class RoundStatus(models.TextChoices):
    """A provincial round: defined (draft) → open for sealed bids → opened (evaluated, results public).
    A national round is imported with its results: it is opened from the start (R-VBP-1)."""

    DRAFT = "draft", _("Being defined")
    BIDDING = "bidding", _("Open for bids")
    OPENED = "opened", _("Opened")


ROUND_TRANSITIONS = {
    RoundStatus.DRAFT: {RoundStatus.BIDDING},
    RoundStatus.BIDDING: {RoundStatus.OPENED},
    RoundStatus.OPENED: set(),
}


class BidOutcome(models.TextChoices):
    """What the opening made of a bid (R-VBP-8)."""

    WON = "won", _("Won")
    LOST = "lost", _("Not selected")
    INVALID = "invalid", _("Invalid: above the maximum valid price")
