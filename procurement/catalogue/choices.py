"""Choices of the drug catalogue (DOMAIN.md §2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MedicineType(models.TextChoices):
    """The first character of the national drug code."""

    WESTERN = "X", _("Western medicine")
    CHINESE_PATENT = "Z", _("Chinese patent medicine")


class ControlledCategory(models.TextChoices):
    NONE = "", _("None")
    NARCOTIC = "narcotic", _("Narcotic")
    PSYCHOTROPIC = "psychotropic", _("Psychotropic")
    VACCINE = "vaccine", _("Vaccine")
    TCM_DECOCTION_PIECE = "tcm_piece", _("TCM decoction piece")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Refused")
