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
