from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from listings import excel, services
from listings.api.serializers import (
    DeclarationCreateSerializer,
    DeclarationImportSerializer,
    DeclarationSerializer,
    ListingSerializer,
    ListingTransitionSerializer,
    NoticeSerializer,
    ProposalAnswerSerializer,
    ProposalSerializer,
    PublicListingTransitionSerializer,
    ReasonSerializer,
    WithdrawalCreateSerializer,
    WithdrawalSerializer,
)
from listings.filters import DeclarationFilter, PublicListingFilter
from listings.models import AdjustmentProposal, Declaration, Listing, PriceLinkageNotice, WithdrawalRequest
from listings.selectors import listing_history, may_read_history_details
from procurement.api.serializers import reason_from
from procurement.api.viewsets import PullView, ScopedListViewSet, ScopedReadOnlyViewSet
from procurement.catalogue.selectors import product_by_code


class DeclarationViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """A manufacturer's price declarations (R-LIST-1 … 9); the bureau reviews them with the actions."""

    queryset = Declaration.objects.select_related("product", "manufacturer")
    serializer_class = DeclarationSerializer
    filterset_class = DeclarationFilter

    @extend_schema(request=DeclarationCreateSerializer, responses={201: DeclarationSerializer})
    def create(self, request, *args, **kwargs):
        data = DeclarationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = product_by_code(data.validated_data.pop("product_code"))
        declaration = services.declaration_create(actor=request.user, product=product, **data.validated_data)
        return Response(DeclarationSerializer(declaration).data, status=status.HTTP_201_CREATED)

    def _act(self, request, operation, **extra):
        result = operation(actor=request.user, declaration_id=self.get_object().pk, **extra)
        declaration = Declaration.objects.get(pk=result.declaration_id if isinstance(result, Listing) else result.pk)
        return Response(DeclarationSerializer(declaration).data)

    @extend_schema(request=None, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Check the cap and send the declaration for review; a price above the cap is refused with the figures."""
        return self._act(request, services.declaration_submit)

    @extend_schema(request=ReasonSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(request, services.declaration_approve, reason=reason_from(request))

    @extend_schema(request=ReasonSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        return self._act(request, services.declaration_return, reason=reason_from(request))

    @extend_schema(request=ReasonSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(request, services.declaration_reject, reason=reason_from(request))

    @extend_schema(
        request={"multipart/form-data": DeclarationImportSerializer}, responses={201: DeclarationSerializer(many=True)}
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_(self, request):
        """Declare by the Excel template: all rows or none; every problem is an error on ``file`` with its
        row and column in ``params`` (and its rule)."""
        data = DeclarationImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = excel.import_declarations(actor=request.user, stream=data.validated_data["file"])
        return Response(DeclarationSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


class ListingViewSet(ScopedReadOnlyViewSet):
    """Listed products and their prices (public), with the history of each listing."""

    queryset = Listing.objects.select_related("product", "manufacturer")
    serializer_class = ListingSerializer
    filterset_class = PublicListingFilter
    permission_classes = [AllowAny]

    @extend_schema(
        responses=PublicListingTransitionSerializer(many=True),
        description="The history of a listing: what changed and when. Its manufacturer and the bureau also read "
        "who changed it and why (the fields `who` and `reason`).",
    )
    @action(detail=True)
    def transitions(self, request, pk=None):
        listing = self.get_object()
        serializer = (
            ListingTransitionSerializer
            if may_read_history_details(request.user, listing)
            else PublicListingTransitionSerializer
        )
        return Response(serializer(listing_history(listing), many=True).data)


class NoticeViewSet(ScopedListViewSet):
    """A manufacturer's price-linkage notices (R-LIST-10); the bureau sees all."""

    queryset = PriceLinkageNotice.objects.select_related("listing__product")
    serializer_class = NoticeSerializer
    filterset_fields = ["status"]


class WithdrawalViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Withdrawal requests (R-LIST-13)."""

    queryset = WithdrawalRequest.objects.all()
    serializer_class = WithdrawalSerializer

    @extend_schema(request=WithdrawalCreateSerializer, responses={201: WithdrawalSerializer})
    def create(self, request, *args, **kwargs):
        data = WithdrawalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        request_ = services.withdrawal_request_submit(
            actor=request.user, listing_id=values["listing"], reason=values["reason"], explanation=values["explanation"]
        )
        return Response(WithdrawalSerializer(request_).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=WithdrawalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        result = services.withdrawal_request_decide(
            actor=request.user, request_id=self.get_object().pk, approve=True, reason=reason_from(request)
        )
        return Response(WithdrawalSerializer(result).data)

    @extend_schema(request=ReasonSerializer, responses=WithdrawalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        result = services.withdrawal_request_decide(
            actor=request.user, request_id=self.get_object().pk, approve=False, reason=reason_from(request)
        )
        return Response(WithdrawalSerializer(result).data)


class ProposalViewSet(ScopedReadOnlyViewSet):
    """Annual adjustment proposals (R-LIST-11): a manufacturer accepts or appeals its own."""

    queryset = AdjustmentProposal.objects.select_related("listing__product")
    serializer_class = ProposalSerializer
    filterset_fields = ["round", "status"]

    @extend_schema(request=ProposalAnswerSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = ProposalAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.adjustment_proposal_answer(
            actor=request.user, proposal_id=self.get_object().pk, **data.validated_data
        )
        return Response(ProposalSerializer(proposal).data)


class ListingChangesView(PullView):
    """Listing prices and statuses changed since the cursor (R-ORD-5): a HIS keeps its drug dictionary current."""

    serializer = ListingSerializer
    queryset = Listing.objects.select_related("product", "manufacturer")
