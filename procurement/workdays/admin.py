from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from procurement.core.errors import DomainError
from procurement.workdays import services
from procurement.workdays.choices import DayKind
from procurement.workdays.models import CalendarDay, CalendarYear


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["kind", "name"]

    def save(self, commit=True):
        self.instance.is_working_day = DayKind.is_working(self.instance.kind)
        return super().save(commit)


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    form = CalendarDayForm
    fields = ["date", "kind", "name"]
    readonly_fields = ["date"]
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_published


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Load next year's holidays: add the year (weekends off), mark its holidays and adjusted
    working days, then publish it; provisional deadlines are recomputed at once."""

    list_display = ["year", "source", "is_published", "notice", "published_at"]
    readonly_fields = ["source", "is_published", "published_at"]
    fields = ["year", "notice", "source", "is_published", "published_at"]
    actions = ["publish"]
    inlines = [CalendarDayInline]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "year"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        calendar_year = services.calendar_year_draft(obj.year)
        calendar_year.notice = obj.notice
        calendar_year.save(update_fields=["notice"])
        obj.pk = calendar_year.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

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
