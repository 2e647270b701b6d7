"""Ordering of API lists by what each view declares, and nothing else (issue 11 #9).

DRF's OrderingFilter, when a view names no ``ordering_fields``, offers every serializer field and
inspects the model class's attributes to do so — on the national prices that raised a 500 for any
``?ordering=`` an anonymous visitor sent. Here a view without ``ordering_fields`` simply keeps its own
order, and an unknown field is ignored, as DRF does for declared fields.
"""

from rest_framework.filters import OrderingFilter


class DeclaredOrderingFilter(OrderingFilter):
    def get_valid_fields(self, queryset, view, context=None):
        if getattr(view, "ordering_fields", None) is None:
            return []
        return super().get_valid_fields(queryset, view, context or {})
