from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from negotiation import services
from negotiation.api.serializers import (
    AgreementSerializer,
    AnswersInputSerializer,
    CounterInputSerializer,
    NegotiationSerializer,
    NoteSerializer,
    RequestInputSerializer,
)
from negotiation.models import Agreement, Negotiation
from negotiation.rules import overtaken_sql
from procurement.api.viewsets import ScopedReadOnlyViewSet
from procurement.catalogue.selectors import product_by_code
from procurement.core.scoping import visible_to
from procurement.organisations.models import HospitalGroup


class NegotiationViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Negotiations (R-NEG-1 … 5): a hospital asks, the parties counter in turn, one accepts or declines."""

    queryset = Negotiation.objects.select_related("product").prefetch_related("offers")
    serializer_class = NegotiationSerializer
    filterset_fields = ["status", "turn", "manufacturer", "hospital"]

    def _answer(self, negotiation_id):
        return Response(NegotiationSerializer(self.get_queryset().get(pk=negotiation_id)).data)

    @extend_schema(request=RequestInputSerializer, responses={201: NegotiationSerializer})
    def create(self, request, *args, **kwargs):
        data = RequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        product = product_by_code(values["product_code"])
        group = (
            get_object_or_404(visible_to(request.user, HospitalGroup), pk=values["group"]) if values["group"] else None
        )
        negotiation = services.negotiation_request(
            actor=request.user,
            request=services.Request(
                product, values["price"], values["volume"], values["valid_months"], values["note"], group
            ),
        )
        return Response(
            NegotiationSerializer(self.get_queryset().get(pk=negotiation.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=CounterInputSerializer, responses=NegotiationSerializer)
    @action(detail=True, methods=["post"])
    def counter(self, request, pk=None):
        data = CounterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.offer_counter(actor=request.user, negotiation_id=self.get_object().pk, **data.validated_data)
        return self._answer(pk)

    @extend_schema(request=NoteSerializer, responses=AgreementSerializer(many=True))
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreements = services.negotiation_accept(
            actor=request.user, negotiation_id=self.get_object().pk, note=data.validated_data["note"]
        )
        return Response(AgreementSerializer(agreements, many=True).data)

    @extend_schema(request=NoteSerializer, responses=NegotiationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.negotiation_decline(
            actor=request.user, negotiation_id=self.get_object().pk, reason=data.validated_data["note"]
        )
        return self._answer(pk)

    @extend_schema(request=AnswersInputSerializer, responses={200: None})
    @action(detail=False, methods=["post"])
    def answers(self, request):
        """A manufacturer answers many negotiations at once: all or nothing, each problem at its index."""
        data = AnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answers = [
            services.Answer(
                answer["negotiation"],
                answer["action"],
                "" if answer["price"] is None else str(answer["price"]),
                answer["note"],
            )
            for answer in data.validated_data["answers"]
        ]
        return Response({"answered": services.answer_many(actor=request.user, answers=answers)})


class AgreementViewSet(ScopedReadOnlyViewSet):
    """Purchase agreements (R-NEG-5) with their zone (R-NEG-6); a group's result is each member's own."""

    queryset = Agreement.objects.select_related("product", "zoning").annotate(
        overtaken=RawSQL(overtaken_sql(Agreement._meta.db_table), [], output_field=BooleanField())
    )
    serializer_class = AgreementSerializer
    filterset_fields = ["status", "hospital", "manufacturer", "zoning__zone"]
