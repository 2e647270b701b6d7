from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement.api.viewsets import ScopedReadOnlyViewSet
from procurement.core.errors import PermissionDenied
from supervision import selectors, services
from supervision.api.serializers import (
    CaseOpenSerializer,
    CaseSerializer,
    CloseInputSerializer,
    EvidenceInputSerializer,
    FlagSerializer,
    InterviewInputSerializer,
)
from supervision.models import Case


def _require_supervisor(user) -> None:
    if not services.can_supervise(user):
        raise PermissionDenied("Only the bureau's supervisors read flags and keep interview cases.", code="forbidden")


class _Flagged:
    def __init__(self, flag, case_open):
        self.__dict__.update(
            key=flag.key,
            source=flag.source,
            subject=flag.subject,
            found=flag.found,
            explanation=flag.explanation,
            figures=flag.figures,
            case_open=case_open,
        )


class FlagListView(APIView):
    """R-SUP-5: today's flags of every channel the bureau may see (R-SUP-2), from the core's flag registry."""

    @extend_schema(responses=FlagSerializer(many=True))
    def get(self, request):
        _require_supervisor(request.user)
        wanted = request.query_params.get("flag")
        rows = selectors.flags_with_cases(request.user, timezone.localdate(), keys=[wanted] if wanted else None)
        return Response(FlagSerializer([_Flagged(flag, has_case) for flag, has_case in rows], many=True).data)


class CaseViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """R-SUP-5: interview cases — opened from a flag, interview recorded, documents received, closed."""

    queryset = Case.objects.all()
    serializer_class = CaseSerializer
    filterset_fields = ["status", "subject_kind", "conclusion", "flag_key", "subject"]
    filter_backends = [DjangoFilterBackend, SearchFilter]
    search_fields = ["subject__name", "flag_label", "explanation"]

    def get_queryset(self):
        _require_supervisor(self.request.user)
        return selectors.cases_for(self.request.user, timezone.localdate()).prefetch_related("evidence__uploaded_by")

    def _answer(self, case_id, code=status.HTTP_200_OK):
        return Response(CaseSerializer(self.get_queryset().get(pk=case_id)).data, status=code)

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseSerializer})
    def create(self, request, *args, **kwargs):
        data = CaseOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = services.case_open_from_flag(
            actor=request.user,
            flag_key=values["flag"],
            subject_id=values["subject"],
            day=timezone.localdate(),
            detail=values["detail"],
        )
        return self._answer(case.pk, status.HTTP_201_CREATED)

    @extend_schema(request=InterviewInputSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def interview(self, request, pk=None):
        case = self.get_object()
        data = InterviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.interview_record(actor=request.user, case_id=case.pk, **data.validated_data)
        return self._answer(case.pk)

    @extend_schema(request={"multipart/form-data": EvidenceInputSerializer}, responses=CaseSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        case = self.get_object()
        data = EvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.evidence_add(
            actor=request.user,
            case_id=case.pk,
            upload=values["file"],
            note=values["note"],
            received_on=values["received_on"],
        )
        return self._answer(case.pk)

    @extend_schema(request=CloseInputSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def close(self, request, pk=None):
        case = self.get_object()
        data = CloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_close(actor=request.user, case_id=case.pk, **data.validated_data)
        return self._answer(case.pk)
