"""Statuses of orders, lines and shipments, with the transitions allowed (DOMAIN.md §7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderSource(models.TextChoices):
    BROWSER = "browser", _("Browser")
    HIS = "his", _("HIS")


class LineStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined by the distributor")
    CANCELLED = "cancelled", _("Cancelled")
    SHIPPING = "shipping", _("Partly shipped")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")


# R-ORD-4. A line is cancelled only before anything ships; a partly shipped line is closed instead (the
# rest declined by the distributor or cancelled by the hospital, with the reason). It is completed when
# every shipped pack is accepted or rejected and nothing is left to ship.
LINE_TRANSITIONS = {
    LineStatus.SUBMITTED: {LineStatus.CONFIRMED, LineStatus.DECLINED, LineStatus.CANCELLED},
    LineStatus.CONFIRMED: {LineStatus.SHIPPING, LineStatus.SHIPPED, LineStatus.CANCELLED},
    LineStatus.SHIPPING: {LineStatus.SHIPPING, LineStatus.SHIPPED, LineStatus.COMPLETED},
    LineStatus.SHIPPED: {LineStatus.COMPLETED},
    LineStatus.DECLINED: set(),
    LineStatus.CANCELLED: set(),
    LineStatus.COMPLETED: set(),
}
OPEN_LINE_STATUSES = (LineStatus.SUBMITTED, LineStatus.CONFIRMED, LineStatus.SHIPPING, LineStatus.SHIPPED)


class ShipmentStatus(models.TextChoices):
    SHIPPED = "shipped", _("Shipped, waiting for acceptance")
    ACCEPTED = "accepted", _("Accepted into stock")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    REJECTED = "rejected", _("Rejected")
