"""Supervision (综合监管), DOMAIN.md §9: the indicators of R-SUP-1 as the nightly job keeps them.

The credit records it reads (events, the bad-record list, delistings) live in the core, ``procurement.credit``;
the indicators' definitions and the SQL of their figures come from the channels through the core's registry,
``procurement.core.indicators``."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.models import Organisation


class IndicatorValue(models.Model):
    """One indicator's figure for one hospital and one month (R-SUP-1): its numerator and its denominator, as
    the parts registered for it sum them. Written by the nightly job only (``supervision.jobs``): the current
    month, and the previous one until it is frozen (INDICATOR_FREEZE_DAYS after its end); a frozen month is
    never rewritten. Not in the audit trail: the job's counts are in its run, and the figures are derived.

    A region's figure is the sum of its hospitals' numerators over the sum of their denominators, never an
    average of their rates (``supervision.selectors``)."""

    hospital = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("medical institution")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    indicator = models.CharField(_("indicator"), max_length=40)
    numerator = models.DecimalField(_("numerator"), max_digits=20, decimal_places=2)
    denominator = models.DecimalField(_("denominator"), max_digits=20, decimal_places=2)
    frozen = models.BooleanField(_("frozen"), default=False)
    computed_on = models.DateField(_("as of"))

    scope_rule = ScopeRule(hospital="hospital", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["month", "indicator", "hospital_id"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "month", "indicator"], name="indicator_value_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="indicator_month_first_day"),
        ]
        indexes = [models.Index(fields=["month", "indicator"], name="indicator_month")]

    def __str__(self):
        return f"{self.hospital} {self.month:%Y-%m} {self.indicator}: {self.numerator}/{self.denominator}"
