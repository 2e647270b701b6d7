from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement.api.viewsets import ScopedReadOnlyViewSet
from procurement.organisations.api.serializers import MeSerializer, OrganisationSerializer, RegionSerializer
from procurement.organisations.filters import OrganisationFilter
from procurement.organisations.models import Organisation, Region
from procurement.organisations.selectors import directory


class RegionViewSet(ScopedReadOnlyViewSet):
    """Provinces, cities and counties (GB/T 2260)."""

    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_fields = ["level", "parent"]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """The directory of participants: manufacturers, distributors, medical institutions, bureaus (a city or
    county bureau: those of its region, and every company). Names and registration facts only."""

    queryset = Organisation.objects.none()  # the directory is chosen per reader
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "kind"]

    def get_queryset(self):
        return directory(self.request.user)


class MeView(APIView):
    """Who the request is authenticated as, with organisation and roles."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)
