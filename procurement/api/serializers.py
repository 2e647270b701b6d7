"""Serializers shared by every app's API."""

import contextlib
from operator import attrgetter

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from rest_framework import fields, relations, serializers

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


# Fields whose value is the model attribute their source names, formatted by their own to_representation.
_PLAIN_FIELDS = (
    fields.BooleanField,
    fields.CharField,
    fields.ChoiceField,
    fields.DateField,
    fields.DateTimeField,
    fields.DecimalField,
    fields.FloatField,
    fields.IntegerField,
    fields.ReadOnlyField,
)


def _generic(field, instance):
    """DRF's own way for one field (``Serializer.to_representation``); ``fields.SkipField`` to leave it out."""
    attribute = field.get_attribute(instance)
    check_for_none = attribute.pk if isinstance(attribute, relations.PKOnlyObject) else attribute
    return None if check_for_none is None else field.to_representation(attribute)


class RepresentedDirectly(FieldsBuiltOnce):
    """A read-only serializer that represents an instance by a plan compiled once per class, not by DRF's
    generic walk (on the order path, every HIS order answers with its lines: DRF's walk cost more than
    reading the order). The plan reads each field's source with a compiled getter and formats it with the
    field's own ``to_representation``: a foreign key's id from its column (as DRF's pk-only
    optimisation does), a nested list of such serializers item by item; any other field, and any value
    the getter cannot reach or that is callable, goes DRF's own way. The result is DRF's, field for field
    (``tests/api/test_represented_directly.py`` compares them).
    """

    def to_representation(self, instance):
        plan = type(self).__dict__.get("_representation_plan")
        if plan is None:
            plan = type(self)._representation_plan = self._compile_representation()
        result = {}
        for name, field, kind, getter in plan:
            if kind == "generic":
                with contextlib.suppress(fields.SkipField):
                    result[name] = _generic(field, instance)
                continue
            try:
                value = getter(instance)
            except (AttributeError, KeyError, ObjectDoesNotExist):
                value = getter  # a marker: go DRF's way, with its defaults and errors
            if value is getter or (callable(value) and kind != "list"):
                with contextlib.suppress(fields.SkipField):
                    result[name] = _generic(field, instance)
            elif value is None:
                result[name] = None
            elif kind == "pk":
                result[name] = value
            elif kind == "list":
                items = value.all() if isinstance(value, models.manager.BaseManager) else value
                child = field.child
                result[name] = [child.to_representation(item) for item in items]
            else:
                result[name] = field.to_representation(value)
        return result

    def _compile_representation(self):
        plan = []
        for name, field in self.fields.items():
            if field.write_only:
                continue
            attrs = field.source_attrs
            kind, getter = "generic", None
            if not attrs or field.source == "*":
                pass
            elif isinstance(field, relations.PrimaryKeyRelatedField):
                model = getattr(getattr(self, "Meta", None), "model", None)
                if field.pk_field is None and len(attrs) == 1 and model is not None:
                    kind, getter = "pk", attrgetter(model._meta.get_field(attrs[0]).attname)
            elif isinstance(field, serializers.ListSerializer):
                if isinstance(field.child, RepresentedDirectly):
                    kind, getter = "list", attrgetter(".".join(attrs))
            elif type(field) in _PLAIN_FIELDS:
                kind, getter = "plain", attrgetter(".".join(attrs))
            plan.append((name, field, kind, getter))
        return tuple(plan)
