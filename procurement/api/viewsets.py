"""The base of every API viewset: the queryset is scoped before any lookup (STYLE.md §5).

A subclass names ``queryset``; ``get_queryset`` restricts it to what the requesting user may see
through ``procurement.core.scoping``, so an object outside scope is a 404 for retrieve, update
and every action alike.
"""

from rest_framework import mixins, viewsets

from procurement.core.scoping import visible_to


class ScopedViewSetMixin:
    def get_queryset(self):
        return visible_to(self.request.user, super().get_queryset())


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedListViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    pass
