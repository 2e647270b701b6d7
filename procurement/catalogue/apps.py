from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "procurement.catalogue"
    label = "catalogue"
    verbose_name = _("Drug catalogue and national prices")
