from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from filings import services
from filings.api.serializers import BatchInputSerializer, BatchSerializer, FilingInputSerializer, FilingSerializer
from filings.models import Filing
from procurement.api.viewsets import PullView, ScopedReadOnlyViewSet
from procurement.catalogue.selectors import product_by_code


class FilingViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Filed purchases (R-FIL-1 … 3): a hospital (or its HIS) files; the provincial bureau confirms the month's batch."""

    queryset = Filing.objects.select_related("product")
    serializer_class = FilingSerializer
    filterset_fields = ["status", "hospital", "basis"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request={"multipart/form-data": FilingInputSerializer}, responses={201: FilingSerializer})
    def create(self, request, *args, **kwargs):
        data = FilingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        filing = services.filing_submit(
            actor=request.user,
            request=services.FilingRequest(
                product=product_by_code(values["product_code"]),
                basis=values["basis"],
                reason=values["reason"],
                quantity=values["quantity"],
                months=values["months"],
                price=values["price"],
                documents=values["documents"],
            ),
        )
        return Response(FilingSerializer(self.get_queryset().get(pk=filing.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BatchInputSerializer, responses=BatchSerializer)
    @action(detail=False, methods=["post"], parser_classes=[JSONParser])
    def batch(self, request):
        """R-FIL-3: the month's batch — each filing approved or rejected with a reason, all or nothing."""
        data = BatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        confirmed = services.filing_batch_confirm(
            actor=request.user,
            decisions=[
                services.Decision(decision["filing"], decision["approve"], decision["reason"])
                for decision in data.validated_data["decisions"]
            ],
            note=data.validated_data["note"],
        )
        return Response(BatchSerializer(confirmed).data)


class FilingChangesView(PullView):
    """Filings changed since the cursor (R-ORD-5): a HIS learns the bureau's decisions as it learns of its lines."""

    serializer = FilingSerializer
    queryset = Filing.objects.select_related("product")
