"""Supervision (综合监管), DOMAIN.md §9: interview cases (R-SUP-5), the abnormal price and purchase review
list (R-SUP-4), distributors' stock reports (R-SUP-6). Indicators and reports are another part of the app.

The credit records it reads (events, the bad-record list, delistings, grades) live in the core,
``procurement.credit``; the flags it opens cases from come from the core's flag registry
(``procurement.core.flags``): supervision imports no channel app."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procurement.core.audit import tracked
from procurement.core.limits import LONG_TEXT_MAX_LENGTH, REASON_MAX_LENGTH
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.models import Organisation, User
from procurement.workdays.models import DeadlineFields
from supervision.choices import CaseStatus, Conclusion, SubjectKind


@tracked()
class Case(models.Model):
    """约谈整改: a flagged hospital or company called to an interview and given a deadline to rectify
    (R-SUP-5). Keeps the flag as it read on the day the case was opened (its explanation and figures),
    so the case explains itself after the flag has gone. Bureau staff only; a city or county bureau
    sees the cases of subjects in its region (R-SUP-2)."""

    subject = models.ForeignKey(Organisation, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(_("subject kind"), max_length=10, choices=SubjectKind.choices)
    flag_key = models.CharField(_("flag"), max_length=40)
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
