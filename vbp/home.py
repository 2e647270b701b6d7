"""What waits on the home page, from the VBP channel."""

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.core.scoping import visible_to
from procurement.organisations.choices import OrganisationKind
from procurement.web.home import HomeItem, home_panel
from vbp import selectors, services
from vbp.choices import RoundStatus
from vbp.models import ShortageWarning, Winner


@home_panel
def vbp_items(user):
    items = []
    today = timezone.localdate()
    if services.can_report_volumes(user):
        waiting = selectors.allocations_for(user).filter(confirmed_at__isnull=True, deadline__gte=today)
        count = waiting.count()
        if count:
            first = waiting.order_by("deadline").first()
            items.append(
                HomeItem(
                    _("VBP shares to confirm"),
                    count=count,
                    url=reverse("vbp:unit-detail", args=[first.unit_id]),
                    tone="urgent",
                    detail=_("by %(deadline)s") % {"deadline": first.deadline.isoformat()},
                )
            )
        behind = selectors.behind_pace(user).count()
        if behind:
            items.append(
                HomeItem(
                    _("VBP contracts behind pace"),
                    count=behind,
                    url=reverse("vbp:contract-list") + "?behind=1",
                    tone="urgent",
                )
            )
    if services.can_bid(user):
        open_units = selectors.units_for(user).filter(
            round__status=RoundStatus.BIDDING, round__bid_deadline__gt=timezone.now()
        )
        bid_on = selectors.own_bids(user).values("unit_id")
        count = open_units.exclude(pk__in=bid_on).count()
        if count:
            items.append(HomeItem(_("VBP units open for your bid"), count=count, url=reverse("vbp:round-list")))
    if services.can_report_volumes(user) or user.is_superuser or user.kind == OrganisationKind.BUREAU:
        month = today.replace(day=1) - relativedelta(months=1)
        warnings = visible_to(user, ShortageWarning).filter(month__gte=month).count()
        if warnings:
            items.append(HomeItem(_("VBP shortage warnings"), count=warnings, url=reverse("vbp:supply"), tone="urgent"))
    if services.can_bid(user):
        month = today.replace(day=1)
        missing = (
            visible_to(user, Winner)
            .filter(manufacturer_id=user.organisation_id, valid_from__lte=today, valid_until__gte=today)
            .exclude(supply_reports__month=month)
            .count()
        )
        if missing:
            items.append(
                HomeItem(
                    _("VBP winners without this month's capacity and stock"), count=missing, url=reverse("vbp:supply")
                )
            )
    if user.is_superuser or user.kind == OrganisationKind.BUREAU:
        behind = selectors.behind_pace(user).count()
        unconfirmed = selectors.unconfirmed_past_deadline(user).count()
        if behind or unconfirmed:
            items.append(
                HomeItem(
                    _("VBP contracts behind pace"),
                    count=behind,
                    url=reverse("vbp:completion"),
                    tone="urgent" if behind else "info",
                    detail=_("%(n)d shares not confirmed by their deadline") % {"n": unconfirmed},
                )
            )
        if services.can_run_rounds(user):
            due = selectors.rounds_for(user).filter(status=RoundStatus.BIDDING, opening_at__lte=timezone.now()).count()
            if due:
                items.append(HomeItem(_("VBP rounds to open"), count=due, url=reverse("vbp:round-list"), tone="todo"))
    return items
