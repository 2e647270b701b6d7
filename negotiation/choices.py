from django.db import models
from django.utils.translation import gettext_lazy as _


class ThreadStatus(models.TextChoices):
    OPEN = "open", _("In negotiation")
    AGREED = "agreed", _("Agreed")
    DECLINED = "declined", _("Declined")


class Party(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    MANUFACTURER = "manufacturer", _("Manufacturer")


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    SUPERSEDED = "superseded", _("Superseded")


class Zone(models.TextChoices):
    """R-NEG-6: 红黄蓝 — 调控 / 预警 / 提醒; at or below the peers' lowest, no alert."""

    RED = "red", _("Red (control)")
    YELLOW = "yellow", _("Yellow (warning)")
    BLUE = "blue", _("Blue (reminder)")
    NONE = "none", _("No alert")
    UNZONED = "unzoned", _("Too few peers")


ALERT_ZONES = (Zone.RED, Zone.YELLOW, Zone.BLUE)
