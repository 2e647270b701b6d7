"""Supervision (综合监管), DOMAIN.md §9: interview cases (R-SUP-5), the abnormal price and purchase review
list (R-SUP-4), distributors' stock reports (R-SUP-6). Indicators and reports are another part of the app.

The credit records it reads (events, the bad-record list, delistings, grades) live in the core,
``procurement.credit``; the flags it opens cases from come from the core's flag registry
(``procurement.core.flags``): supervision imports no channel app."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procurement.catalogue.models import Product
from procurement.core.audit import tracked
from procurement.core.limits import LONG_TEXT_MAX_LENGTH, REASON_MAX_LENGTH
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.models import Organisation, User
from procurement.workdays.models import DeadlineFields
from supervision.choices import AnomalyKind, CaseStatus, Conclusion, ReviewStatus, SubjectKind


@tracked()
class Case(models.Model):
    """约谈整改: a flagged hospital or company called to an interview and given a deadline to rectify
    (R-SUP-5). Keeps the flag as it read on the day the case was opened (its explanation and figures),
    so the case explains itself after the flag has gone. Bureau staff only; a city or county bureau
    sees the cases of subjects in its region (R-SUP-2)."""

    subject = models.ForeignKey(Organisation, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(_("subject kind"), max_length=10, choices=SubjectKind.choices)
    flag_key = models.CharField(_("flag key"), max_length=40)
    flag_label = models.CharField(_("flag"), max_length=100)
    rule = models.CharField(_("rule"), max_length=20)
    detail = models.CharField(_("about"), max_length=200, blank=True)
    explanation = models.TextField(_("why"), max_length=LONG_TEXT_MAX_LENGTH)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    flag_day = models.DateField(_("flagged on"))
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_by = models.ForeignKey(
        User, verbose_name=_("opened by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    conclusion = models.CharField(_("conclusion"), max_length=12, choices=Conclusion.choices, blank=True)
    closing_note = models.TextField(_("conclusion note"), max_length=REASON_MAX_LENGTH, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User, verbose_name=_("closed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_rule = ScopeRule(region="subject__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview case")
        verbose_name_plural = _("interview cases")
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One case at a time per subject and flag: a second click, or the nightly job, opens none.
            models.UniqueConstraint(
                fields=["subject", "flag_key", "detail"],
                condition=~Q(status=CaseStatus.CLOSED),
                name="one_open_case_per_subject_and_flag",
            ),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.CLOSED, closed_on__isnull=False) | ~Q(status=CaseStatus.CLOSED),
                name="closed_case_has_its_day",
            ),
        ]

    def __str__(self):
        return f"{self.subject} · {self.flag_label} · {self.flag_day}"


@tracked()
class Interview(DeadlineFields):
    """约谈记录: when and where, who attended, the minutes; the rectification deadline runs from it in
    working days (RECTIFICATION_WORKING_DAYS, procurement.workdays)."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="interview")
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200)
    attendees = models.TextField(_("attendees"), max_length=REASON_MAX_LENGTH)
    minutes = models.TextField(_("minutes"), max_length=LONG_TEXT_MAX_LENGTH)
    recorded_by = models.ForeignKey(User, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_rule = ScopeRule(region="case__subject__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self):
        return f"{self.case_id} · {self.held_on}"


@tracked()
class CaseEvidence(models.Model):
    """整改材料: a document of the rectification received (a PDF or an image, checked by its bytes)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("document"), upload_to="supervision/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    note = models.CharField(_("note"), max_length=500, blank=True)
    received_on = models.DateField(_("received on"))
    uploaded_by = models.ForeignKey(User, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    scope_rule = ScopeRule(region="case__subject__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification document")
        verbose_name_plural = _("rectification documents")
        ordering = ["received_on", "id"]

    def __str__(self):
        return self.name


@tracked(bulk_inserts=True)
class AbnormalItem(models.Model):
    """异常价格和采购: one finding of the nightly detection (R-SUP-4) for the bureau to review — a listing
    price raised too much or too often, far above another province's, or a hospital's purchases far above
    its own history — with the figures it was found on. One row per kind, subject, product and month: a
    re-run the same month refreshes a pending item's figures and adds nothing."""

    kind = models.CharField(_("kind"), max_length=30, choices=AnomalyKind.choices)
    subject = models.ForeignKey(Organisation, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(_("subject kind"), max_length=10, choices=SubjectKind.choices)
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("month"), max_length=7)  # YYYY-MM of the detection
    figures = models.JSONField(_("figures"), default=dict)
    detected_on = models.DateField(_("detected on"))
    status = models.CharField(_("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    reviewed_by = models.ForeignKey(
        User, verbose_name=_("reviewed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("note"), max_length=REASON_MAX_LENGTH, blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )

    scope_rule = ScopeRule(region="subject__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("abnormal price or purchase")
        verbose_name_plural = _("abnormal prices and purchases")
        ordering = ["-detected_on", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "product", "period"], name="one_abnormal_item_per_kind_subject_month"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.subject} · {self.product}"

    @property
    def explanation(self) -> str:
        """The finding in one line with its figures: "上调 3 次 / 90 天", "本省 12.50 元，最低省份 8.00 元（浙江）"."""
        from supervision.explain import explain

        return explain(self.kind, self.figures)


def _delivers_in(region):
    """A bureau sees the stock of the distributors that deliver to hospitals of its region (R-SUP-2)."""
    from django.db.models import Exists, OuterRef

    from procurement.orders.models import OrderLine

    return Q(
        Exists(
            OrderLine.objects.filter(
                distributor=OuterRef("distributor"), hospital__region__path__startswith=region.path
            )
        )
    )


@tracked()
class StockReport(models.Model):
    """库存报告: a distributor's stock of one product at the end of a month (R-SUP-6), filed by the distributor
    on its page or through the API; filing the same month again corrects it."""

    distributor = models.ForeignKey(
        Organisation, verbose_name=_("distributor"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    stock_packs = models.PositiveIntegerField(_("stock (packs)"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    reported_by = models.ForeignKey(User, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported"), auto_now=True)

    scope_rule = ScopeRule(distributor="distributor", region=_delivers_in)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock report")
        verbose_name_plural = _("stock reports")
        ordering = ["-month", "distributor_id", "product_id"]
        constraints = [
            models.UniqueConstraint(fields=["distributor", "product", "month"], name="one_stock_report_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="stock_report_month_first_day"),
        ]

    def __str__(self):
        return f"{self.distributor} · {self.product} · {self.month:%Y-%m}"


class IndicatorValue(models.Model):
    """One indicator's figure for one hospital and one month (R-SUP-1): its numerator and its denominator, as
    the parts registered for it sum them. Written by the nightly job only (``supervision.indicator_jobs``): the current
    month, and the previous one until it is frozen (INDICATOR_FREEZE_DAYS after its end); a frozen month is
    never rewritten. Not in the audit trail: the job's counts are in its run, and the figures are derived.

    A region's figure is the sum of its hospitals' numerators over the sum of their denominators, never an
    average of their rates (``supervision.indicator_selectors``)."""

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
