"""What waits on the home page, from the negotiation channel."""

from django.urls import reverse
from django.utils.translation import gettext as _

from negotiation import selectors, services
from negotiation.choices import Zone
from procurement.organisations.choices import OrganisationKind
from procurement.web.home import HomeItem, home_panel


@home_panel
def negotiation_items(user):
    items = []
    if services.can_negotiate_for_hospital(user) or services.can_answer_for_manufacturer(user):
        waiting = selectors.open_threads_awaiting(user).count()
        if waiting:
            items.append(
                HomeItem(
                    _("Negotiations waiting for your answer"),
                    count=waiting,
                    url=reverse("negotiation:thread-list") + "?status=open",
                    tone="todo",
                )
            )
    if services.can_negotiate_for_hospital(user):
        red = selectors.zonings_for(user).filter(zone=Zone.RED).count()
        if red:
            items.append(
                HomeItem(
                    _("Agreements in the red zone"),
                    count=red,
                    url=reverse("negotiation:agreement-list") + "?zone=red",
                    tone="urgent",
                )
            )
    if user.is_superuser or user.kind == OrganisationKind.BUREAU:
        red = selectors.zonings_for(user).filter(zone=Zone.RED).count()
        items.append(
            HomeItem(
                _("Agreements in the red zone"),
                count=red,
                url=reverse("negotiation:alerts"),
                tone="urgent" if red else "info",
            )
        )
    return items
