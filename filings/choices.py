from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingBasis(models.TextChoices):
    """Why a product may be filed for (R-FIL-1): 000 §(五) and 004 §二(三)."""

    UNLISTED_GENERIC = "unlisted", _("Clinically needed, no listing under its generic name")
    SHORTAGE = "shortage", _("Shortage drug with no listed substitute")
    EMERGENCY_APPROVAL = "emergency", _("Emergency approval (public-health emergency) with no listed substitute")
    LOW_USE = "low_use", _("Very low use, hard to procure, with no listed substitute")


# The bases of 004 §二(三): the product is judged against listed substitutes (same generic name and
# dosage form), not against every listing of its generic name.
SUBSTITUTE_BASES = (FilingBasis.SHORTAGE, FilingBasis.EMERGENCY_APPROVAL, FilingBasis.LOW_USE)


class FilingStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting the monthly confirmation")
    APPROVED = "approved", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


# R-FIL-3: a filing is decided once, in a monthly batch.
FILING_TRANSITIONS = {
    FilingStatus.SUBMITTED: {FilingStatus.APPROVED, FilingStatus.REJECTED},
    FilingStatus.APPROVED: set(),
    FilingStatus.REJECTED: set(),
}


class WarningPeriod(models.TextChoices):
    """R-FIL-5: a hospital's filed amount is watched per month and per year."""

    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
