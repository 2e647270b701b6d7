"""The navigation bar: which pages each kind of user has (the pages re-check on their own)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from procurement.catalogue.services import can_import_national_prices
from procurement.organisations.choices import OrganisationKind, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def navigation_for(user) -> list[NavItem]:
    """The pages of the user's role, in the order of their work; the public ones for visitors."""
    from listings import services as listings

    public = [
        NavItem(_("Listed products"), "public:public-list"),
        NavItem(_("Batches"), "batches:batches"),
        NavItem(_("Catalogue"), "catalogue:product-list"),
        NavItem(_("National prices"), "catalogue:national-price-list"),
    ]
    if not user.is_authenticated:
        return public
    items = [NavItem(_("Home"), "home")]
    if listings.can_declare(user):
        items += [
            NavItem(_("Inbox"), "listings:inbox"),
            NavItem(_("Declarations"), "listings:declaration-list"),
            NavItem(_("Our listings"), "listings:listing-list"),
            NavItem(_("Price adjustment"), "listings:adjustments"),
        ]
    from procurement.orders import services as orders

    if orders.can_order(user) or orders.can_accept(user):
        if orders.can_order(user):
            items += [NavItem(_("Buy"), "orders:buy"), NavItem(_("Cart"), "orders:cart")]
        items += [NavItem(_("Orders"), "orders:order-list"), NavItem(_("Offline purchases"), "orders:offline")]
    from negotiation import services as negotiation

    if negotiation.can_negotiate_for_hospital(user) or negotiation.can_answer_for_manufacturer(user):
        items += [
            NavItem(_("Negotiations"), "negotiation:thread-list"),
            NavItem(_("Agreements"), "negotiation:agreement-list"),
        ]
    if orders.can_deliver(user):
        items += [NavItem(_("Order lines"), "orders:line-list"), NavItem(_("Orders"), "orders:order-list")]
    if orders.can_designate(user):
        items.append(NavItem(_("Distributors"), "orders:designations"))
    if listings.can_review(user):
        items += [
            NavItem(_("Review queue"), "listings:review"),
            NavItem(_("Listings"), "listings:listing-list"),
            NavItem(_("Notices"), "listings:notices"),
            NavItem(_("Withdrawals"), "listings:withdrawals"),
            NavItem(_("Price adjustment"), "listings:adjustments"),
        ]
    if user.is_superuser or user.kind == OrganisationKind.BUREAU:
        items += [
            NavItem(_("Price alerts"), "negotiation:alerts"),
            NavItem(_("Negotiations"), "negotiation:thread-list"),
        ]
    items += public
    if can_import_national_prices(user):
        items.append(NavItem(_("Feed imports"), "catalogue:import-list"))
    if user.is_superuser or user.kind == OrganisationKind.BUREAU:
        items.append(NavItem(_("Working days"), "workdays:calendar"))
    items.append(NavItem(_("Organisations"), "organisations:organisation-list"))
    if user.kind == OrganisationKind.HOSPITAL and user.has_role(Role.ORG_ADMIN):
        items.append(NavItem(_("HIS API keys"), "organisations:token-list"))
    if user.is_superuser or user.is_provincial_bureau:
        items += [NavItem(_("Alliance prices"), "orders:alliance"), NavItem(_("Audit trail"), "audit-list")]
    return items
