from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    WORKDAY = "workday", _("Working day")
    WEEKEND = "weekend", _("Weekend")
    HOLIDAY = "holiday", _("Public holiday")
    ADJUSTED_WORKDAY = "adjusted", _("Adjusted working day (调休上班)")

    @classmethod
    def is_working(cls, kind: str) -> bool:
        return kind in (cls.WORKDAY, cls.ADJUSTED_WORKDAY)


class CalendarSource(models.TextChoices):
    LIBRARY = "library", _("chinese-calendar library")
    ADMINISTRATOR = "admin", _("Entered by an administrator")
