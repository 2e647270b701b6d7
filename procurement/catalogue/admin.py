from django.contrib import admin

from procurement.catalogue.models import NationalPriceImport, Product
from procurement.core.admin import RecordAdmin


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "generic_name",
        "trade_name",
        "dosage_form",
        "specification",
        "pack_quantity",
        "manufacturer",
    ]
    list_filter = [
        "is_originator",
        "is_consistency_evaluated",
        "is_national_negotiated",
        "is_shortage",
        "controlled_category",
    ]
    search_fields = ["code", "generic_name", "trade_name", "approval_number", "search_initials"]
    autocomplete_fields = ["manufacturer", "holder"]


@admin.register(NationalPriceImport)
class NationalPriceImportAdmin(RecordAdmin):
    """Loads are made on the feed page; the record of each is read-only."""

    list_display = ["original_name", "status", "uploaded_by", "created_at", "rows_total", "error_count"]
    list_filter = ["status"]
