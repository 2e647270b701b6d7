"""The settlement API (R-SET-2, R-ORD-5): payables and payments as each party may see them; payments by a
hospital's finance officer or the fund's settlement centre; the supplier's confirmation; corrections; the
settlement centre's batch of direct payments; HIS pulls of payables and payments by the change cursor."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement.api.viewsets import PullView, ScopedReadOnlyViewSet
from procurement.core.errors import DomainError, PermissionDenied, Problem
from procurement.core.scoping import visible_to
from settlement import selectors, services
from settlement.api.serializers import (
    CorrectionSerializer,
    DirectPaymentsSerializer,
    PayableSerializer,
    PayInputSerializer,
    PaymentSerializer,
    PaymentStandardSerializer,
    SplitInputSerializer,
    SplitSerializer,
)
from settlement.choices import PayableState
from settlement.filters import PaymentStandardFilter
from settlement.models import Payable, Payment, PaymentStandard
from settlement.standards_service import price_split


def _key(request) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and (len(key) > 100 or not (key.isascii() and key.isprintable())):
        raise DomainError(
            _("The Idempotency-Key is printable ASCII of at most 100 characters."),
            code="invalid",
            field="Idempotency-Key",
            rule="R-SET-2",
        )
    return key


class PayableViewSet(ScopedReadOnlyViewSet):
    """R-SET-1: payables — a hospital's own, those owed to a distributor, a bureau's region's — with what is
    still owed. ``?state=open|due_soon|overdue|paid|paid_late``."""

    serializer_class = PayableSerializer
    queryset = Payable.objects.all()

    def get_queryset(self):
        state = self.request.query_params.get("state", "")
        if state and state not in PayableState.values:
            raise DomainError(
                _("state is one of %(states)s.") % {"states": ", ".join(PayableState.values)},
                code="invalid",
                field="state",
            )
        return selectors.payables_for(self.request.user, today=timezone.localdate(), state=state)

    @extend_schema(request=PayInputSerializer, responses={201: PaymentSerializer})
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        """R-SET-2: pay (part of) what is owed — as the hospital's finance officer, or as the fund (direct
        settlement). An ``Idempotency-Key`` header makes a retry pay once."""
        payable = self.get_object()
        data = PayInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.payment_record(
            actor=request.user,
            payable_id=payable.pk,
            amount=data.validated_data["amount"],
            reference=data.validated_data["reference"],
            idempotency_key=_key(request),
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class PaymentViewSet(ScopedReadOnlyViewSet):
    """R-SET-2: payments made by or to the user's organisation (a bureau: of its region's hospitals)."""

    serializer_class = PaymentSerializer
    queryset = Payment.objects.order_by("-id")
    filterset_fields = ["payable", "payer"]

    @extend_schema(request=None, responses=PaymentSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """R-SET-2: the supplier confirms it received the payment."""
        payment = services.payment_confirm(actor=request.user, payment_id=self.get_object().pk)
        return Response(PaymentSerializer(payment).data)

    @extend_schema(request=CorrectionSerializer, responses=PaymentSerializer)
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """R-SET-4: the payer corrects a payment recorded in error (a reversing entry; before confirmation)."""
        payment = self.get_object()
        data = CorrectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.payment_reverse(
            actor=request.user, payment_id=payment.pk, reason=data.validated_data["reason"]
        )
        return Response(PaymentSerializer(payment).data)


class DirectPaymentsView(APIView):
    """R-SET-2: the electronic settlement centre pays payables directly from the fund — a batch, all or
    nothing: one refused payment (unknown payable, overpayment, a sub-fen amount) refuses the batch, each
    problem named by its position. Each payment's ``key`` makes a retried batch pay once."""

    @extend_schema(request=DirectPaymentsSerializer, responses={201: PaymentSerializer(many=True)})
    def post(self, request):
        if not services.can_pay_as_fund(request.user):
            raise PermissionDenied(_("Only the fund's settlement centre pays directly."), code="forbidden")
        data = DirectPaymentsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = data.validated_data["payments"]
        visible = set(
            visible_to(request.user, Payable)
            .filter(pk__in=[item["payable"] for item in items])
            .values_list("pk", flat=True)
        )
        problems, payments = [], []
        with transaction.atomic():
            for index, item in enumerate(items):
                if item["payable"] not in visible:
                    problems.append(
                        Problem("not_found", _("No such payable."), field=f"payments[{index}].payable", rule="R-SET-2")
                    )
                    continue
                try:
                    with transaction.atomic():
                        payments.append(
                            services.payment_record(
                                actor=request.user,
                                payable_id=item["payable"],
                                amount=item["amount"],
                                reference=item["reference"],
                                idempotency_key=item["key"],
                            )
                        )
                except DomainError as error:
                    problems += [
                        Problem(p.code, p.message, f"payments[{index}].{p.field or 'amount'}", p.rule, p.params)
                        for p in error.problems
                    ]
            if problems:
                transaction.set_rollback(True)
        if problems:
            raise DomainError(problems=problems)
        return Response(PaymentSerializer(payments, many=True).data, status=status.HTTP_201_CREATED)


class PayableChangesView(PullView):
    """R-ORD-5 for payables: those changed (opened, paid, settled) since the cursor. Falling overdue is
    not a change: ``state`` and ``overdue_since`` are as of the day they are read (R-SET-5)."""

    serializer = PayableSerializer
    queryset = selectors.with_balance(Payable.objects.select_related("product"))


class PaymentChangesView(PullView):
    """R-ORD-5 for payments: recorded, confirmed or corrected since the cursor."""

    serializer = PaymentSerializer
    queryset = Payment.objects.all()


class PaymentStandardViewSet(ScopedReadOnlyViewSet):
    """R-SET-8: the payment standards, public (no login): ``?year=`` (default this year), ``?q=`` (names,
    strength, pinyin initials, code, manufacturer), ``?basis=``. A standard is per pack; the patient pays the
    part of a price above it (``split``)."""

    serializer_class = PaymentStandardSerializer
    queryset = PaymentStandard.objects.select_related("product", "product__manufacturer")
    filterset_class = PaymentStandardFilter
    permission_classes = [AllowAny]
    lookup_field = "product__code"
    lookup_url_kwarg = "code"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve" or "year" not in self.request.query_params:
            queryset = queryset.filter(year=timezone.localdate().year)
        return queryset

    @extend_schema(parameters=[SplitInputSerializer], responses=SplitSerializer)
    @action(detail=False)
    def split(self, request):
        """R-SET-8: of ``packs`` bought at ``price`` a pack, the fund's part (up to the standard) and the
        patient's (what is above it)."""
        given = SplitInputSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        year = data.get("year") or timezone.localdate().year
        standard = (
            visible_to(request.user, PaymentStandard)
            .select_related("product")
            .filter(year=year, product__code=data["code"])
            .first()
        )
        if standard is None:
            raise DomainError(
                _("No payment standard for %(code)s in %(year)s.") % {"code": data["code"], "year": year},
                code="not_found",
                field="code",
                rule="R-SET-8",
            )
        split = price_split(standard, data["price"], data["packs"])
        return Response(
            SplitSerializer(
                {
                    "product_code": standard.product.code,
                    "year": year,
                    "standard": standard.standard,
                    "basis": standard.basis,
                    "price": data["price"],
                    "packs": data["packs"],
                    "fund": split.fund,
                    "patient": split.patient,
                }
            ).data
        )
