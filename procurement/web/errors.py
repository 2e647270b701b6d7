"""What a person or a HIS is told when something goes wrong, in the one shape everywhere.

Under ``/api/`` every error is JSON ``{"errors": [{"field", "rule", "code", "message", "params"}]}`` —
an unknown URL (404), a refused permission (403), a bad request (400), a body over the size limit
(413), the database out of reach or too slow (503) and an unexpected fault (500) included. Pages get
the same, in the site's layout, in the user's language, with the way back.
"""

import logging

from django.core.exceptions import BadRequest, ObjectDoesNotExist, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def _api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"field": None, "rule": None, "code": code, "message": message, "params": {}}]},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


_PAGES = {
    400: (
        "bad_request",
        lambda: _("The request could not be understood."),
        lambda: _("Check what you entered and try again."),
    ),
    403: (
        "forbidden",
        lambda: _("You may not do this."),
        lambda: _(
            "Your role does not allow this page or action. If you think it should, ask your organisation's administrator."
        ),
    ),
    404: (
        "not_found",
        lambda: _("Not found."),
        lambda: _("The page or record does not exist, or it is not one you may see."),
    ),
    413: (
        "too_large",
        lambda: _("The upload is too large."),
        lambda: _("Send a smaller file or fewer rows at a time."),
    ),
    429: (
        "throttled",
        lambda: _("Too many requests."),
        lambda: _("This has been asked too often from your address in a short time. Wait a while and try again."),
    ),
    500: (
        "server_error",
        lambda: _("Something went wrong on our side."),
        lambda: _(
            "The error has been recorded. Try again in a moment; if it happens again, tell the platform's support."
        ),
    ),
    503: (
        "unavailable",
        lambda: _("The platform is busy or its database is out of reach."),
        lambda: _("Nothing was changed. Try again in a moment."),
    ),
}


def error_response(request, status: int, detail: str | None = None):
    """The error page (or JSON under /api/) for ``status``; ``detail``, when given, says what was wrong."""
    code, title, explanation = _PAGES[status]
    if _api(request):
        return _json(status, code, detail or str(title()))
    return render(
        request,
        "web/error.html",
        {"status": status, "title": title(), "explanation": detail or explanation()},
        status=status,
    )


def bad_request(request, exception=None):
    # A BadRequest raised by our views names the field and what it takes (SuspiciousOperation's
    # messages are for the log, never the page).
    detail = str(exception) if type(exception) is BadRequest and exception.args else None
    return error_response(request, 400, detail)


def permission_denied(request, exception=None):
    return error_response(request, 403)


def page_not_found(request, exception=None):
    return error_response(request, 404)


def server_error(request):
    return error_response(request, 500)


class FaultsInTheOneShapeMiddleware:
    """A database out of reach or too slow is a 503 (never a hang, never an HTML 500 under /api/); a
    body over the size limit a 413 — both in the one error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.warning("database unavailable: %s", exception)
            return error_response(request, 503)
        if isinstance(exception, RequestDataTooBig):
            return error_response(request, 413)
        if isinstance(exception, ObjectDoesNotExist):
            # A service asked for an object by an id that names none the actor may reach: the views
            # fetch through visible_to first; this is the net under a view that forgot (issue 11 #9).
            logger.warning("not found in a service: %s %s", request.path, exception)
            return error_response(request, 404)
        return None


class NoNulCharactersMiddleware:
    """A NUL character in a query parameter or a posted field is refused with a 400 naming the field
    (issue 11 #9): PostgreSQL cannot store or compare it, and no form or filter of ours takes one.
    Forms and serializers refuse it themselves; this covers every read of ``request.GET`` and
    ``request.POST`` by hand."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            names = _with_nul(request.GET) or (_with_nul(request.POST) if request.content_type in _FORM_TYPES else [])
        except RequestDataTooBig:
            return error_response(request, 413)
        if names:
            return error_response(request, 400, _("%(field)s: contains a NUL character.") % {"field": names[0][:50]})
        return self.get_response(request)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _with_nul(data) -> list[str]:
    return [name for name, values in data.lists() if "\x00" in name or any("\x00" in value for value in values)]
