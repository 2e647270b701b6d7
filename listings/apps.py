from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = _("Sunshine listing")

    def ready(self):
        from listings import jobs, price_source  # noqa: F401  (registers the nightly jobs and the price source)
