from django.utils.translation import gettext_lazy as _

from procurement.catalogue.services import can_import_national_prices
from procurement.web.navigation import MenuItem, everyone, register_menu

register_menu(
    MenuItem(_("Catalogue"), "catalogue:product-list", everyone, order=82, group="public"),
    MenuItem(_("National prices"), "catalogue:national-price-list", everyone, order=83, group="public"),
    MenuItem(_("Feed imports"), "catalogue:import-list", can_import_national_prices, order=85, group="system"),
)
