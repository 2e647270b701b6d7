"""Filter fields shared by the list pages."""

import django_filters
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from procurement.web.widgets import QuickSelect


class NamedChoiceIterator(ModelChoiceIterator):
    """The choices as ``(pk, name)``, read in one query: no model instance, no server-side cursor."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self.queryset.values_list("pk", "name")


class NamedModelChoiceField(ModelChoiceField):
    iterator = NamedChoiceIterator


class NamedChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of one object of a model whose ``str()`` is its ``name`` (organisations), among hundreds:
    the options are read as values and written without a template each (``QuickSelect``). Reading every
    manufacturer as a model instance through a server-side cursor, then writing each option through
    Django's form templates, took 60 ms of each search page (bench/search.py)."""

    field_class = NamedModelChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(*args, **kwargs)
