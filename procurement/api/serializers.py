"""Serializers shared by every app's API."""

from rest_framework import serializers

from procurement.api.fields import TextField
from procurement.core.limits import REASON_MAX_LENGTH


class ReasonSerializer(serializers.Serializer):
    reason = TextField(
        required=False,
        allow_blank=True,
        default="",
        max_length=REASON_MAX_LENGTH,
        help_text="Why: shown to the other party.",
    )


def reason_from(request) -> str:
    """The ``reason`` an action's JSON body gives: the body an object, the reason text of at most
    REASON_MAX_LENGTH characters — else a 400 naming the field (issue 11 #9, #11)."""
    data = ReasonSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data["reason"]


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
