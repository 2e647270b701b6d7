"""The statutory calendar in the back office: add a year, load its holidays, review, publish.

A year's days are not edited one by one here (a page of 365 forms posts more fields than a request
may carry): the administrator adds a year — its days from the chinese-calendar library when it
knows the year, else weekends off and the holidays and adjusted working days of the State Council's
notice, uploaded as an Excel or CSV file (日期, 类型 放假 / 调休上班, 名称) — reviews the year's
exceptions on its page, uploads a corrected notice if need be, and publishes it (an action), which
makes every provisional deadline final.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from procurement.core.errors import DomainError
from procurement.workdays import services
from procurement.workdays.choices import DayKind
from procurement.workdays.models import CalendarDay, CalendarYear


class CalendarYearForm(forms.ModelForm):
    exceptions = forms.FileField(
        label=_("holidays and adjusted working days"),
        required=False,
        help_text=_(
            "The State Council's notice as an Excel or CSV file: 日期, 类型 (放假 or 调休上班), 名称. "
            "Without it, a year the chinese-calendar library knows is loaded from the library; any other "
            "year starts with weekends off."
        ),
    )

    class Meta:
        model = CalendarYear
        fields = ["year", "notice"]

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year") or (self.instance.year if self.instance.pk else None)
        if self.instance.pk and self.instance.is_published and cleaned.get("exceptions"):
            raise forms.ValidationError(_("This year is published; it can no longer be edited."))
        upload = cleaned.get("exceptions")
        cleaned["notice_days"] = None
        if upload and year:
            try:
                cleaned["notice_days"] = services.read_notice(year, upload)
            except DomainError as error:
                for problem in error.problems:
                    where = problem.params.get("row")
                    column = problem.params.get("column")
                    prefix = f"{where} · {column}: " if where and column else (f"{column}: " if column else "")
                    self.add_error("exceptions", prefix + str(problem.message))
        return cleaned


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearForm
    list_display = ["year", "source", "is_published", "notice", "published_at"]
    readonly_fields = ["source", "is_published", "published_at", "exceptions_of_the_year"]
    actions = ["publish"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["year", "notice", "exceptions"]
        return ["year", "notice", "exceptions", "exceptions_of_the_year", "source", "is_published", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "year"] if obj else []

    @admin.display(description=_("holidays and adjusted working days of the year"))
    def exceptions_of_the_year(self, obj):
        days = CalendarDay.objects.filter(year=obj, kind__in=[DayKind.HOLIDAY, DayKind.ADJUSTED_WORKDAY])
        return format_html_join(
            "", "<div>{} · {} · {}</div>", ((day.date.isoformat(), day.get_kind_display(), day.name) for day in days)
        ) or _("none")

    def save_model(self, request, obj, form, change):
        notice_days = form.cleaned_data.get("notice_days")
        if not change:
            calendar_year = services.calendar_year_add(obj.year, notice=obj.notice, exceptions=notice_days)
            obj.pk = calendar_year.pk
            obj._state.adding = False
            return
        if notice_days is not None:
            services.calendar_year_set_exceptions(obj.year, notice_days, notice=obj.notice)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected years"))
    def publish(self, request, queryset):
        for calendar_year in queryset:
            try:
                changed = services.calendar_year_publish(calendar_year.year, notice=calendar_year.notice or "")
            except DomainError as error:
                self.message_user(request, f"{calendar_year.year}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(year)d published; %(n)d provisional deadlines recomputed.")
                    % {"year": calendar_year.year, "n": changed},
                )
