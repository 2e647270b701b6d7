"""Public disclosure (信息公开, R-SUP-7): the index of what the platform publishes — listing results, VBP results
and contracts, the bad-record list, batches, payment standards — and its open data as an OCDS 1.1 release package
(``procurement.core.opendata``: each channel registers its releases, supervision imports no channel). No login."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procurement.core import opendata
from procurement.core.ratelimit import Rate, client_address, hit
from procurement.web.errors import error_response

# What the index links to: (URL name, title, what it shows) — every page public.
PAGES = (
    ("public:public-list", _("Listed products"), _("Every product hospitals may buy, at its listing price.")),
    ("vbp-public:results", _("VBP results"), _("Opened rounds: winners and winning prices.")),
    (
        "vbp-public:contracts",
        _("VBP contracts"),
        _("Each hospital's contract: winner, agreed volume and amount."),
    ),
    (
        "credit-public:bad-record-list",
        _("Bad-record list"),
        _("Companies barred from procurement in the province."),
    ),
    ("batches:batches", _("Batches"), _("Accepted batches with batch number, expiry and inspection report.")),
    ("standards:list", _("Payment standards"), _("The fund's payment standard of each product, and the calculator.")),
)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _period(request) -> opendata.Period:
    """The period asked for; by default the last twelve months."""
    until = _day(request.GET.get("until", "")) or timezone.localdate()
    since = _day(request.GET.get("since", "")) or until - timedelta(days=365)
    return opendata.Period(since, until)


def disclosure(request):
    """R-SUP-7: the public disclosure index and the open-data download."""
    period = _period(request)
    return render(
        request,
        "supervision/public_disclosure.html",
        {
            "pages": PAGES,
            "sources": opendata.release_sources(),
            "since": period.since,
            "until": period.until,
            "prefix": settings.OCDS_OCID_PREFIX,
        },
    )


def ocds_download(request):
    """R-SUP-7: the OCDS 1.1 release package of the period (``since``, ``until``; ``source`` to choose), as a JSON
    file. A visitor may download ``PUBLIC_EXPORT_RATE`` packages an hour per address, as the other exports."""
    if not request.user.is_authenticated:
        allowed, wait = hit("public-export", client_address(request), Rate.parse(settings.PUBLIC_EXPORT_RATE))
        if not allowed:
            response = error_response(request, 429)
            response["Retry-After"] = str(int(wait) + 1)
            return response
    known = {source.name for source in opendata.release_sources()}
    names = [name for name in request.GET.getlist("source") if name in known] or None
    period = _period(request)
    package = opendata.release_package(period, names)
    if not package["releases"]:  # an OCDS package holds at least one release: say so rather than export
        messages.warning(
            request,
            _("%(since)s to %(until)s: nothing published in this period.")
            % {"since": period.since or "…", "until": period.until or "…"},
        )
        return redirect(f"{reverse('disclosure:index')}?{request.GET.urlencode()}")
    response = HttpResponse(opendata.dumps(package), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ocds-{period.since}-{period.until}.json"'
    return response
