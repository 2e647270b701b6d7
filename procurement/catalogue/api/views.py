from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from procurement.api.viewsets import ScopedListViewSet, ScopedReadOnlyViewSet
from procurement.catalogue import services
from procurement.catalogue.api.serializers import (
    NationalLowestSerializer,
    NationalPriceImportCreateSerializer,
    NationalPriceImportErrorSerializer,
    NationalPriceImportSerializer,
    NationalPriceSerializer,
    ProductSerializer,
)
from procurement.catalogue.filters import NationalPriceFilter, ProductFilter
from procurement.catalogue.models import NationalPrice, NationalPriceImport, Product
from procurement.catalogue.selectors import national_lowest_map
from procurement.core.errors import DomainError


class ProductViewSet(ScopedReadOnlyViewSet):
    """The product catalogue (public): search with ``q`` (names, code, pinyin initials)."""

    queryset = Product.objects.select_related("manufacturer", "holder")
    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    lookup_field = "code"
    ordering_fields = ["generic_name", "code", "updated_at"]
    permission_classes = [AllowAny]


class NationalPriceViewSet(ScopedListViewSet):
    """Current listing prices in every province (the national feed), by drug code and province."""

    queryset = NationalPrice.objects.order_by("product_code", "province")
    serializer_class = NationalPriceSerializer
    filterset_class = NationalPriceFilter
    ordering_fields = ["product_code", "province", "price", "effective_date"]
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("codes", str, description="comma-separated drug codes (at most 500)")],
        responses=NationalLowestSerializer(many=True),
    )
    @action(detail=False, pagination_class=None)
    def lowest(self, request):
        """DOMAIN §2: the national lowest (other provinces only) of each code given."""
        codes = [code.strip() for code in request.query_params.get("codes", "").split(",") if code.strip()]
        if not codes or len(codes) > 500:
            raise DomainError("Give between 1 and 500 drug codes in “codes”.", code="invalid", field="codes")
        lowest = national_lowest_map(codes)
        return Response(NationalLowestSerializer([lowest[code] for code in codes if code in lowest], many=True).data)


class NationalPriceImportViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Loads of the national feed (provincial bureau). POST a CSV or Excel file; it loads in the background."""

    queryset = NationalPriceImport.objects.select_related("uploaded_by")
    serializer_class = NationalPriceImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=NationalPriceImportCreateSerializer, responses={202: NationalPriceImportSerializer})
    def create(self, request, *args, **kwargs):
        serializer = NationalPriceImportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = services.national_price_import_create(
            user=request.user, uploaded_file=serializer.validated_data["file"]
        )
        batch.refresh_from_db()
        return Response(NationalPriceImportSerializer(batch).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=NationalPriceImportErrorSerializer(many=True))
    @action(detail=True)
    def errors(self, request, pk=None):
        """Every problem of a refused file: row, column, value, reason."""
        batch = self.get_object()
        page = self.paginate_queryset(batch.errors.all())
        return self.get_paginated_response(NationalPriceImportErrorSerializer(page, many=True).data)
