"""What a company's credit record is made of (DOMAIN.md R-SUP-3, R-LIST-14)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditEventKind(models.TextChoices):
    """R-SUP-3: what a company can be recorded for (000 §(十五)), plus the linkage default (R-LIST-10)."""

    FALSE_DOCUMENTS = "false_documents", _("False documents")
    UNTRUE_PRICE = "untrue_price", _("Untrue price declaration")
    COLLUSIVE_BIDDING = "collusive_bidding", _("Collusive bidding")
    ABNORMAL_PRICE_RISE = "abnormal_price_rise", _("Abnormal price rises")
    REGIONAL_PRICE_GAP = "regional_price_gap", _("Large regional price gaps")
    QUALITY_PROBLEM = "quality_problem", _("Quality problems")
    FAILURE_TO_SUPPLY = "failure_to_supply", _("Failure to supply or deliver")
    BRIBERY = "bribery", _("Bribery")
    PRICE_LINKAGE_OVERDUE = "price_linkage_overdue", _("No compliant price by the price-linkage deadline")


class Severity(models.TextChoices):
    """R-SUP-3: how grave one failing is (after the national 医药价格和招采信用评价 grades)."""

    GENERAL = "general", _("General")  # 一般
    MODERATE = "moderate", _("Moderate")  # 中等
    SERIOUS = "serious", _("Serious")  # 严重
    ESPECIALLY_SERIOUS = "especially_serious", _("Especially serious")  # 特别严重


class SanctionKind(models.TextChoices):
    """R-SUP-3's two sanctions: one product delisted, or the company on the bad-record list."""

    BAD_RECORD = "bad_record", _("Bad-record list")
    DELISTING = "delisting", _("Product delisted")


# R-SUP-3: a company's grade is the gravest severity among its unrepaired events (the same four words).
GRADE_RANK = {
    Severity.GENERAL: 1,
    Severity.MODERATE: 2,
    Severity.SERIOUS: 3,
    Severity.ESPECIALLY_SERIOUS: 4,
}


class Measure(models.TextChoices):
    """R-SUP-3: what a grade brings, from the mildest; each includes what comes before it."""

    REMINDER = "reminder", _("Written reminder")  # 书面提醒
    INTERVIEW = "interview", _("Interview and rectification")  # 约谈整改
    WARNING = "warning", _("Credit warning, limited new listings and bids")  # 信用警示，限制挂网和投标
    SUSPENSION = "suspension", _("Listing and bidding suspended")  # 暂停挂网和投标


MEASURE_RANK = {Measure.REMINDER: 1, Measure.INTERVIEW: 2, Measure.WARNING: 3, Measure.SUSPENSION: 4}
