from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement.api.viewsets import ScopedReadOnlyViewSet
from procurement.organisations.api.serializers import MeSerializer, OrganisationSerializer, RegionSerializer
from procurement.organisations.filters import OrganisationFilter
from procurement.organisations.models import Organisation, Region


class RegionViewSet(ScopedReadOnlyViewSet):
    """Provinces, cities and counties (GB/T 2260)."""

    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_fields = ["level", "parent"]


class OrganisationViewSet(ScopedReadOnlyViewSet):
    """The directory of participants: manufacturers, distributors, medical institutions, bureaus."""

    queryset = Organisation.objects.select_related("region")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "kind"]


class MeView(APIView):
    """Who the request is authenticated as, with organisation and roles."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)
