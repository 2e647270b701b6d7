"""Serializers shared by every app's API."""

from rest_framework import serializers


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Why: shown to the other party."
    )


class FieldsBuiltOnce:
    """A read-only serializer whose fields are built once per class, not for every instance.

    DRF builds a ModelSerializer's fields anew for each instance; on the order path (every HIS order
    answers with its lines) that costs more than the rest of the request. Only for serializers whose
    fields do not depend on the context: no request-bound hyperlinks, no per-user fields.
    """

    @property
    def fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = serializers.Serializer.fields.func(self)
            cls._fields_built_once = built
        return built
