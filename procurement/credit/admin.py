"""Credit records in the back office: read only. They are recorded on the bureau's pages or through
the API (``procurement.credit.services``), which check who may, give the reason to the audit trail
and make the sanction take effect in every channel."""

from django.contrib import admin

from procurement.core.admin import RecordAdmin
from procurement.credit.models import BadRecord, CreditEvent, ProductDelisting


@admin.register(CreditEvent)
class CreditEventAdmin(RecordAdmin):
    list_display = ["organisation", "kind", "severity", "occurred_on", "source", "recorded_by"]
    list_filter = ["kind", "severity"]
    search_fields = ["organisation__name", "description", "source"]


@admin.register(BadRecord)
class BadRecordAdmin(RecordAdmin):
    list_display = ["organisation", "starts_on", "ends_on", "recorded_by"]
    search_fields = ["organisation__name", "reason"]


@admin.register(ProductDelisting)
class ProductDelistingAdmin(RecordAdmin):
    list_display = ["product", "manufacturer", "starts_on", "ends_on", "recorded_by"]
    search_fields = ["product__code", "product__generic_name", "manufacturer__name"]
