"""Statuses of supervision's records, with the allowed transitions beside them (STYLE.md §1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """R-SUP-5: flagged → interview recorded (deadline running) → closed with a conclusion."""

    OPEN = "open", _("Awaiting interview")  # 待约谈
    RECTIFYING = "rectifying", _("Rectifying")  # 整改中
    CLOSED = "closed", _("Closed")  # 已结案


CASE_TRANSITIONS = {
    CaseStatus.OPEN: {CaseStatus.RECTIFYING},
    CaseStatus.RECTIFYING: {CaseStatus.CLOSED},
    CaseStatus.CLOSED: set(),
}


class Conclusion(models.TextChoices):
    ACCEPTED = "accepted", _("Rectification accepted")  # 整改合格
    NOT_ACCEPTED = "not_accepted", _("Rectification not accepted")  # 整改不合格


class SubjectKind(models.TextChoices):
    HOSPITAL = "hospital", _("Medical institution")
    COMPANY = "company", _("Company")


class AnomalyKind(models.TextChoices):
    """R-SUP-4: what the nightly detection finds."""

    PRICE_RISE_SIZE = "price_rise_size", _("Large price rise")  # 涨幅过大
    PRICE_RISE_FREQUENCY = "price_rise_frequency", _("Frequent price rises")  # 涨价频繁
    REGIONAL_GAP = "regional_gap", _("Large gap to other provinces")  # 区域价差过大
    PURCHASE_SPIKE = "purchase_spike", _("Purchase spike")  # 采购量异常


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    REVIEWED = "reviewed", _("Reviewed")
    CASE_OPENED = "case_opened", _("Case opened")
