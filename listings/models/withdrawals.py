"""Withdrawal requests (撤网, R-LIST-13)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from listings.choices import (
    RequestStatus,
    WithdrawalReason,
)
from listings.models.declarations import MANUFACTURER_OWN
from listings.models.lifecycle import Listing
from procurement.core.audit import tracked
from procurement.core.limits import LONG_TEXT_MAX_LENGTH, REASON_MAX_LENGTH
from procurement.core.scoping import ScopedQuerySet
from procurement.organisations.models import Organisation, User


@tracked()
class WithdrawalRequest(models.Model):
    """撤网申请 (R-LIST-13): the manufacturer asks to take a product off; the bureau decides."""

    listing = models.ForeignKey(
        Listing, verbose_name=_("listing"), on_delete=models.PROTECT, related_name="withdrawals"
    )
    manufacturer = models.ForeignKey(
        Organisation, verbose_name=_("manufacturer"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=30, choices=WithdrawalReason.choices)
    explanation = models.TextField(_("explanation"), max_length=LONG_TEXT_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_reason = models.TextField(_("review reason"), blank=True, max_length=REASON_MAX_LENGTH)

    scope_rule = MANUFACTURER_OWN
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("withdrawal request")
        verbose_name_plural = _("withdrawal requests")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing"], condition=Q(status="submitted"), name="withdrawal_one_pending_per_listing"
            ),
        ]

    def __str__(self):
        return f"{self.listing} · {self.get_reason_display()}"
