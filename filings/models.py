"""Filed purchases (备案采购), DOMAIN.md §5: a hospital's filing for a product no listing covers, the
bureau's monthly confirmation batch, and what the nightly watch finds (R-FIL-4 follow-up flags,
R-FIL-5 warning lines) — before, during, after (事前备案、事中监控、事后通报, 004 §二(三))."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from filings.choices import FilingBasis, FilingStatus, WarningPeriod
from procurement.catalogue.models import Product
from procurement.core.audit import tracked
from procurement.core.changes import change_stamp_trigger, change_xid_field
from procurement.core.limits import REASON_MAX_LENGTH
from procurement.core.money import AmountField, PriceField
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.choices import PROVINCES
from procurement.organisations.models import Organisation, User


class FilingBatch(models.Model):
    """备案确认批次 (R-FIL-3): the provincial bureau's confirmation of one month's filings, in one go.

    One per month: the filings waiting when it is confirmed are approved or rejected in it; those the
    reviewer leaves undecided wait for the next month's batch.
    """

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the batch's month."))
    confirmed_by = models.ForeignKey(User, verbose_name=_("confirmed by"), on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"), auto_now_add=True)
    approved = models.PositiveIntegerField(_("approved"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)

    # The bureau's own record: the provincial bureau sees it, nobody else (a filing shows its decision).
    scope_rule = ScopeRule()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("filing confirmation batch")
        verbose_name_plural = _("filing confirmation batches")
        ordering = ["-month"]
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="filing_batch_month_first_day")]

    def __str__(self):
        return f"{self.month:%Y-%m}"


@tracked()
class Filing(models.Model):
    """事前备案: one hospital asks to buy one product no listing covers, at a price ≤ its national lowest.

    Eligibility (R-FIL-1) and the cap (R-FIL-2) are checked when it is filed and again when it is
    confirmed; the figures they were checked on are kept (``national_lowest…``, ``checked``). A confirmed
    filing is a price source for the filing hospital only, at ``price``, from ``valid_from`` to
    ``valid_until`` (R-FIL-3). HIS clients pull its decision by the change cursor (``change_xid``).
    """

    hospital = models.ForeignKey(
        Organisation, verbose_name=_("hospital"), on_delete=models.PROTECT, related_name="filings"
    )
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(_("basis"), max_length=10, choices=FilingBasis.choices)
    reason = models.TextField(_("clinical need"), max_length=REASON_MAX_LENGTH)
    quantity = models.PositiveIntegerField(_("expected quantity (packs)"))
    months = models.PositiveSmallIntegerField(_("months"))
    price = PriceField(_("filed price"), help_text=_("Per pack, in yuan."))
    amount = AmountField(_("filed amount"), help_text=_("Filed price × expected quantity."))
    national_lowest = PriceField(_("national lowest"), null=True, blank=True)
    national_lowest_province = models.CharField(_("province of the national lowest"), max_length=2, blank=True)
    national_lowest_date = models.DateField(_("national lowest since"), null=True, blank=True)
    checked = models.JSONField(_("eligibility figures"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FilingStatus.choices, default=FilingStatus.SUBMITTED, db_index=True
    )
    submitted_by = models.ForeignKey(User, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("filed"), auto_now_add=True, db_index=True)
    batch = models.ForeignKey(
        FilingBatch, verbose_name=_("batch"), on_delete=models.PROTECT, null=True, blank=True, related_name="filings"
    )
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True, max_length=REASON_MAX_LENGTH)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # R-FIL-4: the night it was found not bought within FILING_FOLLOW_UP_DAYS of its confirmation.
    follow_up_flagged_on = models.DateField(_("flagged not bought"), null=True, blank=True, db_index=True)
    change_xid = change_xid_field()

    scope_rule = ScopeRule(hospital="hospital", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="filing_price_positive"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="filing_quantity_positive"),
            models.CheckConstraint(condition=Q(months__gte=1), name="filing_months_positive"),
            # R-FIL-2, kept by the database too: never above the national lowest it was checked on.
            models.CheckConstraint(
                condition=Q(national_lowest__isnull=True) | Q(price__lte=F("national_lowest")),
                name="filing_price_within_national_lowest",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | (Q(valid_from__isnull=False) & Q(valid_until__gte=F("valid_from"))),
                name="filing_approved_has_period",
            ),
            models.UniqueConstraint(
                fields=["hospital", "product"], condition=Q(status="submitted"), name="one_pending_filing_per_product"
            ),
        ]
        indexes = [
            models.Index(fields=["hospital", "change_xid", "id"], name="filing_pull_cursor"),
            models.Index(fields=["product", "status"], name="filing_product_status"),
        ]
        triggers = [change_stamp_trigger()]

    def __str__(self):
        return f"{self.hospital} · {self.product} · {self.price}"

    @property
    def is_pending(self) -> bool:
        return self.status == FilingStatus.SUBMITTED

    @property
    def national_lowest_province_name(self) -> str:
        return PROVINCES.get(self.national_lowest_province, self.national_lowest_province)


class FilingDocument(models.Model):
    """A supporting document of a filing (a PDF or an image, checked by its bytes: core.files)."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("document"), upload_to="filings/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    scope_rule = ScopeRule(hospital="filing__hospital", region="filing__hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("filing document")
        verbose_name_plural = _("filing documents")
        ordering = ["id"]

    def __str__(self):
        return self.name


class FilingWarning(models.Model):
    """R-FIL-5: a hospital whose filed amount in a month or a year crossed the warning line.

    Written by the nightly job, one row per hospital and period: the figures it was found on and
    the filing whose amount crossed the line. ``cleared_on`` is set when rejections bring the amount
    back under the line (and cleared again if it crosses again). A re-run changes nothing.
    """

    hospital = models.ForeignKey(Organisation, verbose_name=_("hospital"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=5, choices=WarningPeriod.choices)
    period_start = models.DateField(_("period start"))
    line = AmountField(_("warning line"))
    amount = AmountField(_("filed amount"))
    crossing_filing = models.ForeignKey(
        Filing, verbose_name=_("filing that crossed the line"), on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField(_("raised"))
    cleared_on = models.DateField(_("cleared"), null=True, blank=True)

    scope_rule = ScopeRule(hospital="hospital", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("filing warning")
        verbose_name_plural = _("filing warnings")
        ordering = ["-period_start", "hospital_id"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "period", "period_start"], name="one_filing_warning_per_period")
        ]

    def __str__(self):
        return f"{self.hospital_id} · {self.period} {self.period_start}"
