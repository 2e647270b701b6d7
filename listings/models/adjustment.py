"""The annual price adjustment (R-LIST-11): rounds and their proposals."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from listings.choices import (
    AdjustmentRoundStatus,
    ProposalStatus,
)
from listings.models.declarations import MANUFACTURER_OWN
from listings.models.lifecycle import Listing
from procurement.core.audit import tracked
from procurement.core.limits import REASON_MAX_LENGTH
from procurement.core.money import PriceField
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.models import Organisation, User


@tracked()
class AdjustmentRound(models.Model):
    """年度挂网价格调整 (R-LIST-11): once a year every listing gets a proposed price."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AdjustmentRoundStatus.choices, default=AdjustmentRoundStatus.OPEN
    )
    answer_by = models.DateField(_("manufacturers answer by"))
    effective_date = models.DateField(_("new prices effective"))
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by"))
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("confirmed by")
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    scope_rule = ScopeRule(
        manufacturer=lambda organisation: Exists(
            AdjustmentProposal.objects.filter(round=OuterRef("pk"), manufacturer=organisation)
        )
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual adjustment round")
        verbose_name_plural = _("annual adjustment rounds")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_date__gt=models.F("answer_by")), name="adjustment_effective_after_answers"
            ),
        ]

    def __str__(self):
        return str(self.year)


@tracked()
class AdjustmentProposal(models.Model):
    """One listing's proposed price in an adjustment round, with the figures it was chosen from."""

    round = models.ForeignKey(
        AdjustmentRound, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("adjustment round")
    )
    listing = models.ForeignKey(Listing, verbose_name=_("listing"), on_delete=models.PROTECT, related_name="+")
    manufacturer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("manufacturer")
    )
    current_price = PriceField(_("current price"))
    national_lowest = PriceField(_("national lowest"), null=True, blank=True)
    lowest_purchase_price = PriceField(_("lowest purchase price (12 months)"), null=True, blank=True)
    proposed_price = PriceField(_("proposed price"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED, db_index=True
    )
    appeal_price = PriceField(_("price asked for"), null=True, blank=True)
    appeal_reason = models.TextField(_("reason of the appeal"), blank=True, max_length=REASON_MAX_LENGTH)
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("answered by")
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    final_price = PriceField(_("confirmed price"), null=True, blank=True)
    decision_reason = models.TextField(_("decision"), blank=True, max_length=REASON_MAX_LENGTH)

    scope_rule = MANUFACTURER_OWN
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("adjustment proposal")
        verbose_name_plural = _("adjustment proposals")
        ordering = ["listing__product__generic_name", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "listing"], name="proposal_once_per_round")]

    def __str__(self):
        return f"{self.round.year} · {self.listing} → {self.proposed_price}"
