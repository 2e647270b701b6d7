"""The base of every API viewset: the queryset is scoped before any lookup (STYLE.md §5).

A subclass names ``queryset``; ``get_queryset`` restricts it to what the requesting user may see
through ``procurement.core.scoping``, so an object outside scope is a 404 for retrieve, update
and every action alike.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement.core.changes import pull
from procurement.core.errors import DomainError
from procurement.core.scoping import visible_to


class ScopedViewSetMixin:
    def get_queryset(self):
        return visible_to(self.request.user, super().get_queryset())


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedListViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    pass


class PullSchema(AutoSchema):
    """What a pull answers (R-ORD-5): a page of the view's rows, the cursor to send next, whether more wait."""

    def get_override_parameters(self):
        return [
            OpenApiParameter(
                "cursor", str, description="The next_cursor of the previous answer; none for the first pull."
            )
        ]

    def get_response_serializers(self):
        rows = self.view.serializer
        return inline_serializer(
            name=rows.__name__.removesuffix("Serializer") + "Changes",
            fields={
                "results": rows(many=True),
                "next_cursor": serializers.CharField(help_text="Send it as `cursor` next time."),
                "more": serializers.BooleanField(help_text="Whether more changes wait: ask again at once."),
            },
        )


class PullView(APIView):
    """The changes a user may see since its cursor (R-ORD-5), oldest first; never skips a row committed late.

    A subclass names the ``queryset`` (of a model with ``change_xid``) and the ``serializer``.
    """

    serializer = None
    queryset = None
    schema = PullSchema()

    def get(self, request):
        try:
            page = pull(request.user, self.queryset.all(), request.query_params.get("cursor"))
        except ValueError:
            raise DomainError(
                _("The cursor is the next_cursor of a previous answer."), code="invalid", field="cursor"
            ) from None
        return Response(
            {"results": self.serializer(page.rows, many=True).data, "next_cursor": page.next_cursor, "more": page.more}
        )
