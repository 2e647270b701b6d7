"""Credit records of companies (R-SUP-3): credit events and the bad-record list."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from procurement.core.audit import tracked
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.models import Organisation, User
from supervision.choices import CreditEventKind


@tracked()
class CreditEvent(models.Model):
    """失信行为: one recorded failing of a company, by a reviewer or by a nightly job.

    ``source`` names what caused it (``price_linkage_notice:42``); with ``kind`` it is unique, so a
    job that runs twice records it once.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("company"), on_delete=models.PROTECT, related_name="credit_events"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=CreditEventKind.choices)
    occurred_on = models.DateField(_("date"))
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_rule = ScopeRule(manufacturer="organisation", distributor="organisation")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source"], condition=~Q(source=""), name="credit_event_once_per_source"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.get_kind_display()} · {self.occurred_on}"


@tracked()
class BadRecord(models.Model):
    """不良记录: while listed, none of the company's products may be listed or sold (R-LIST-14, R-SUP-3)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("company"), on_delete=models.PROTECT, related_name="bad_records"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), help_text=_("The bar ends at the end of this day."))
    reason = models.TextField(_("reason"))
    credit_event = models.ForeignKey(
        CreditEvent, verbose_name=_("credit event"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(User, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_rule = ScopeRule(public=True)  # the list is published

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bad record")
        verbose_name_plural = _("bad-record list")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="bad_record_period_ordered"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.starts_on}–{self.ends_on}"
