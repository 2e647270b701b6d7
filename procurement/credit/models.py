"""Credit records of companies (DOMAIN.md R-SUP-3, R-LIST-14): events and sanctions.

The core keeps them because every channel obeys them: a company on the bad-record list lists,
sells, negotiates, bids and delivers nothing for two years; a delisted product is bought from no
source. ``procurement.credit.selectors`` answers "is this company barred on this day" and
"is this product delisted", in Python and as SQL fragments, for every channel.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from procurement.catalogue.models import Product
from procurement.core.audit import tracked
from procurement.core.limits import LONG_TEXT_MAX_LENGTH, REASON_MAX_LENGTH
from procurement.core.references import references_checked
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.credit.choices import CreditEventKind, Severity
from procurement.organisations.models import Organisation, User


@tracked(bulk_inserts=True)  # recorded by the thousand by nightly jobs (R-LIST-10)
class CreditEvent(models.Model):
    """失信行为: one recorded failing of a company, by bureau staff or by a nightly job.

    ``source`` names what caused it (``price_linkage_notice:42``); with ``kind`` it is unique, so a
    job that runs twice records it once.
    """

    # Checked once a statement (procurement.core.references): nightly jobs record them by the thousand.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="credit_events",
        db_constraint=False,
    )
    kind = models.CharField(_("kind"), max_length=30, choices=CreditEventKind.choices)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices, default=Severity.GENERAL)
    occurred_on = models.DateField(_("date"))
    description = models.TextField(_("description"), max_length=LONG_TEXT_MAX_LENGTH)
    evidence = models.FileField(
        _("evidence"), upload_to="credit/%Y/%m/", blank=True, help_text=_("A PDF or an image (JPEG, PNG).")
    )
    source = models.CharField(_("source"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_rule = ScopeRule(manufacturer="organisation", distributor="organisation", region="organisation__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source"], condition=~Q(source=""), name="credit_event_once_per_kind_and_source"
            ),
        ]
        triggers = references_checked("credit_creditevent", {"organisation": "organisations_organisation"})

    def __str__(self):
        return f"{self.organisation} · {self.get_kind_display()} · {self.occurred_on}"


@tracked()
class BadRecord(models.Model):
    """不良记录: while it runs, none of the company's products may be listed, sold or bought, and the
    company neither bids nor delivers (R-LIST-14, R-SUP-3). Published (信息公开)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("company"), on_delete=models.PROTECT, related_name="bad_records"
    )
    starts_on = models.DateField(pgettext_lazy("period", "from"))
    ends_on = models.DateField(_("until"), help_text=_("The bar ends at the end of this day."))
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    credit_event = models.ForeignKey(
        CreditEvent, verbose_name=_("credit event"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(User, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_rule = ScopeRule(public=True)  # the list is published; what the public sees of it is chosen by the page
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bad record")
        verbose_name_plural = _("bad-record list")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="bad_record_period_ordered"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.starts_on}–{self.ends_on}"


@tracked()
class ProductDelisting(models.Model):
    """取消挂网: one product taken off the platform as a sanction (R-SUP-3): no source may sell it from
    ``starts_on`` (until ``ends_on`` when one is set). Published, like the bad-record list."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="delistings")
    manufacturer = models.ForeignKey(
        Organisation, verbose_name=_("manufacturer"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(pgettext_lazy("period", "from"))
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: until the bureau lifts it."))
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    credit_event = models.ForeignKey(
        CreditEvent, verbose_name=_("credit event"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(User, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_rule = ScopeRule(public=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("product delisting")
        verbose_name_plural = _("product delistings")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="delisting_period_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.product} {self.starts_on}–{self.ends_on or '…'}"


@tracked()
class CreditRepair(models.Model):
    """信用修复: the company's rectification was accepted (R-SUP-5); from ``effective_on`` (the acceptance
    plus CREDIT_REPAIR_DAYS of the grade repaired) its events up to ``covers_until`` no longer count
    toward its grade (R-SUP-3). Recorded by whoever accepted the rectification — supervision, when it
    closes an interview case as accepted — once per ``source``."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("company"), on_delete=models.PROTECT, related_name="credit_repairs"
    )
    grade = models.CharField(_("grade repaired"), max_length=20, choices=Severity.choices)
    covers_until = models.DateField(_("events up to"))
    accepted_on = models.DateField(_("rectification accepted"))
    effective_on = models.DateField(_("repaired from"))
    source = models.CharField(_("source"), max_length=80, unique=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_rule = ScopeRule(manufacturer="organisation", distributor="organisation", region="organisation__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit repair")
        verbose_name_plural = _("credit repairs")
        ordering = ["-effective_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__gte=F("accepted_on")), name="credit_repair_after_acceptance"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "effective_on"], name="credit_repair_company_day")]

    def __str__(self):
        return f"{self.organisation} · {self.get_grade_display()} · {self.effective_on}"
