"""Filters of the ordering pages: the buy page's search, the order list's."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy, pgettext_lazy

from procurement.catalogue.models import Product
from procurement.catalogue.selectors import product_search, product_search_or_near
from procurement.core.scoping import visible_to
from procurement.orders.choices import OrderState
from procurement.orders.models import Order, OrderLine
from procurement.organisations.choices import OrganisationKind
from procurement.organisations.models import Organisation
from procurement.web.filters import NamedChoiceFilter, PlatformFilterSet, own_party


class OfferFilter(PlatformFilterSet):
    """The buy page: several words (names, strength, pinyin initials, a code, a manufacturer), a dosage
    form, a manufacturer."""

    q = django_filters.CharFilter(
        label=gettext_lazy("Search"),
        method="search",
        help_text=gettext_lazy(
            "Several words: generic or trade name, strength (20mg), pinyin initials (atft), drug code or manufacturer"
        ),
    )
    dosage_form = django_filters.CharFilter(label=gettext_lazy("dosage form"))
    manufacturer = NamedChoiceFilter(
        label=gettext_lazy("manufacturer"), queryset=Organisation.objects.filter(kind=OrganisationKind.MANUFACTURER)
    )

    class Meta:
        model = Product
        fields = ["q", "dosage_form", "manufacturer"]

    def search(self, queryset, name, value):
        return product_search_or_near(queryset, value)


class OrderFilter(PlatformFilterSet):
    """The order list (issue 12): by state, the day ordered (from, to), distributor, and a search of the
    products ordered (or the order's number). Distributor and product look only at the lines the reader
    may see (issue 11 #2): a distributor never finds an order by another distributor's line."""

    q = django_filters.CharFilter(
        label=gettext_lazy("Search"),
        method="search",
        help_text=gettext_lazy("Order number, or a product: generic or trade name, pinyin initials, drug code"),
    )
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("state"), choices=OrderState.choices, field_name="state_seen"
    )
    ordered_from = django_filters.DateFilter(
        label=pgettext_lazy("period", "from"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ordered_to = django_filters.DateFilter(
        label=pgettext_lazy("period", "to"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    distributor = NamedChoiceFilter(
        label=gettext_lazy("distributor"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.DISTRIBUTOR).order_by("name"),
        method="by_distributor",
    )

    # a distributor sees its own lines only: the choice would mean nothing (PlatformFilterSet)
    party_filters = {"distributor": own_party("lines__distributor", OrganisationKind.DISTRIBUTOR)}

    class Meta:
        model = Order
        fields = ["q", "state", "ordered_from", "ordered_to", "distributor"]

    def _lines(self):
        return visible_to(getattr(self.request, "user", None), OrderLine).filter(order=OuterRef("pk"))

    def by_distributor(self, queryset, name, value):
        return queryset.filter(Exists(self._lines().filter(distributor=value)))

    def search(self, queryset, name, value):
        found = product_search(Product.objects.all(), value)
        condition = Q(Exists(self._lines().filter(product__in=found.values("pk"))))
        number = value.strip().lstrip("#")
        if number.isascii() and number.isdigit() and len(number) <= 18:
            condition |= Q(pk=int(number))
        return queryset.filter(condition)
