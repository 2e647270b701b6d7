"""One error format for the whole API: ``{"errors": [{"field", "rule", "code", "message", "params"}]}``."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from procurement.core.errors import DomainError


def _flatten(detail, field=None):
    """DRF's nested error details as a flat list of (field, code, message)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else None
            yield from _flatten(value, f"{field}.{name}" if field and name else (name or field))
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)) and not isinstance(item, exceptions.ErrorDetail):
                yield from _flatten(item, f"{field}[{index}]" if field else f"[{index}]")
            else:
                yield from _flatten(item, field)
    else:
        yield field, getattr(detail, "code", "invalid"), str(detail)


def error_body(problems: list[dict]) -> dict:
    return {"errors": problems}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(error_body([p.as_dict() for p in exc.problems]), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        problems = [
            {"field": field, "rule": None, "code": code, "message": message, "params": {}}
            for field, code, message in _flatten(exc.detail)
        ]
        response.data = error_body(problems)
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Token"
    return response
