from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = _("Sunshine listing")

    def ready(self):
        # Registers the nightly jobs, the price source and the receivers of order events.
        from listings import jobs, price_history, price_source, receivers  # noqa: F401
