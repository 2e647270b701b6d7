from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NegotiationConfig(AppConfig):
    name = "negotiation"
    verbose_name = _("Hospital negotiation")

    def ready(self):
        from negotiation import jobs, price_source  # noqa: F401  (registers the nightly job and the price source)
