"""Filter fields shared by the list pages, and the base of every page's filter set."""

from dataclasses import dataclass

import django_filters
from django import forms
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_filters.fields import ModelChoiceField, ModelChoiceIterator
from django_filters.widgets import BooleanWidget

from procurement.web.widgets import QuickSelect

# What a filter left unchosen says: "全部", not Django's "---------" nor "未知" (issue 12).
ALL = pgettext_lazy("filter", "All")


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


@dataclass(frozen=True)
class OwnParty:
    """A filter that chooses among parties (``field``: the rows' party, e.g. ``manufacturer``). A user
    of one of ``kinds`` whose scoped rows are all their own organisation's has nothing to choose: the
    filter is not shown to them (a manufacturer's own declarations offered a choice of 21 manufacturers)."""

    field: str
    kinds: tuple[str, ...]


def own_party(field: str, *kinds: str) -> OwnParty:
    return OwnParty(field, kinds)


class PlatformFilterSet(django_filters.FilterSet):
    """The base of every page's filters (issue 12): an unchosen filter reads 全部; a filter the user
    cannot use is not shown (and, not being in the form, is not applied either).

    ``party_filters``: ``{filter name: own_party(field, kind, …)}`` — see ``OwnParty``.
    """

    party_filters: dict[str, OwnParty] = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        for name in self.unusable_filters():
            del self.filters[name]

    def unusable_filters(self) -> list[str]:
        user = getattr(self.request, "user", None)
        kind = getattr(user, "kind", "") if user is not None and user.is_authenticated else ""
        if not kind or self.queryset is None:
            return []
        return [
            name
            for name, party in self.party_filters.items()
            if name in self.filters
            and kind in party.kinds
            and not self.queryset.exclude(**{f"{party.field}_id": user.organisation_id}).exists()
        ]

    @property
    def form(self):
        if not hasattr(self, "_form"):
            # the form's own fields: a filter's field made before (an API schema reads them) is copied
            # with the choices it was made with
            for field in super().form.fields.values():
                _offer_all(field)
        return self._form


def _offer_all(field: forms.Field) -> None:
    """The empty choice of a filter's field reads 全部."""
    if isinstance(field, forms.NullBooleanField):
        # Django's NullBooleanSelect says 未知 / 是 / 否; a filter means all / yes / no.
        value = "" if isinstance(field.widget, BooleanWidget) else "unknown"
        field.widget.choices = [(value, ALL), ("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))]
    elif getattr(field, "empty_label", None) is not None:
        field.empty_label = ALL
        field.widget.choices = field.choices
    elif isinstance(field, forms.ChoiceField):
        field.choices = [(value, ALL if value == "" else label) for value, label in field.choices]
