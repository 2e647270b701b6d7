from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from procurement.api.viewsets import ScopedReadOnlyViewSet
from procurement.catalogue.selectors import product_by_code
from procurement.core.errors import PermissionDenied
from procurement.core.scoping import visible_to
from procurement.credit import selectors, services
from procurement.credit.api.serializers import (
    BadRecordInputSerializer,
    BadRecordSerializer,
    CreditEventInputSerializer,
    CreditEventSerializer,
    DelistingInputSerializer,
    DelistingSerializer,
    PublicBadRecordSerializer,
    PublicDelistingSerializer,
)
from procurement.credit.models import BadRecord, CreditEvent, ProductDelisting
from procurement.organisations.models import Organisation


def _credit_event(request, event_id):
    return get_object_or_404(visible_to(request.user, CreditEvent), pk=event_id) if event_id else None


class CreditEventViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """R-SUP-3: credit events of companies. The provincial bureau records them; a company reads its own."""

    queryset = CreditEvent.objects.select_related("organisation", "recorded_by")
    serializer_class = CreditEventSerializer
    filterset_fields = ["organisation", "kind", "severity"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=CreditEventInputSerializer, responses={201: CreditEventSerializer})
    def create(self, request, *args, **kwargs):
        if not services.can_record_credit(request.user):
            raise PermissionDenied(
                _("Only the provincial bureau's supervisors keep the credit records."), code="forbidden"
            )
        data = CreditEventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organisation = get_object_or_404(visible_to(request.user, Organisation), pk=values.pop("organisation"))
        event = services.credit_event_record(actor=request.user, organisation=organisation, **values)
        return Response(CreditEventSerializer(event).data, status=status.HTTP_201_CREATED)


class PublicOrFullMixin:
    """Anyone reads the sanctions in force (信息公开); the bureau that keeps them reads every entry in full."""

    permission_classes = [AllowAny]
    public_serializer = None

    def get_serializer_class(self):
        user = self.request.user
        if user.is_authenticated and services.can_record_credit(user):
            return self.serializer_class
        return self.public_serializer

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.request.user
        if user.is_authenticated and services.can_record_credit(user):
            return queryset
        return queryset.filter(pk__in=self.in_force(timezone.localdate()).values("pk"))

    def create(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            self.permission_denied(request)
        if not services.can_record_credit(request.user):
            raise PermissionDenied(
                _("Only the provincial bureau's supervisors keep the credit records."), code="forbidden"
            )
        return self.record(request)


class BadRecordViewSet(PublicOrFullMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """R-LIST-14 / R-SUP-3: the bad-record list. Putting a company on it takes effect in every channel at once."""

    queryset = BadRecord.objects.select_related("organisation", "credit_event", "recorded_by")
    serializer_class = BadRecordSerializer
    public_serializer = PublicBadRecordSerializer
    in_force = staticmethod(selectors.public_bad_records)

    @extend_schema(request=BadRecordInputSerializer, responses={201: BadRecordSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def record(self, request):
        data = BadRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        record = services.bad_record_add(
            actor=request.user,
            organisation=get_object_or_404(visible_to(request.user, Organisation), pk=values["organisation"]),
            starts_on=values["starts_on"],
            reason=values["reason"],
            credit_event=_credit_event(request, values["credit_event"]),
        )
        return Response(BadRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class DelistingViewSet(PublicOrFullMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """R-SUP-3: products delisted as a sanction; no source sells one from its first day."""

    queryset = ProductDelisting.objects.select_related("product", "manufacturer", "recorded_by")
    serializer_class = DelistingSerializer
    public_serializer = PublicDelistingSerializer
    in_force = staticmethod(selectors.public_delistings)

    @extend_schema(request=DelistingInputSerializer, responses={201: DelistingSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def record(self, request):
        data = DelistingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        delisting = services.product_delist(
            actor=request.user,
            product=product_by_code(values["product_code"]),
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
            reason=values["reason"],
            credit_event=_credit_event(request, values["credit_event"]),
        )
        return Response(DelistingSerializer(delisting).data, status=status.HTTP_201_CREATED)
