"""The Chinese statutory working-day calendar (工作日), DOMAIN.md §2.

A year counts only once it is *published*: all its days are in ``CalendarDay`` and an
administrator (or the seeding from the ``chinese-calendar`` library) has marked it complete. A
deadline that reaches into an unpublished year is computed on weekdays and marked provisional
(``add_working_days``); ``DeadlineFields`` lets any model hold such a deadline and have it
recomputed when the year is published.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procurement.core.audit import tracked
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.workdays.choices import CalendarSource, DayKind


@tracked()
class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=10, choices=CalendarSource.choices)
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only a published year counts: until then its deadlines are provisional."),
    )
    notice = models.CharField(
        _("State Council notice"), max_length=200, blank=True, help_text=_("e.g. 国办发明电〔2026〕7号")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    scope_rule = ScopeRule(public=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


@tracked()
class CalendarDay(models.Model):
    date = models.DateField(_("date"), primary_key=True)
    year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", db_column="year", verbose_name=_("year")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("holiday"), max_length=30, blank=True, help_text=_("e.g. 国庆节"))

    scope_rule = ScopeRule(public=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_working_day=True, kind__in=[DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY])
                | Q(is_working_day=False, kind__in=[DayKind.WEEKEND, DayKind.HOLIDAY]),
                name="calendar_day_kind_matches_working",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class DeadlineFields(models.Model):
    """A deadline counted in working days from a start date (R-LIST-10 and others).

    The start and the count are kept so that a provisional deadline can be recomputed when the
    calendar of its year is published (``recompute_provisional_deadlines``).
    """

    deadline_start = models.DateField(_("counted from"))
    deadline_working_days = models.PositiveSmallIntegerField(_("working days"))
    deadline = models.DateField(_("deadline"), db_index=True)
    deadline_provisional = models.BooleanField(
        _("provisional deadline"),
        default=False,
        help_text=_("Computed on weekdays: the calendar of its year is not published yet."),
    )

    class Meta:
        abstract = True
