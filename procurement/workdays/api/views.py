from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement.workdays.services import add_working_days


class DeadlineQuerySerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField(min_value=0, max_value=365)


class DeadlineSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    deadline = serializers.DateField()
    provisional = serializers.BooleanField()


class DeadlineView(APIView):
    """The N-th working day after a date, by the statutory calendar; provisional where it is not published."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("start", str, required=True), OpenApiParameter("days", int, required=True)],
        responses=DeadlineSerializer,
    )
    def get(self, request):
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        deadline = add_working_days(query.validated_data["start"], query.validated_data["days"])
        return Response(
            DeadlineSerializer(
                {
                    "start": query.validated_data["start"],
                    "days": query.validated_data["days"],
                    "deadline": deadline.date,
                    "provisional": deadline.provisional,
                }
            ).data
        )
