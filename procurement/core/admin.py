from django.contrib import admin

from procurement.core.models import JobRun


class RecordAdmin(admin.ModelAdmin):
    """A record the platform writes itself (a job run, an import, an issued key): read, never edited here."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(RecordAdmin):
    list_display = ["name", "status", "triggered_by", "started_at", "finished_at", "counts"]
    list_filter = ["status", "name"]
