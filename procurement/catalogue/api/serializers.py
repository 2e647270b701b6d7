from rest_framework import serializers

from procurement.catalogue.models import NationalPrice, NationalPriceImport, NationalPriceImportError, Product


class ProductSerializer(serializers.ModelSerializer):
    manufacturer = serializers.CharField(source="manufacturer.name", read_only=True)
    manufacturer_id = serializers.IntegerField(read_only=True)
    holder = serializers.CharField(source="holder.name", read_only=True)

    class Meta:
        model = Product
        fields = [
            "code",
            "generic_name",
            "trade_name",
            "dosage_form",
            "specification",
            "route",
            "pack_quantity",
            "minimum_unit",
            "pack_unit",
            "manufacturer_id",
            "manufacturer",
            "holder",
            "approval_number",
            "is_originator",
            "is_reference",
            "is_consistency_evaluated",
            "is_national_negotiated",
            "payment_standard",
            "agreement_valid_from",
            "agreement_valid_until",
            "is_innovative",
            "registration_date",
            "is_designated_production",
            "is_provincial_reserve",
            "is_shortage",
            "controlled_category",
            "updated_at",
        ]


class NationalPriceSerializer(serializers.ModelSerializer):
    class Meta:
        model = NationalPrice
        fields = ["product_code", "province", "price", "effective_date"]


class NationalLowestSerializer(serializers.Serializer):
    product_code = serializers.CharField()
    price = serializers.DecimalField(max_digits=14, decimal_places=4)
    province = serializers.CharField()
    province_name = serializers.CharField()
    effective_date = serializers.DateField()


class NationalPriceImportSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)

    class Meta:
        model = NationalPriceImport
        fields = [
            "id",
            "original_name",
            "sha256",
            "status",
            "uploaded_by",
            "created_at",
            "started_at",
            "finished_at",
            "rows_total",
            "provinces",
            "rows_replaced",
            "error_count",
            "message",
        ]
        read_only_fields = fields


class NationalPriceImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField()


class NationalPriceImportErrorSerializer(serializers.ModelSerializer):
    class Meta:
        model = NationalPriceImportError
        fields = ["row", "column", "value", "reason"]
