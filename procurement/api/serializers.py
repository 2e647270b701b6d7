"""Serializers shared by every app's API."""

from rest_framework import serializers


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Why: shown to the other party."
    )
