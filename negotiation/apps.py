from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NegotiationConfig(AppConfig):
    name = "negotiation"
    verbose_name = _("Hospital negotiation")

    def ready(self):
        from negotiation import flag_sources, jobs, price_source  # noqa: F401  (the nightly job, the price source, the flags)
