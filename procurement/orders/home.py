"""What waits on the home page, from ordering and delivery."""

from django.urls import reverse
from django.utils.translation import gettext as _

from procurement.core.scoping import visible_to
from procurement.orders import services
from procurement.orders.choices import LineStatus, ShipmentStatus
from procurement.orders.models import OrderLine, Shipment
from procurement.web.home import HomeItem, home_panel


@home_panel
def order_items(user):
    items = []
    lines_url = reverse("orders:line-list")
    if services.can_deliver(user):
        lines = visible_to(user, OrderLine).filter(distributor=user.organisation)
        to_confirm = lines.filter(status=LineStatus.SUBMITTED).count()
        to_ship = lines.filter(status__in=[LineStatus.CONFIRMED, LineStatus.SHIPPING]).count()
        if to_confirm:
            items.append(HomeItem(_("Order lines to confirm"), count=to_confirm, url=f"{lines_url}?status=submitted"))
        if to_ship:
            items.append(HomeItem(_("Order lines to ship"), count=to_ship, url=f"{lines_url}?status=confirmed"))
    if services.can_accept(user):
        waiting = visible_to(user, Shipment).filter(status=ShipmentStatus.SHIPPED).count()
        if waiting:
            items.append(
                HomeItem(
                    _("Deliveries to accept into stock"), count=waiting, url=reverse("orders:acceptance"), tone="urgent"
                )
            )
    if services.can_order(user):
        declined = visible_to(user, OrderLine).filter(status=LineStatus.DECLINED).count()
        if declined:
            items.append(
                HomeItem(
                    _("Order lines declined by the distributor"),
                    count=declined,
                    url=f"{lines_url}?status=declined",
                    tone="info",
                )
            )
    if services.can_designate(user):
        from procurement.catalogue.models import Product

        missing = (
            Product.objects.filter(manufacturer=user.organisation, listing__status="listed")
            .exclude(designations__is_active=True)
            .count()
        )
        if missing:
            items.append(
                HomeItem(
                    _("Listed products without a distributor"),
                    count=missing,
                    url=reverse("orders:designations"),
                    tone="urgent",
                )
            )
    return items
