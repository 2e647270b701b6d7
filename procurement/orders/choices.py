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


class OrderState(models.TextChoices):
    """订单状态: what an order waits for, as far as the reader sees its lines (issue 12)."""

    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")
    AWAITING_SHIPMENT = "awaiting_shipment", _("Awaiting shipment")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _("Awaiting acceptance")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Declined or cancelled")


# An order is in the state of its least advanced line: waiting for a confirmation while any line is
# submitted, then for a shipment while any is confirmed or partly shipped, then for the hospital's
# acceptance; completed when every line is done and one at least was delivered, closed when every line
# was declined or cancelled. The rank orders them; ``selectors.orders_seen_by`` computes it in SQL.
ORDER_STATE_OF_LINE = {
    LineStatus.SUBMITTED: (1, OrderState.AWAITING_CONFIRMATION),
    LineStatus.CONFIRMED: (2, OrderState.AWAITING_SHIPMENT),
    LineStatus.SHIPPING: (2, OrderState.AWAITING_SHIPMENT),
    LineStatus.SHIPPED: (3, OrderState.AWAITING_ACCEPTANCE),
    LineStatus.COMPLETED: (4, OrderState.COMPLETED),
    LineStatus.DECLINED: (5, OrderState.CLOSED),
    LineStatus.CANCELLED: (5, OrderState.CLOSED),
}
OPEN_LINE_STATUSES = (LineStatus.SUBMITTED, LineStatus.CONFIRMED, LineStatus.SHIPPING, LineStatus.SHIPPED)


class ShipmentStatus(models.TextChoices):
    SHIPPED = "shipped", _("Shipped, waiting for acceptance")
    ACCEPTED = "accepted", _("Accepted into stock")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    REJECTED = "rejected", _("Rejected")
